import { describe, expect, it } from 'vitest';
import type { TreeItem } from '../../shared/ipc/contract.js';
import { ancestorIds, expansionKey, isAncestor, visibleIds } from '../../renderer/src/lib/format/tree-rows.js';
import { rowWindow, scrollToShow } from '../../renderer/src/lib/format/virtual.js';

function items(rows: readonly [number, string, string][]): TreeItem[] {
  const out: TreeItem[] = [];
  const stack: number[] = [];
  rows.forEach(([depth, field, label], id) => {
    stack.length = depth;
    const parent = depth === 0 ? -1 : stack[depth - 1]!;
    stack.push(id);
    out.push({ id, parent, depth, label, field, source: 0, offset: 0, length: 0, hasChildren: false, generated: false });
  });
  return out.map((it) => ({ ...it, hasChildren: out.some((o) => o.parent === it.id) }));
}

const tree = items([
  [0, 'frame', 'Frame 23: 158 bytes on wire'],
  [1, 'frame.len', 'Frame Length: 158 bytes'],
  [0, 'tcp', 'Transmission Control Protocol, Src Port: 59798'],
  [1, 'tcp.flags', 'Flags: 0x018 (PSH, ACK)'],
  [2, 'tcp.flags.ack', '.... ...1 .... = Acknowledgment: Set'],
  [1, '', 'SEQ/ACK analysis 12'],
  [2, 'tcp.analysis.bytes_in_flight', 'Bytes in flight: 92'],
  [0, 'websocket', 'WebSocket'],
]);

describe('detail tree rows', () => {
  it('shows only top-level layers when nothing is expanded', () => {
    expect(visibleIds(tree, () => false)).toEqual([0, 2, 7]);
  });

  it('shows children of expanded items whose ancestors are all expanded', () => {
    expect(visibleIds(tree, (id) => id === 2)).toEqual([0, 2, 3, 5, 7]);
    expect(visibleIds(tree, (id) => id === 2 || id === 3)).toEqual([0, 2, 3, 4, 5, 7]);
    // Expanded but under a collapsed layer: still hidden.
    expect(visibleIds(tree, (id) => id === 3)).toEqual([0, 2, 7]);
    expect(visibleIds(tree, () => true)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('lists ancestors nearest first', () => {
    expect(ancestorIds(tree, 4)).toEqual([3, 2]);
    expect(ancestorIds(tree, 0)).toEqual([]);
    expect(isAncestor(tree, 2, 6)).toBe(true);
    expect(isAncestor(tree, 0, 6)).toBe(false);
  });

  it('keys expansion by the chain of field names, label stems for text items', () => {
    expect(expansionKey(tree, 3)).toBe('tcp/tcp.flags');
    expect(expansionKey(tree, 6)).toBe('tcp/"SEQ/ACK analysis #/tcp.analysis.bytes_in_flight');
    // Another packet with different values yields the same keys.
    const other = items([
      [0, 'tcp', 'Transmission Control Protocol, Src Port: 7272'],
      [1, '', 'SEQ/ACK analysis 99'],
    ]);
    expect(expansionKey(other, 1)).toBe(expansionKey(tree, 5));
  });
});

describe('virtual rows', () => {
  it('renders the visible rows plus overscan, clamped to the list', () => {
    expect(rowWindow(0, 100, 20, 1000, 5)).toEqual({ start: 0, end: 11 });
    expect(rowWindow(2000, 100, 20, 1000, 5)).toEqual({ start: 95, end: 111 });
    expect(rowWindow(19_990, 100, 20, 1000, 5)).toEqual({ start: 994, end: 1000 });
    expect(rowWindow(0, 100, 20, 0)).toEqual({ start: 0, end: 0 });
  });

  it('scrolls only when the row is outside the viewport', () => {
    expect(scrollToShow(10, 0, 100, 20)).toBe(120);
    expect(scrollToShow(2, 0, 100, 20)).toBeNull();
    expect(scrollToShow(2, 100, 100, 20)).toBe(40);
  });
});
