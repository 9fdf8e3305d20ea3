/**
 * Recursive-descent parser for Wireshark 4.0's display-filter grammar:
 *   expr     := and (('or' | '||') and)*
 *   and      := not (('and' | '&&') not)*
 *   not      := ('not' | '!') not | relation
 *   relation := '(' expr ')' | ['any' | 'all'] entity [op entity | 'contains' entity
 *               | ('matches' | '~') entity | ['not'] 'in' '{' set '}']
 *   entity   := product (('+' | '-') product)*
 *   product  := unary (('*' | '/' | '%' | '&' | 'bitwise_and') unary)*
 *   unary    := '-' unary | '{' entity '}' | primary
 *   primary  := word ['#' layer] ['[' slice ']']* | word '(' entity, ... ')' | "string" | 'c'
 * `-` and `/` are word characters (for `aa-bb`, `10.0.0.0/8`), so as operators they must stand apart: `a - b`.
 */
import { fail, type Span } from './errors.js';
import { tokenize, type Token, type TokenKind } from './lexer.js';
import type { CompareOp, Entity, Expr, Quantifier, SetMember, SliceRange } from './syntax.js';

const COMPARISONS = new Map<string, { op: CompareOp; quant: Quantifier }>(Object.entries({
  '==': { op: 'eq', quant: 'any' }, eq: { op: 'eq', quant: 'any' }, any_eq: { op: 'eq', quant: 'any' },
  '!=': { op: 'ne', quant: 'all' }, ne: { op: 'ne', quant: 'all' }, all_ne: { op: 'ne', quant: 'all' },
  '===': { op: 'eq', quant: 'all' }, all_eq: { op: 'eq', quant: 'all' },
  '!==': { op: 'ne', quant: 'any' }, '~=': { op: 'ne', quant: 'any' }, any_ne: { op: 'ne', quant: 'any' },
  '>': { op: 'gt', quant: 'any' }, gt: { op: 'gt', quant: 'any' },
  '<': { op: 'lt', quant: 'any' }, lt: { op: 'lt', quant: 'any' },
  '>=': { op: 'ge', quant: 'any' }, ge: { op: 'ge', quant: 'any' },
  '<=': { op: 'le', quant: 'any' }, le: { op: 'le', quant: 'any' },
}));

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'contains', 'matches', 'bitwise_and', 'any', 'all', ...COMPARISONS.keys()]);

