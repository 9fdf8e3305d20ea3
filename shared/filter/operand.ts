/** What compiled filter parts are made of: predicates, and operands that yield values from a packet. */
import type { FieldDef } from '../dissect/field.js';
import type { TreeNode } from '../dissect/tree.js';
import type { Span } from './errors.js';
import type { Kind } from './kinds.js';
import type { Value } from './literals.js';
import type { PacketFields } from './packet-fields.js';

export type Pred = (env: PacketFields) => boolean;

/** Something that yields values from a packet: a field, a slice, a layer-restricted field, a function. */
export interface Operand {
  readonly kind: Kind;
  /** The field it reads (a synthetic bytes field for slices), for literal parsing and messages. */
  readonly def: FieldDef;
  readonly span: Span;
  values(env: PacketFields): Value[];
  /** What a bare mention tests: the field exists, the slice is inside it, the masked value is non-zero. */
  present(env: PacketFields): boolean;
  /** The items, for plain and layer-restricted fields (functions and slices need them). */
  readonly nodes?: (env: PacketFields) => readonly TreeNode[];
  /** The function whose return value this is (`len`), for messages. */
  readonly returnOf?: string;
  /** The byte sequences a slice reads; absent when this operand cannot be sliced. */
  readonly bytes?: (env: PacketFields) => Uint8Array[];
}
