/**
 * Display filter → predicate. The parsed filter is checked against the
 * registry (names, types, literals) once, then turned into closures over a
 * packet's gathered fields: no eval, so it runs under a strict CSP.
 */
import type { Dissected } from '../dissect/engine.js';
import type { DataSource } from '../dissect/packet.js';
import type { FieldDef } from '../dissect/field.js';
import type { Registry } from '../dissect/registry.js';
import type { TreeNode } from '../dissect/tree.js';
import { valueText } from '../format/field-text.js';
import { bytesContain, equalFor, orderFor } from './compare.js';
import { fail, FilterSyntaxError, type FilterError, type Span } from './errors.js';
import { EITHER_SIDE, kindOf, typeName, type Kind } from './kinds.js';
import { parseBytesLiteral, parseLiteral, type LiteralEntity, type Value } from './literals.js';
import { FieldSlots, PacketFields } from './packet-fields.js';
import { parseFilter } from './parser.js';
import { compilePattern } from './regex.js';
import { nearestName } from './suggest.js';
import { describe, firstLeaf, type ArithOp, type CompareOp, type Entity, type Expr, type Quantifier, type SetMember, type SliceRange } from './syntax.js';
import type { Operand, Pred } from './operand.js';
import { arithmetic, compatible, fromBigInt, ftName, negate, quantified, relationTest, sliceOf, toBigInt } from './operations.js';

export interface CompiledFilter {
  readonly text: string;
  /** Field and protocol names the filter reads: a packet needs only these decoded. */
  readonly fields: ReadonlySet<string>;
  /**
   * The names among `fields` whose items' values, bytes or number are read; the
   * others are only tested for presence (`websocket`, `tcp.analysis.flags`).
   */
  readonly valueFields: ReadonlySet<string>;
  /** True when a field is restricted to layers (`ip.src#2`): the answer then depends on how the tree nests. */
  readonly usesLayers: boolean;
  /** True when the packet passes. The packet must have been dissected with its tree. */
  matches(packet: Dissected): boolean;
  /**
   * The same test on a packet's items given directly: top-level items (their
   * children are read too) and the data sources their offsets point into.
   */
  matchesItems(items: readonly TreeNode[], sources: readonly DataSource[]): boolean;
}

export type CompileResult = { ok: true; filter: CompiledFilter } | { ok: false; error: FilterError };

export function compileFilter(text: string, registry: Registry): CompileResult {
  try {
    if (text.trim() === '') {
      const none = new Set<string>();
      return { ok: true, filter: { text, fields: none, valueFields: none, usesLayers: false, matches: () => true, matchesItems: () => true } };
    }
    const compiler = new Compiler(registry);
    const pred = compiler.expr(parseFilter(text));
    const slots = compiler.slots;
    return {
      ok: true,
      filter: {
        text,
        fields: slots.names,
        valueFields: compiler.valueFields,
        usesLayers: slots.layerProtocol.size > 0,
        matches: (packet) => {
          if (!packet.tree) throw new Error('display filters need the packet dissected with its tree');
          return pred(new PacketFields(packet.tree, packet.sources, slots));
        },
        matchesItems: (items, sources) => pred(new PacketFields(items, sources, slots)),
      },
    };
  } catch (err) {
    if (err instanceof FilterSyntaxError) return { ok: false, error: err.toValue() };
    throw err;
  }
}

/**
 * The protocol a field belongs to: the longest registered protocol name that
 * prefixes it (`tcp.analysis.flags` → `tcp`), else its first component.
 */
export function protocolOf(field: string, registry: Registry): string {
  let best = field.split('.')[0]!;
  for (const p of registry.protocols.keys()) {
    if ((field === p || field.startsWith(p + '.')) && p.length > best.length) best = p;
  }
  return best;
}