export function parseFilter(text: string): Expr {
  return new Parser(tokenize(text)).parseAll();
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): Expr {
    const e = this.parseOr();
    this.expectEnd(this.peek());
    return e;
  }

  private peek(ahead = 0): Token {
    const t = this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
    if (t.error) throw t.error;
    return t;
  }
  private next(): Token {
    const t = this.peek();
    this.i = Math.min(this.i + 1, this.tokens.length - 1);
    return t;
  }
  private isWord(t: Token, ...words: string[]): boolean {
    return t.kind === 'word' && words.includes(t.text);
  }
  private is(t: Token, ...kinds: TokenKind[]): boolean {
    return kinds.includes(t.kind);
  }

  private parseOr(): Expr {
    let a = this.parseAnd();
    while (this.is(this.peek(), '||') || this.isWord(this.peek(), 'or')) {
      this.next();
      a = { k: 'or', a, b: this.parseAnd() };
    }
    return a;
  }

  private parseAnd(): Expr {
    let a = this.parseNot();
    while (this.is(this.peek(), '&&') || this.isWord(this.peek(), 'and')) {
      this.next();
      a = { k: 'and', a, b: this.parseNot() };
    }
    return a;
  }

  private parseNot(): Expr {
    if (this.is(this.peek(), '!') || this.isWord(this.peek(), 'not')) {
      this.next();
      return { k: 'not', a: this.parseNot() };
    }
    return this.parseRelation();
  }

  private parseRelation(): Expr {
    if (this.is(this.peek(), '(')) {
      this.next();
      const e = this.parseOr();
      const close = this.next();
      if (close.kind !== ')') this.unexpected(close);
      return e;
    }
    let quant: Quantifier | undefined;
    if (this.isWord(this.peek(), 'any', 'all') && !this.startsRelationEnd(this.peek(1))) {
      quant = this.next().text as Quantifier;
    }
    const a = this.parseEntity();
    const t = this.peek();
    const cmp = t.kind === 'string' || t.kind === 'char' ? undefined : COMPARISONS.get(t.text);
    if (cmp) {
      this.next();
      const b = this.parseEntity();
      return { k: 'cmp', op: cmp.op, quant: quant ?? cmp.quant, a, b, opText: t.text, opSpan: t };
    }
    if (this.isWord(t, 'contains')) {
      this.next();
      return { k: 'contains', quant: quant ?? 'any', a, b: this.parseEntity(), opText: t.text, opSpan: t };
    }
    if (this.isWord(t, 'matches') || t.kind === '~') {
      this.next();
      return { k: 'matches', quant: quant ?? 'any', a, b: this.parseEntity(), opText: t.text, opSpan: t };
    }
    if (this.isWord(t, 'in')) {
      this.next();
      return { k: 'in', a, set: this.parseSet() };
    }
    if (this.isWord(t, 'not') && this.isWord(this.peek(1), 'in')) {
      this.next();
      this.next();
      return { k: 'not', a: { k: 'in', a, set: this.parseSet() } };
    }
    return { k: 'test', e: a };
  }

  /** `any`/`all` are quantifiers only when followed by an entity. */
  private startsRelationEnd(t: Token): boolean {
    if (t.kind === 'word') return KEYWORDS.has(t.text);
    return t.kind !== 'string' && t.kind !== 'char' && t.kind !== '{';
  }

  private parseEntity(): Entity {
    let a = this.parseProduct();
    while (true) {
      const t = this.peek();
      if (t.kind === '+' || this.isWord(t, '-')) {
        this.next();
      } else if (t.kind === 'word' && /^-[^-]/.test(t.text)) {
        // `frame.len -8`: the minus glued to the next operand is still the binary operator.
        this.splitLeadingMinus();
      } else {
        return a;
      }
      const b = this.parseProduct();
      a = { k: 'arith', op: t.kind === '+' ? '+' : '-', a, b, span: a.span, opSpan: { pos: t.pos, len: 1 } };
    }
  }

  private parseProduct(): Entity {
    let a = this.parseUnary();
    while (true) {
      const t = this.peek();
      if (t.kind === '&' || this.isWord(t, 'bitwise_and')) {
        this.next();
        a = { k: 'bitand', a, b: this.parseUnary(), span: a.span, opSpan: { pos: t.pos, len: t.len } };
      } else if (t.kind === '*' || t.kind === '%' || this.isWord(t, '/')) {
        this.next();
        a = { k: 'arith', op: t.kind === 'word' ? '/' : (t.kind as '*' | '%'), a, b: this.parseUnary(), span: a.span, opSpan: { pos: t.pos, len: t.len } };
      } else {
        return a;
      }
    }
  }

  private parseUnary(): Entity {
    const t = this.peek();
    if (this.isWord(t, '-') || (t.kind === 'word' && /^-[A-Za-z_]/.test(t.text))) {
      if (t.text === '-') this.next();
      else this.splitLeadingMinus();
      const a = this.parseUnary();
      return { k: 'neg', a, span: { pos: t.pos, len: a.span.pos + a.span.len - t.pos } };
    }
    if (t.kind === '{') {
      this.next();
      const e = this.parseEntity();
      const close = this.next();
      if (close.kind !== '}') this.unexpected(close);
      return e;
    }
    return this.parsePrimary();
  }

  /** Consume the `-` of a word like `-8` or `-frame.len`, leaving the rest as the next token. */
  private splitLeadingMinus(): void {
    const t = this.tokens[this.i]!;
    this.tokens[this.i] = { kind: 'word', text: t.text.slice(1), pos: t.pos + 1, len: t.len - 1 };
  }

  private parsePrimary(): Entity {
    const t = this.next();
    if (t.kind === 'string') return { k: 'string', bytes: t.bytes!, value: t.value!, raw: t.text, span: t };
    if (t.kind === 'char') return { k: 'char', code: t.code!, raw: t.text, span: t };
    if (t.kind !== 'word' || KEYWORDS.has(t.text)) this.unexpected(t);
    if (this.is(this.peek(), '(') && /^[a-z_]+$/.test(t.text)) return this.parseCall(t);
    let e: Entity = { k: 'name', text: t.text, span: t };
    if (this.is(this.peek(), '#')) {
      this.next();
      const layer = this.next();
      if (layer.kind === 'slice') e = { k: 'layer', of: e, ranges: parseRanges(layer), span: t };
      else if (layer.kind === 'word') e = { k: 'layer', of: e, ranges: parseRanges(layer), span: t };
      else this.unexpected(layer);
    }
    while (this.is(this.peek(), 'slice')) {
      e = { k: 'slice', of: e, ranges: parseRanges(this.next()), span: t };
    }
    return e;
  }

  private parseCall(name: Token): Entity {
    this.next(); // (
    const args: Entity[] = [];
    if (!this.is(this.peek(), ')')) {
      args.push(this.parseEntity());
      while (this.is(this.peek(), ',')) {
        this.next();
        args.push(this.parseEntity());
      }
    }
    const close = this.next();
    if (close.kind !== ')') this.unexpected(close);
    return { k: 'call', name: name.text, args, span: { pos: name.pos, len: close.pos + 1 - name.pos } };
  }

  /**
   * `{80, 443, 8000..8100}`: members and range bounds are a literal, a field or a call, maybe negated
   * (no arithmetic). Wireshark 4.0 takes only commas between members; Paquet still takes spaces
   * between literals, as Wireshark before 4.0 did, and refuses what 4.0 refuses after a space
   * otherwise (a call, a minus; a field, or anything after one, in compile.ts).
   */
  private parseSet(): SetMember[] {
    const open = this.next();
    if (open.kind !== '{') this.unexpected(open);
    this.splitRanges();
    const members: SetMember[] = [];
    let spaced = false;
    while (true) {
      const lo = spaced ? this.spacedMember() : this.setBound();
      const hi = this.isWord(this.peek(), '..') ? (this.next(), this.setBound()) : undefined;
      members.push({ lo, ...(hi ? { hi } : {}), ...(spaced ? { spaced } : {}) });
      const sep = this.peek();
      if (sep.kind === '}' || sep.kind === ',') {
        this.next();
        if (sep.kind === '}') return members;
        spaced = false;
      } else if (sep.kind === 'eof' || (lo.k !== 'name' && lo.k !== 'string' && lo.k !== 'char')) {
        this.unexpected(sep);
      } else {
        spaced = true;
      }
    }
  }

  private setBound(): Entity {
    if (this.isWord(this.peek(), '..')) this.unexpected(this.peek());
    return this.parseUnary();
  }

  /** A member after a space: a literal word, string or character (tshark points at a call's name, a leading minus). */
  private spacedMember(): Entity {
    const t = this.peek();
    if (t.kind === 'word' && t.text.startsWith('-')) fail('"-" was unexpected in this context.', { pos: t.pos, len: 1 });
    if (t.kind === 'word' && this.is(this.peek(1), '(')) this.unexpected(t);
    return this.parsePrimary();
  }

  /** Split the words up to the closing brace that hold `..` (`80..90` is one word) into `80`, `..`, `90`. */
  private splitRanges(): void {
    for (let j = this.i; j < this.tokens.length; j++) {
      const t = this.tokens[j]!;
      if (t.kind === '}' || t.kind === 'eof') return;
      if (t.kind !== 'word' || !t.text.includes('..') || t.text === '..') continue;
      const parts: Token[] = [];
      let pos = t.pos;
      t.text.split('..').forEach((part, n) => {
        if (n > 0) {
          parts.push({ kind: 'word', text: '..', pos, len: 2 });
          pos += 2;
        }
        if (part) parts.push({ kind: 'word', text: part, pos, len: part.length });
        pos += part.length;
      });
      this.tokens.splice(j, 1, ...parts);
      j += parts.length - 1;
    }
  }

  private expectEnd(t: Token): void {
    if (t.kind !== 'eof') this.unexpected(t);
  }

  private unexpected(t: Token): never {
    if (t.kind === 'eof') fail('Unexpected end of filter expression.', t);
    fail(`"${t.text}" was unexpected in this context.`, t);
  }
}

