/**
 * A packet's detail tree flattened for transport (TreeItem, pre-order: each
 * item's children follow it). Hidden items, and anything under them, are left
 * out as Wireshark's tree leaves them out. Labels are itemLabel's text, with a
 * generated item in [brackets] as Wireshark's tree and `tshark -V` show it (the
 * `generated` flag is there for styling, not for adding the brackets again).
 */
import type { TreeItem } from '../ipc/contract.js';
import { Severity } from '../dissect/expert.js';
import type { TreeNode } from '../dissect/tree.js';
import { itemLabel } from '../format/tree-text.js';

type ItemSeverity = NonNullable<TreeItem['severity']>;

function severityName(level: unknown): ItemSeverity | undefined {
  switch (level) {
    case Severity.Error: return 'error';
    case Severity.Warning: return 'warn';
    case Severity.Note: return 'note';
    // Wireshark's Comment level is below Chat; the contract's lowest level stands for both.
    case Severity.Chat: case Severity.Comment: return 'chat';
    default: return undefined;
  }
}

/** An `_ws.expert` item keeps its level in an `_ws.expert.severity` child; `_ws.malformed` is always an error. */
function itemSeverity(node: TreeNode): ItemSeverity | undefined {
  const abbrev = node.def.abbrev;
  if (abbrev === '_ws.malformed') return 'error';
  if (abbrev !== '_ws.expert') return undefined;
  const level = node.children?.find((c) => c.def.abbrev === '_ws.expert.severity');
  return severityName(level?.value) ?? 'note';
}

/** Text-only items (a label with no field of their own) have no filter name to show. */
function fieldName(node: TreeNode): string {
  const abbrev = node.def.abbrev;
  return abbrev === 'text' ? '' : abbrev;
}

export function treeItems(roots: readonly TreeNode[]): TreeItem[] {
  const items: TreeItem[] = [];
  const add = (nodes: readonly TreeNode[], parent: number, depth: number): void => {
    for (const node of nodes) {
      if (node.hidden) continue;
      const id = items.length;
      const label = itemLabel(node);
      const children = node.children?.filter((c) => !c.hidden) ?? [];
      const severity = itemSeverity(node);
      const item: TreeItem = {
        id,
        parent,
        depth,
        label: node.generated ? `[${label}]` : label,
        field: fieldName(node),
        source: node.source,
        offset: node.offset,
        length: Math.max(0, node.length),
        hasChildren: children.length > 0,
        generated: node.generated,
        ...(severity ? { severity } : {}),
      };
      items.push(item);
      if (children.length > 0) add(children, id, depth + 1);
    }
  };
  add(roots, -1, 0);
  return items;
}
