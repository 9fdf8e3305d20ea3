import { describe, expect, it } from 'vitest';
import type { PacketDetail, TreeItem } from '../../shared/ipc/contract.js';
import { commentLabel, withCommentSection } from '../../renderer/src/lib/format/comment-items.js';
import { itemAtByte } from '../../renderer/src/lib/byte-to-item.js';
import { ancestorIds, visibleIds } from '../../renderer/src/lib/format/tree-rows.js';

const item = (id: number, parent: number, depth: number, field: string, offset: number, length: number, hasChildren = false): TreeItem => ({
  id, parent, depth, label: field, field, source: 0, offset, length, hasChildren, generated: false,
});

/** Frame > (frame.len), IP > ip.src: the shape the worker sends. */
function detail(comments: string[]): PacketDetail {
  return {
    num: 5,
    summary: { num: 5, time: '0', src: 'a', dst: 'b', protocol: 'TCP', length: 72, info: '', color: 'tcp' },
    items: [item(0, -1, 0, 'frame', 0, 72, true), item(1, 0, 1, 'frame.len', 0, 0), item(2, -1, 0, 'ip', 16, 20, true), item(3, 2, 1, 'ip.src', 28, 4)],
    sources: [{ name: 'Frame', bytes: new Uint8Array(72) }],
    comments,
  };
}

describe('withCommentSection', () => {
  it('leaves a packet without comments as it is (same object)', () => {
    const d = detail([]);
    expect(withCommentSection(d)).toBe(d);
  });

  it('puts "Packet comments" first, one frame.comment line per comment, and renumbers the rest', () => {
    const d = detail(['first', 'second']);
    const out = withCommentSection(d);
    expect(out.items.map((i) => [i.id, i.parent, i.depth, i.field])).toEqual([
      [0, -1, 0, 'pkt_comment'],
      [1, 0, 1, 'frame.comment'],
      [2, 0, 1, 'frame.comment'],
      [3, -1, 0, 'frame'],
      [4, 3, 1, 'frame.len'],
      [5, -1, 0, 'ip'],
      [6, 5, 1, 'ip.src'],
    ]);
    expect(out.items[0]).toMatchObject({ label: 'Packet comments', hasChildren: true, length: 0 });
    expect(out.items.slice(1, 3).map((i) => i.label)).toEqual(['first', 'second']);
    // Ids stay positions, so the tree's helpers still work on the new list.
    out.items.forEach((it, i) => expect(it.id).toBe(i));
    expect(ancestorIds(out.items, 6)).toEqual([5]);
    expect(visibleIds(out.items, (id) => id === 0)).toEqual([0, 1, 2, 3, 5]);
    // A click on a byte still finds the field (the comments cover no bytes).
    expect(itemAtByte(out.items, 0, 29)).toBe(6);
    expect(out.comments).toEqual(['first', 'second']);
    expect(out.sources).toBe(d.sources);
    expect(out.num).toBe(5);
  });

  it('writes line breaks as \\n so a comment stays on its tree line', () => {
    expect(commentLabel('one\ntwo\r\nthree\rfour')).toBe('one\\ntwo\\nthree\\nfour');
    expect(withCommentSection(detail(['a\nb'])).items[1]!.label).toBe('a\\nb');
  });
});