/** Slice or layer ranges: `0:2`, `1-2`, `-1`, `:3`, `2:`, comma-separated. */
function parseRanges(t: Token): SliceRange[] {
  if (t.text.trim() === '') fail('"]" was unexpected in this context.', { pos: t.pos + t.len, len: 1 });
  const out: SliceRange[] = [];
  let pos = t.pos;
  const items = t.text.split(',');
  items.forEach((raw, n) => {
    const item = raw.trim();
    const at: Span = { pos: pos + raw.indexOf(item), len: item.length };
    pos += raw.length + 1;
    if (item === '') {
      // An empty item: the separator after it (or the closing bracket) is what is out of place.
      const last = n === items.length - 1;
      fail(`"${last ? ']' : ','}" was unexpected in this context.`, { pos: pos - 1, len: 1 });
    }
    let m: RegExpExecArray | null;
    if ((m = /^(-?\d+):(\d+)?$/.exec(item))) {
      out.push({ start: Number(m[1]), length: m[2] === undefined ? null : Number(m[2]) });
    } else if ((m = /^:(\d+)$/.exec(item))) {
      out.push({ start: 0, length: Number(m[1]) });
    } else if ((m = /^(-?\d+)-(-?\d+)$/.exec(item))) {
      const start = Number(m[1]);
      const last = Number(m[2]);
      if ((start < 0) !== (last < 0)) fail(`Range ${item} isn't valid because ${start} and ${last} have different signs`, at);
      if (start >= last) fail(`Range ${item} isn't valid because ${start} is greater or equal than ${last}`, at);
      out.push({ start, length: null, last });
    } else if ((m = /^-?\d+$/.exec(item))) {
      out.push({ start: Number(item), length: 1 });
    } else {
      // A word inside the brackets is "not a valid number"; a malformed mix of digits and separators "not a valid range".
      const bad = /[^-:\d\s]+/.exec(item);
      if (!bad) fail(`"${item}" is not a valid range.`, at);
      fail(`"${bad[0]}" is not a valid number.`, { pos: at.pos + bad.index, len: bad[0].length });
    }
  });
  return out;
}
