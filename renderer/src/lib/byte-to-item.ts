/**
 * Hex pane → detail tree: which item a clicked byte belongs to. The most
 * specific item wins: the shortest range covering the byte, then the deepest
 * (a field's subtree may repeat its parent's range, as bit fields do), then
 * the first in tree order. Generated items are only a last resort, as in
 * Wireshark, since their range points at bytes another field already owns.
 */
import type { TreeItem } from '../../../shared/ipc/contract.js';

export function itemAtByte(items: readonly TreeItem[], source: number, offset: number): number | null {
  let best: TreeItem | null = null;
  for (const item of items) {
    if (item.source !== source || item.length <= 0) continue;
    if (offset < item.offset || offset >= item.offset + item.length) continue;
    if (best === null || moreSpecific(item, best)) best = item;
  }
  return best ? best.id : null;
}

function moreSpecific(a: TreeItem, b: TreeItem): boolean {
  if (a.generated !== b.generated) return !a.generated;
  if (a.length !== b.length) return a.length < b.length;
  return a.depth > b.depth;
}