/** The functions a filter may call (callOperand). */
const FUNCTIONS = new Set(['len', 'count', 'upper', 'lower', 'string', 'max', 'min', 'abs']);
/** Arguments abs() refuses whatever the other side, by tshark 4.0's name for them. */
const REFUSED_BY_ABS: Partial<Record<Entity['k'], string>> = { string: 'STRING', char: 'CHARCONST', slice: 'SLICE' };
const SLICEABLE = new Set(['protocol', 'bytes', 'string', 'ether', 'ipv4', 'ipv6']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;
const utf8 = new TextEncoder();
const latin1 = new TextDecoder('latin1');

class Compiler {
  readonly slots = new FieldSlots();
  /** Names read for more than their presence (see CompiledFilter.valueFields). */
  readonly valueFields = new Set<string>();
  /** Set while compiling a bare name tested for presence (`websocket`, `!tcp.analysis.flags`). */
  private presenceTest = false;

  constructor(private readonly registry: Registry) {}

  expr(e: Expr): Pred {
    switch (e.k) {
      case 'or': {
        const a = this.expr(e.a);
        const b = this.expr(e.b);
        return (env) => a(env) || b(env);
      }
      case 'and': {
        const a = this.expr(e.a);
        const b = this.expr(e.b);
        return (env) => a(env) && b(env);
      }
      case 'not': {
        const a = this.expr(e.a);
        return (env) => !a(env);
      }
      case 'test': {
        // tshark 4.0 refuses to test a function for presence (once it knows the function, before its arguments).
        if (e.e.k === 'call' && FUNCTIONS.has(e.e.name)) fail('You cannot test whether a function is present.', argumentSpan(e.e));
        this.presenceTest = e.e.k === 'name';
        const op = this.operand(e.e);
        this.presenceTest = false;
        if (!op) this.notAField(e.e);
        return (env) => op.present(env);
      }
      case 'cmp':
        return this.comparison(e.op, e.quant, e.a, e.b, e.opText);
      case 'contains':
        return this.contains(e.quant, e.a, e.b, e.opText);
      case 'matches':
        return this.matchesPattern(e.quant, e.a, e.b, e.opText);
      case 'in':
        return this.membership(e.a, e.set);
    }
  }

  // ---- names and operands ----

  private lookup(name: string): FieldDef | undefined {
    return this.registry.field(name) ?? EITHER_SIDE[name]?.def;
  }

  private notAField(e: Entity): never {
    const suggestion = e.k === 'name' && IDENTIFIER.test(e.text) && !/^\d/.test(e.text) ? this.suggest(e.text) : undefined;
    fail(`${describe(e)} is neither a field nor a protocol name.`, e.span, suggestion);
  }

  private suggest(name: string): string | undefined {
    const names = new Set<string>(Object.keys(EITHER_SIDE));
    for (const f of this.registry.allFields()) names.add(f.abbrev);
    return nearestName(name, names);
  }

  /**
   * The operand an entity denotes, or null when it is a literal. `context` is
   * the operand on the other side, whose type reads literals inside arithmetic.
   */
  private operand(e: Entity, context?: Operand): Operand | null {
    switch (e.k) {
      case 'name': {
        const def = this.lookup(e.text);
        return def ? this.fieldOperand(def, e.span) : null;
      }
      case 'string': case 'char':
        return null;
      case 'layer':
        return this.layerOperand(e.of, e.ranges, e.span);
      case 'slice':
        return this.sliceOperand(e.of, e.ranges, e.span);
      case 'call':
        return this.callOperand(e.name, e.args, e.span, context);
      case 'bitand':
        return this.bitandOperand(e.a, e.b);
      case 'arith':
        return this.arithOperand(e.op, e.a, e.b, e.span, context);
      case 'neg': {
        const a = this.operand(e.a, context) ?? (context ? this.constantOperand(e.a, context) : null);
        if (!a) return null;
        this.requireArithmetic(a, '-');
        return { ...a, span: e.span, values: (env) => a.values(env).map((v) => negate(v)), present: (env) => a.present(env) };
      }
    }
  }

  /** A literal read for the type of `like`, as an operand that always yields it. */
  private constantOperand(e: Entity, like: Operand): Operand {
    if (e.k !== 'name' && e.k !== 'char') fail(`${describe(e)} is not a valid arithmetic operand.`, e.span);
    const v = [parseLiteral(e, like.kind, { ...like.def, strings: undefined })];
    return { kind: like.kind, def: like.def, span: e.span, values: () => v, present: () => true };
  }

  private requireArithmetic(o: Operand, op: string): void {
    if (o.kind !== 'int' && o.kind !== 'double' && o.kind !== 'reltime') fail(`${ftName(o.def.type)} cannot ${op}.`, o.span);
  }

  /** `a + b` and friends: every value of one side with every value of the other. */
  private arithOperand(op: ArithOp, ea: Entity, eb: Entity, span: Span, context?: Operand): Operand | null {
    let a = this.operand(ea, context);
    if (a) this.requireArithmetic(a, op);
    let b = this.operand(eb, a ?? context);
    // Literals take their type from the other side of the operator, or else from the other side of the relation.
    const like = b ?? context;
    if (!a && !like) return null;
    a ??= this.operand(ea, like) ?? this.constantOperand(ea, like!);
    b ??= this.operand(eb, a) ?? this.constantOperand(eb, a);
    this.requireArithmetic(a, op);
    this.requireArithmetic(b, op);
    if (!compatible(a.kind, b.kind)) fail(`${a.def.abbrev} and ${b.def.abbrev} are not of compatible types.`, b.span);
    const left = a;
    const right = b;
    const apply = arithmetic(op, left.kind === 'int');
    const values = (env: PacketFields): Value[] => {
      const out: Value[] = [];
      const ys = right.values(env);
      for (const x of left.values(env)) {
        for (const y of ys) {
          const r = apply(x, y);
          if (r !== undefined) out.push(r);
        }
      }
      return out;
    };
    return { kind: left.kind, def: left.def, span, values, present: (env) => values(env).length > 0 };
  }

  private requireOperand(e: Entity): Operand {
    const op = this.operand(e);
    if (!op) this.notAField(e);
    return op;
  }

  private fieldOperand(def: FieldDef, span: Span): Operand {
    const name = def.abbrev;
    const slot = this.slots.slot(name);
    const either = EITHER_SIDE[name];
    if (!this.presenceTest) {
      this.valueFields.add(name);
      for (const n of either?.pair ?? []) this.valueFields.add(n);
    }
    let nodes: (env: PacketFields) => readonly TreeNode[];
    if (either) {
      // Use the dissector's own either-side items when it adds them, else both sides of the pair.
      const src = this.slots.slot(either.pair[0]);
      const dst = this.slots.slot(either.pair[1]);
      nodes = (env) => {
        const own = env.nodes(slot);
        return own.length ? own : [...env.nodes(src), ...env.nodes(dst)];
      };
    } else {
      nodes = (env) => env.nodes(slot);
    }
    return this.nodesOperand(def, span, nodes);
  }

  private nodesOperand(def: FieldDef, span: Span, nodes: (env: PacketFields) => readonly TreeNode[]): Operand {
    const kind = kindOf(def.type);
    const sliceable = SLICEABLE.has(def.type);
    return {
      kind, def, span, nodes,
      values: (env) => {
        const out: Value[] = [];
        for (const n of nodes(env)) {
          const v = env.value(n, kind);
          if (v !== undefined) out.push(v);
        }
        return out;
      },
      present: (env) => nodes(env).length > 0,
      ...(sliceable ? { bytes: (env: PacketFields) => nodes(env).map((n) => env.sliceBytes(n)) } : {}),
    };
  }

  private layerOperand(of: Entity, ranges: readonly SliceRange[], span: Span): Operand {
    const base = this.requireOperand(of);
    if (of.k !== 'name' || !base.nodes) fail('Only fields can be restricted to a layer.', span);
    const name = base.def.abbrev;
    const proto = this.protocolOf(name);
    this.slots.slot(proto);
    for (const n of [name, ...(EITHER_SIDE[name]?.pair ?? [])]) this.slots.layerProtocol.set(n, proto);
    const inLayers = (layer: number): boolean => ranges.some((r) => {
      const last = r.last ?? (r.length === null ? Infinity : r.start + r.length - 1);
      return layer >= r.start && layer <= last;
    });
    const baseNodes = base.nodes;
    return this.nodesOperand(base.def, span, (env) => baseNodes(env).filter((n) => inLayers(env.layerOf(n))));
  }

  private protocolOf(field: string): string {
    return protocolOf(field, this.registry);
  }

  private sliceOperand(of: Entity, ranges: readonly SliceRange[], span: Span): Operand {
    const base = this.requireOperand(of);
    const baseBytes = base.bytes;
    if (!baseBytes) {
      const name = of.k === 'name' ? of.text : base.def.abbrev;
      fail(`"${name}" is a ${typeName(base.def.type)} and cannot be sliced into a sequence of bytes.`, base.span);
    }
    const def: FieldDef = { abbrev: base.def.abbrev, name: base.def.name, type: 'bytes' };
    const values = (env: PacketFields): Uint8Array[] => {
      const out: Uint8Array[] = [];
      for (const b of baseBytes(env)) {
        const s = sliceOf(b, ranges);
        if (s) out.push(s);
      }
      return out;
    };
    return { kind: 'bytes', def, span, values, present: (env) => values(env).length > 0, bytes: values };
  }

  /**
   * A function call. `context` is the operand on the relation's other side: literals among
   * abs(), max() and min()'s arguments may take its type, as in tshark 4.0.
   */
  private callOperand(name: string, args: readonly Entity[], span: Span, context?: Operand): Operand {
    const nameSpan = { pos: span.pos, len: name.length };
    const only = (): Entity => {
      if (args.length !== 1) fail(`Function ${name} can only accept 1 arguments.`, nameSpan);
      return args[0]!;
    };
    // The one argument, which must be a field (in any layer or given ones): else `refusal`.
    const fieldArgument = (refusal: string): { arg: Operand; nodes: (env: PacketFields) => readonly TreeNode[] } => {
      const a = only();
      const arg = a.k === 'name' || a.k === 'layer' ? this.operand(a) : null;
      const nodes = arg?.nodes;
      if (!arg || !nodes) fail(refusal, argumentSpan(a));
      return { arg, nodes };
    };
    // Messages about a function's value point at its name, as tshark's do.
    const make = (kind: Kind, type: FieldDef['type'], values: (env: PacketFields) => Value[]): Operand => ({
      kind, span: nameSpan, values, present: (env) => values(env).length > 0, returnOf: name,
      def: { abbrev: `${name}()`, name, type },
    });
    switch (name) {
      case 'len': {
        const { nodes } = fieldArgument('Only fields can be used as parameter for len()');
        return make('int', 'uint32', (env) => nodes(env).map((n) => {
          const v = n.value;
          return v instanceof Uint8Array ? v.length : typeof v === 'string' ? utf8.encode(v).length : n.length;
        }));
      }
      case 'count': {
        const { nodes } = fieldArgument('Only fields can be used as parameter for count()');
        return make('int', 'uint32', (env) => [nodes(env).length]);
      }
      case 'upper': case 'lower': {
        const refusal = `Only string type fields can be used as parameter for ${name}()`;
        const { arg } = fieldArgument(refusal);
        if (arg.kind !== 'string') fail(refusal, arg.span);
        const up = name === 'upper';
        return make('string', 'string', (env) => arg.values(env).map((v) => (up ? (v as string).toUpperCase() : (v as string).toLowerCase())));
      }
      case 'string': {
        const { arg, nodes } = fieldArgument('Only fields can be used as parameter for string()');
        if (arg.kind === 'string' || arg.kind === 'bytes' || arg.kind === 'none') {
          fail(`String conversion for field "${arg.def.abbrev}" is not supported`, arg.span);
        }
        return make('string', 'string', (env) => nodes(env).map((n) => valueText(n.def, n.value)));
      }
      case 'max': case 'min':
        return this.extremeOperand(name, args, nameSpan, context);
      case 'abs': {
        const a = only();
        const refusedKind = REFUSED_BY_ABS[a.k];
        if (refusedKind) fail(`Type ${refusedKind} is not valid for ${name}`, a.span);
        const arg = this.operand(a, context) ?? this.literalArgument(a, context, 'Need a field or field-like value on the LHS.');
        if (arg.kind !== 'int' && arg.kind !== 'double' && arg.kind !== 'reltime') {
          fail(`'${describe(a)}' is not a valid argument to '${name}'()`, arg.span);
        }
        return { ...make(arg.kind, arg.def.type, (env) => arg.values(env).map((v) => ((v as number | bigint) < 0 ? -(v as number) : v))), def: arg.def };
      }
      default:
        fail(`Function '${name}' does not exist`, nameSpan);
    }
  }

  /**
   * A function's argument that is not a field: a literal read for `like`'s type. Without a
   * type to read it for, tshark 4.0 refuses it (`refusal`), and refuses arithmetic of constants.
   */
  private literalArgument(a: Entity, like: Operand | undefined, refusal: string): Operand {
    if (a.k === 'arith' || a.k === 'neg') fail('Constant arithmetic expression on the LHS is invalid.', firstLeaf(a).span);
    if (!like) {
      // tshark reads `-1` as a minus applied to the constant 1.
      if (a.k === 'name' && a.text.startsWith('-')) fail('Constant arithmetic expression on the LHS is invalid.', { pos: a.span.pos + 1, len: a.span.len - 1 });
      fail(refusal, a.span);
    }
    return this.constantOperand(a, like);
  }

  /**
   * max(a, b, ...) / min(...): the largest / smallest value among all the arguments' values.
   * The arguments are checked in order, as tshark 4.0 does: all of one type, a literal read for
   * the type of those before it, or else of the relation's other side (`context`).
   */
  private extremeOperand(name: string, args: readonly Entity[], nameSpan: Span, context?: Operand): Operand {
    if (args.length === 0) fail(`Function ${name} needs at least 1 arguments.`, nameSpan);
    const operands: Operand[] = [];
    for (const a of args) {
      const first = operands[0];
      const o = this.extremeArgument(name, a, first ?? context);
      if (first && o.def.type !== first.def.type) {
        fail(`Arguments to '${name}' must have the same type (expected ${ftName(first.def.type)}, got ${ftName(o.def.type)})`, o.span);
      }
      operands.push(o);
    }
    const first = operands[0]!;
    const order = orderFor(first.kind);
    const sign = name === 'max' ? 1 : -1;
    const values = (env: PacketFields): Value[] => {
      let best: Value | undefined;
      for (const o of operands) {
        for (const v of o.values(env)) {
          if (best === undefined || sign * order(v, best) > 0) best = v;
        }
      }
      return best === undefined ? [] : [best];
    };
    return { kind: first.kind, def: first.def, span: nameSpan, values, present: (env) => values(env).length > 0, returnOf: name };
  }

  /** One argument of max() or min(); `like` gives a literal its type (none yet: the literal is refused). */
  private extremeArgument(name: string, a: Entity, like: Operand | undefined): Operand {
    const refusal = `Argument '${describe(a)}' is not valid for ${name}()`;
    // A quoted string is refused even where a field's type could read it.
    if (a.k === 'string' || a.k === 'char') fail(refusal, a.span);
    return this.operand(a, like) ?? this.literalArgument(a, like, refusal);
  }

  private bitandOperand(a: Entity, b: Entity): Operand {
    const base = this.requireOperand(a);
    if (this.operand(b)) fail(`"${describe(b)}" was unexpected in this context.`, b.span);
    const lit = b as LiteralEntity;
    let values: (env: PacketFields) => Value[];
    let present: (env: PacketFields) => boolean;
    if (base.kind === 'int' || base.kind === 'bool') {
      const mask = toBigInt(parseLiteral(lit, 'int', { ...base.def, strings: undefined }));
      values = (env) => base.values(env).map((v) => fromBigInt(toBigInt(v) & mask));
      present = (env) => base.values(env).some((v) => (toBigInt(v) & mask) !== 0n);
    } else if (base.kind === 'ipv4') {
      const lit4 = parseLiteral(lit, 'ipv4', base.def);
      if (typeof lit4 !== 'number') fail(`"${describe(b)}" is not a valid IPv4 address mask.`, b.span);
      values = (env) => base.values(env).map((v) => ((v as number) & lit4) >>> 0);
      present = (env) => base.values(env).some((v) => ((v as number) & lit4) !== 0);
    } else if (base.kind === 'bytes') {
      const mask = parseBytesLiteral(lit);
      const masked = (env: PacketFields): Uint8Array[] => base.values(env)
        .filter((v) => (v as Uint8Array).length === mask.length)
        .map((v) => (v as Uint8Array).map((x, i) => x & mask[i]!));
      values = masked;
      present = (env) => masked(env).some((v) => v.some((x) => x !== 0));
    } else {
      fail(`${base.def.abbrev} (type=${typeName(base.def.type)}) cannot participate in bitwise and.`, base.span);
    }
    return { kind: base.kind === 'bool' ? 'int' : base.kind, def: base.def, span: base.span, values, present };
  }

  // ---- relations ----

  /** The left side must be a field or function; a literal there is a mistake worth naming. */
  private leftOperand(e: Entity, opText: string): Operand {
    const op = this.operand(e);
    if (op) return op;
    if (e.k === 'arith' || e.k === 'neg') fail('Constant arithmetic expression on the LHS is invalid.', firstLeaf(e).span);
    const lit = e as LiteralEntity;
    if (lit.k === 'name' && IDENTIFIER.test(lit.text) && !/^\d/.test(lit.text)) this.notAField(lit);
    fail(`Left side of "${opText}" expression must be a field or function, not ${describe(e)}.`, e.span);
  }

  /** The right side: another operand of a compatible type, or a literal read for the left side's type. */
  private rightValues(left: Operand, e: Entity): { constant: Value[] } | { operand: Operand } {
    const op = this.operand(e, left);
    if (op) {
      if (!compatible(left.kind, op.kind)) {
        const what = op.returnOf
          ? `${left.def.abbrev} (type=${typeName(left.def.type)}) and return value of ${op.returnOf}() (type=${typeName(op.def.type)})`
          : `${left.def.abbrev} and ${op.def.abbrev}`;
        fail(`${what} are not of compatible types.`, op.returnOf ? op.span : e.span);
      }
      return { operand: op };
    }
    return { constant: [parseLiteral(e as LiteralEntity, left.kind, left.def)] };
  }

  private comparison(op: CompareOp, quant: Quantifier, a: Entity, b: Entity, opText: string): Pred {
    const left = this.leftOperand(a, opText);
    if (left.kind === 'none') fail(`${left.def.abbrev} (type=${typeName(left.def.type)}) cannot participate in ${opText} comparison.`, left.span);
    const right = this.rightValues(left, b);
    const test = relationTest(op, left.kind);
    return quantified(quant, left, right, test);
  }

  private contains(quant: Quantifier, a: Entity, b: Entity, opText: string): Pred {
    const left = this.leftOperand(a, opText);
    if (left.kind !== 'string' && left.kind !== 'bytes' && left.kind !== 'ether') {
      fail(`${left.def.abbrev} (type=${typeName(left.def.type)}) cannot participate in contains comparison.`, left.span);
    }
    // An address contains bytes: `eth.src contains 54` looks for one octet, not a whole address.
    const asBytes: Operand = left.kind === 'ether' ? { ...left, kind: 'bytes' } : left;
    const right = this.rightValues(asBytes, b);
    const test = left.kind === 'string'
      ? (x: Value, y: Value) => (x as string).includes(y as string)
      : (x: Value, y: Value) => bytesContain(x as Uint8Array, y as Uint8Array);
    return quantified(quant, left, right, test);
  }

  private matchesPattern(quant: Quantifier, a: Entity, b: Entity, opText: string): Pred {
    const left = this.leftOperand(a, opText);
    if (left.kind !== 'string' && left.kind !== 'bytes' && left.kind !== 'ether') {
      fail(`${left.def.abbrev} (type=${typeName(left.def.type)}) cannot participate in matches comparison.`, left.span);
    }
    if (b.k !== 'string') fail('Matches requires a double quoted string on the right side.', b.span);
    // Bytes are matched byte for byte (as PCRE2 does), so the pattern's own bytes are read the same way.
    const re = compilePattern(left.kind === 'string' ? b.value : latin1.decode(b.bytes), b.span);
    const asText = left.kind === 'string' ? (v: Value) => v as string : (v: Value) => latin1.decode(v as Uint8Array);
    const test = (v: Value): boolean => re.test(asText(v));
    if (quant === 'all') {
      return (env) => {
        const vs = left.values(env);
        return vs.length > 0 && vs.every(test);
      };
    }
    return (env) => left.values(env).some(test);
  }

  private membership(a: Entity, set: readonly SetMember[]): Pred {
    const left = this.leftOperand(a, 'in');
    if (left.kind === 'none') fail(`${left.def.abbrev} (type=${typeName(left.def.type)}) cannot participate in in comparison.`, left.span);
    const eq = equalFor(left.kind);
    const order = orderFor(left.kind);
    // A field after a space, or a member after a field and a space: tshark 4.0 refuses both there.
    set.forEach((m, n) => {
      if (m.spaced && (this.operand(m.lo) || this.operand(set[n - 1]!.lo))) fail(`"${describe(m.lo)}" was unexpected in this context.`, m.lo.span);
    });
    const read = (e: Entity): ((env: PacketFields) => Value[]) => {
      const r = this.rightValues(left, e);
      if ('constant' in r) return () => r.constant;
      return (env) => r.operand.values(env);
    };
    const members = set.map((m) => ({ lo: read(m.lo), hi: m.hi ? read(m.hi) : undefined }));
    return (env) => {
      // A range's bounds are single values (a field's first occurrence).
      const inSet = (v: Value): boolean => members.some((m) => {
        if (m.hi === undefined) return m.lo(env).some((x) => eq(v, x));
        const lo = m.lo(env)[0], hi = m.hi(env)[0];
        return lo !== undefined && hi !== undefined && order(lo, v) <= 0 && order(v, hi) <= 0;
      });
      return left.values(env).some(inSet);
    };
  }
}

/** Where tshark 4.0 points when it refuses a function's argument: at an operator, or at a call's name. */
function argumentSpan(e: Entity): Span {
  switch (e.k) {
    case 'arith': case 'bitand': return e.opSpan;
    case 'neg': return { pos: e.span.pos, len: 1 };
    case 'call': return { pos: e.span.pos, len: e.name.length };
    default: return e.span;
  }
}
