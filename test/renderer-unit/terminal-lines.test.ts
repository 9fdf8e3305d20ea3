import { describe, expect, it } from 'vitest';
import { NO_PACKET, packetRowSpan, rowPackets } from '../../renderer/src/lib/format/terminal-lines.js';

/** A fake buffer: one entry per row, true where the row continues the line above. */
const wrappedAt = (rows: boolean[]) => (r: number) => rows[r] ?? false;

describe('terminal rows to packets', () => {
  // Written: note, packet 7 (header + 1 line), packet 8 (header only), packet 9 (header + 2 lines).
  const nums = [NO_PACKET, 7, 7, 8, 9, 9, 9];

  it('maps unwrapped rows one to one', () => {
    const rows = rowPackets(7, wrappedAt([]), { nums, dropped: 0, processed: 7 });
    expect([...rows]).toEqual([NO_PACKET, 7, 7, 8, 9, 9, 9]);
  });

  it('gives every row of a wrapped line its line\'s packet', () => {
    // Packet 7's header wraps over 3 rows, packet 9's last line over 2.
    const wrapped = [false, false, true, true, false, false, false, false, false, true];
    const rows = rowPackets(10, wrappedAt(wrapped), { nums, dropped: 0, processed: 7 });
    expect([...rows]).toEqual([NO_PACKET, 7, 7, 7, 7, 8, 9, 9, 9, 9]);
  });

  it('accounts for lines trimmed off the top of the scrollback', () => {
    // The terminal dropped the note and packet 7's header; its second line is row 0.
    const rows = rowPackets(5, wrappedAt([]), { nums, dropped: 0, processed: 7 });
    expect([...rows]).toEqual([7, 8, 9, 9, 9]);
  });

  it('keeps a partly trimmed wrapped line whole', () => {
    // Row 0 continues a line whose first rows were trimmed: it still belongs to that line (packet 8).
    const wrapped = [true, false, false, false];
    const rows = rowPackets(4, wrappedAt(wrapped), { nums, dropped: 0, processed: 7 });
    expect([...rows]).toEqual([8, 9, 9, 9]);
  });

  it('uses the forgotten-line offset and ignores lines not processed yet', () => {
    // The first 3 numbers were forgotten; the terminal has processed 5 of the 7 lines.
    const rows = rowPackets(2, wrappedAt([]), { nums: nums.slice(3), dropped: 3, processed: 5 });
    expect([...rows]).toEqual([8, 9]);
  });

  it('finds the rows of the clicked packet', () => {
    const rows = Int32Array.from([NO_PACKET, 7, 7, 8, 9, 9, 9]);
    expect(packetRowSpan(rows, 2)).toEqual([1, 2]);
    expect(packetRowSpan(rows, 3)).toEqual([3, 3]);
    expect(packetRowSpan(rows, 5)).toEqual([4, 6]);
    expect(packetRowSpan(rows, 0)).toBeNull();
    expect(packetRowSpan(rows, 9)).toBeNull();
  });
});
