/** The parsed form of a display filter, before names are resolved against the registry. */
import type { Span } from './errors.js';

/** One part of a slice: `[i:j]` start i length j, `[i-j]` i..j inclusive, `[i]`, `[:j]`, `[i:]` (length null: to the end). */
export interface SliceRange {
  /** Negative offsets count from the end (-1 is the last byte). */
  readonly start: number;
  readonly length: number | null;
  /** For `[i-j]`: the last offset included. */
  readonly last?: number;
}

export type Entity =
  /** A bare word: a field or protocol name, or a literal whose meaning depends on the other side. */
  | { readonly k: 'name'; readonly text: string; readonly span: Span }
  | { readonly k: 'string'; readonly bytes: Uint8Array; readonly value: string; readonly raw: string; readonly span: Span }
  | { readonly k: 'char'; readonly code: number; readonly raw: string; readonly span: Span }
  | { readonly k: 'slice'; readonly of: Entity; readonly ranges: readonly SliceRange[]; readonly span: Span }
  /** `ip.src#2`, `tcp.port#[2-4]`: occurrences in the given protocol layers (1-based). */
  | { readonly k: 'layer'; readonly of: Entity; readonly ranges: readonly SliceRange[]; readonly span: Span }
  | { readonly k: 'call'; readonly name: string; readonly args: readonly Entity[]; readonly span: Span }
  /** `opSpan`: the operator, where tshark points when it refuses the whole expression (as a function's argument). */
  | { readonly k: 'bitand'; readonly a: Entity; readonly b: Entity; readonly span: Span; readonly opSpan: Span }
  /** Arithmetic: `udp.dstport >= udp.srcport + 1`, `4 * {tcp.srcport + 3}`. */
  | { readonly k: 'arith'; readonly op: ArithOp; readonly a: Entity; readonly b: Entity; readonly span: Span; readonly opSpan: Span }
  | { readonly k: 'neg'; readonly a: Entity; readonly span: Span };

export type ArithOp = '+' | '-' | '*' | '/' | '%';

export type CompareOp = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le';
/** any: true if some occurrence satisfies the test; all: every occurrence must. */
export type Quantifier = 'any' | 'all';

export interface SetMember {
  readonly lo: Entity;
  /** Upper bound of a range `lo..hi`, inclusive. */
  readonly hi?: Entity;
  /** Separated from the member before by a space, not a comma (only literals may be). */
  readonly spaced?: boolean;
}

export type Expr =
  | { readonly k: 'or' | 'and'; readonly a: Expr; readonly b: Expr }
  | { readonly k: 'not'; readonly a: Expr }
  /** An entity alone: the field exists (or the masked value is non-zero). */
  | { readonly k: 'test'; readonly e: Entity }
  | { readonly k: 'cmp'; readonly op: CompareOp; readonly quant: Quantifier; readonly a: Entity; readonly b: Entity; readonly opText: string; readonly opSpan: Span }
  | { readonly k: 'contains' | 'matches'; readonly quant: Quantifier; readonly a: Entity; readonly b: Entity; readonly opText: string; readonly opSpan: Span }
  | { readonly k: 'in'; readonly a: Entity; readonly set: readonly SetMember[] };

/** The text an entity stands for in messages. */
export function describe(e: Entity): string {
  switch (e.k) {
    case 'name': return e.text;
    case 'string': case 'char': return e.raw;
    case 'slice': case 'layer': return describe(e.of);
    case 'call': return e.name;
    case 'bitand': case 'arith': return describe(e.a);
    case 'neg': return '-' + describe(e.a);
  }
}

/** The leftmost literal or name of an expression, where messages about the whole point. */
export function firstLeaf(e: Entity): Entity {
  switch (e.k) {
    case 'slice': case 'layer': return firstLeaf(e.of);
    case 'bitand': case 'arith': case 'neg': return firstLeaf(e.a);
    default: return e;
  }
}
