/** The evaluation rules shared by compiled filters: comparisons with quantifiers, arithmetic, slicing. */
import type { FieldDef } from '../dissect/field.js';
import { equalFor, orderFor } from './compare.js';
import type { Kind } from './kinds.js';
import type { Value } from './literals.js';
import type { Operand, Pred } from './operand.js';
import type { PacketFields } from './packet-fields.js';
import type { ArithOp, CompareOp, Quantifier, SliceRange } from './syntax.js';

export function negate(v: Value): Value {
  return typeof v === 'bigint' ? -v : -(v as number);
}

/** Integer arithmetic stays integral (division truncates, as in C); dividing by zero gives no value. */
export function arithmetic(op: ArithOp, integral: boolean): (x: Value, y: Value) => Value | undefined {
  return (x, y) => {
    if (typeof x === 'bigint' || typeof y === 'bigint') {
      const a = toBigInt(x);
      const b = toBigInt(y);
      switch (op) {
        case '+': return fromBigInt(a + b);
        case '-': return fromBigInt(a - b);
        case '*': return fromBigInt(a * b);
        case '/': return b === 0n ? undefined : fromBigInt(a / b);
        case '%': return b === 0n ? undefined : fromBigInt(a % b);
      }
    }
    const a = x as number;
    const b = y as number;
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '/': return b === 0 ? undefined : integral ? Math.trunc(a / b) : a / b;
      case '%': return b === 0 ? undefined : a % b;
    }
  };
}

/** Wireshark's internal type name (FT_UINT16...), which some of its messages use. */
export function ftName(type: FieldDef['type']): string {
  const special: Partial<Record<FieldDef['type'], string>> = { ipv4: 'FT_IPv4', ipv6: 'FT_IPv6' };
  return special[type] ?? 'FT_' + type.toUpperCase();
}

export function compatible(a: Kind, b: Kind): boolean {
  if (a === b) return a !== 'none';
  const bytesLike = (k: Kind): boolean => k === 'bytes' || k === 'ether';
  const numeric = (k: Kind): boolean => k === 'int' || k === 'bool';
  return (bytesLike(a) && bytesLike(b)) || (numeric(a) && numeric(b));
}

export function relationTest(op: CompareOp, kind: Kind): (x: Value, y: Value) => boolean {
  const eq = equalFor(kind);
  const order = orderFor(kind);
  switch (op) {
    case 'eq': return eq;
    case 'ne': return (x, y) => !eq(x, y);
    case 'gt': return (x, y) => order(x, y) > 0;
    case 'lt': return (x, y) => order(x, y) < 0;
    case 'ge': return (x, y) => order(x, y) >= 0;
    case 'le': return (x, y) => order(x, y) <= 0;
  }
}

/**
 * Wireshark's occurrence semantics: `any` holds when some pair of values
 * passes; `all` when there is a value and every pair passes (a missing field
 * fails either way: the comparison implies the field exists).
 */
export function quantified(quant: Quantifier, left: Operand, right: { constant: Value[] } | { operand: Operand }, test: (x: Value, y: Value) => boolean): Pred {
  const rightValues = 'constant' in right ? () => right.constant : (env: PacketFields) => right.operand.values(env);
  if (quant === 'any') {
    return (env) => {
      const xs = left.values(env);
      if (xs.length === 0) return false;
      const ys = rightValues(env);
      return xs.some((x) => ys.some((y) => test(x, y)));
    };
  }
  return (env) => {
    const xs = left.values(env);
    if (xs.length === 0) return false;
    const ys = rightValues(env);
    return ys.length > 0 && xs.every((x) => ys.every((y) => test(x, y)));
  };
}

/** Bytes a slice selects; null when any part falls outside the value (the slice then does not exist). */
export function sliceOf(bytes: Uint8Array, ranges: readonly SliceRange[]): Uint8Array | null {
  const parts: Uint8Array[] = [];
  const n = bytes.length;
  for (const r of ranges) {
    const start = r.start < 0 ? n + r.start : r.start;
    let end: number;
    if (r.last !== undefined) end = (r.last < 0 ? n + r.last : r.last) + 1;
    else end = r.length === null ? n : start + r.length;
    if (start < 0 || start > n || end > n || end < start) return null;
    parts.push(bytes.subarray(start, end));
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function toBigInt(v: Value): bigint {
  return typeof v === 'bigint' ? v : BigInt(v as number);
}

export function fromBigInt(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}
