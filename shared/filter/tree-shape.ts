/**
 * The tree a display filter needs: only the items it names (Wireshark primes a
 * packet's tree with a filter's "interesting fields" the same way), so a filter
 * over many packets does not build every item of every layer.
 */
import type { Dissected, Dissection } from '../dissect/engine.js';
import type { FrameInput } from '../dissect/packet.js';
import { FieldSet, type TreeShape } from '../dissect/tree.js';
import type { CompiledFilter } from './compile.js';

/**
 * The tree to dissect with for these filters (each must pass or fail on it as
 * on the full tree): a FieldSet of the names they read, or the full tree
 * (`true`) when one restricts a field to layers (`ip.src#2`), whose numbering
 * follows the full tree's nesting.
 */
export function treeShapeFor(filters: readonly CompiledFilter[]): TreeShape | true {
  const names = new Set<string>();
  for (const f of filters) {
    if (f.usesLayers) return true;
    for (const n of f.fields) names.add(n);
  }
  return new FieldSet(names);
}

/** Dissect a frame with the given tree: `false` none, `true` the full tree, a TreeShape only what it keeps. */
export function dissectShaped(
  dissection: Dissection, frame: FrameInput, tree: TreeShape | boolean, ...rest: DissectRest
): Dissected {
  return dissection.dissect(frame, tree, ...rest);
}

/** What Dissection.dissect takes after the frame and the tree, passed on as is. */
type DissectRest = Parameters<Dissection['dissect']> extends [unknown, unknown, ...infer R] ? R : never;
