import { describe, expect, it } from 'vitest';
import type { TreeItem } from '../../shared/ipc/contract.js';
import { itemAtByte } from '../../renderer/src/lib/byte-to-item.js';

/** Builds pre-order items from [depth, field, source, offset, length, generated?] rows. */
function items(rows: readonly [number, string, number, number, number, boolean?][]): TreeItem[] {
  const out: TreeItem[] = [];
  const stack: number[] = [];
  rows.forEach(([depth, field, source, offset, length, generated], id) => {
    stack.length = depth;
    const parent = depth === 0 ? -1 : stack[depth - 1]!;
    stack.push(id);
    out.push({ id, parent, depth, label: field, field, source, offset, length, hasChildren: false, generated: generated ?? false });
  });
  return out.map((it) => ({ ...it, hasChildren: out.some((o) => o.parent === it.id) }));
}

const tree = items([
  [0, 'frame', 0, 0, 100],
  [1, 'frame.time', 0, 0, 0],
  [0, 'eth', 0, 0, 14],
  [1, 'eth.dst', 0, 0, 6],
  [1, 'eth.src', 0, 6, 6],
  [1, 'eth.type', 0, 12, 2],
  [0, 'tcp', 0, 34, 32],
  [1, 'tcp.srcport', 0, 34, 2],
  [1, 'tcp.flags', 0, 46, 2],
  [2, 'tcp.flags.res', 0, 46, 2],
  [2, 'tcp.flags.syn', 0, 46, 2],
  [1, 'tcp.stream', 0, 34, 32, true],
  [0, 'websocket', 0, 66, 34],
  [1, 'websocket.masked_payload', 0, 72, 28],
  [1, 'websocket.payload.text', 1, 0, 28, true],
]);

const field = (id: number | null) => (id === null ? null : tree[id]!.field);

describe('itemAtByte', () => {
  it('picks the shortest item covering the byte', () => {
    expect(field(itemAtByte(tree, 0, 0))).toBe('eth.dst');
    expect(field(itemAtByte(tree, 0, 13))).toBe('eth.type');
    expect(field(itemAtByte(tree, 0, 35))).toBe('tcp.srcport');
  });

  it('falls back to the enclosing layer where no field covers the byte', () => {
    expect(field(itemAtByte(tree, 0, 40))).toBe('tcp');
    expect(field(itemAtByte(tree, 0, 20))).toBe('frame');
  });

  it('prefers the deeper of items with the same range, the first of equals', () => {
    expect(field(itemAtByte(tree, 0, 47))).toBe('tcp.flags.res');
  });

  it('passes over generated items unless nothing else covers the byte', () => {
    expect(field(itemAtByte(tree, 0, 50))).toBe('tcp');
    expect(field(itemAtByte(tree, 1, 5))).toBe('websocket.payload.text');
  });

  it('keeps sources apart and returns null outside every item', () => {
    expect(field(itemAtByte(tree, 0, 80))).toBe('websocket.masked_payload');
    expect(itemAtByte(tree, 1, 28)).toBeNull();
    expect(itemAtByte(tree, 2, 0)).toBeNull();
    expect(itemAtByte(tree, 0, 100)).toBeNull();
    expect(itemAtByte([], 0, 0)).toBeNull();
  });
});
