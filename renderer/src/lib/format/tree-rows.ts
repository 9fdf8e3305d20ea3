/**
 * The detail tree's structure over the flattened TreeItem list (pre-order,
 * parent ids): which items are visible given the expanded ones, how to walk up
 * and down, and the key that remembers an item's expansion across packets.
 */
import type { TreeItem } from '../../../../shared/ipc/contract.js';

/**
 * The key under which an item's expanded state is remembered: the chain of
 * field names from its top-level layer down to it, so "Transmission Control
 * Protocol > Flags" stays open when another TCP packet is selected (Wireshark
 * remembers by subtree type; this is the closest thing the items carry).
 * Text-only items have no field: their label up to the first ':' stands in,
 * since the rest usually holds values that differ from packet to packet.
 */
export function expansionKey(items: readonly TreeItem[], id: number): string {
  const parts: string[] = [];
  let item: TreeItem | undefined = items[id];
  for (let guard = 0; item && guard < 256; guard++) {
    parts.push(item.field || '"' + labelStem(item.label));
    item = item.parent >= 0 ? items[item.parent] : undefined;
  }
  return parts.reverse().join('/');
}

function labelStem(label: string): string {
  const colon = label.indexOf(':');
  return (colon > 0 ? label.slice(0, colon) : label).replace(/\d+/g, '#');
}

/** Ids of the items shown, in order: an item is shown when every ancestor is expanded. */
export function visibleIds(items: readonly TreeItem[], isExpanded: (id: number) => boolean): number[] {
  const out: number[] = [];
  // While skipping a collapsed subtree, its root's depth: items deeper than it are hidden.
  let hideBelow = Infinity;
  for (const item of items) {
    if (item.depth > hideBelow) continue;
    hideBelow = Infinity;
    out.push(item.id);
    if (item.hasChildren && !isExpanded(item.id)) hideBelow = item.depth;
  }
  return out;
}

/** Ancestors of an item, nearest first. */
export function ancestorIds(items: readonly TreeItem[], id: number): number[] {
  const out: number[] = [];
  let parent = items[id]?.parent ?? -1;
  for (let guard = 0; parent >= 0 && guard < 256; guard++) {
    out.push(parent);
    parent = items[parent]?.parent ?? -1;
  }
  return out;
}

export function isAncestor(items: readonly TreeItem[], ancestor: number, id: number): boolean {
  return ancestorIds(items, id).includes(ancestor);
}
