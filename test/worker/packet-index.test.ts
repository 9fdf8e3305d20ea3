/**
 * The reader's packet index (main/capture-file/packet-index.ts) in its compact form gives
 * back every offset, length and section exactly: offsets past 4 GiB and gaps too large for
 * a block's 32-bit distances, a length that widens its column and a distance that widens its
 * (from 16 bits), sections changing and back.
 */
import { describe, expect, it } from 'vitest';
import { PacketIndex } from '../../main/capture-file/index.js';

describe('PacketIndex', () => {
  it('gives back what was added, whatever the offsets, lengths and sections', () => {
    const index = new PacketIndex();
    const want: [offset: number, length: number, section: number][] = [];
    let offset = 24;
    for (let i = 0; i < 5000; i++) {
      const length = i === 3001 ? 300_000 : 16 + (i % 1500);
      // A gap past 2^32 inside a block (as pcapng blocks that are not packets could make).
      if (i === 2000) offset += 2 ** 33;
      const section = i < 1000 ? 0 : i < 1200 ? 1 : i < 4000 ? 0 : 2;
      index.add(offset, length, section);
      want.push([offset, length, section]);
      offset += length;
    }
    expect(index.count).toBe(want.length);
    for (let i = want.length - 1; i >= 0; i--) {
      expect([index.offset(i), index.length(i), index.section(i)], `packet ${i}`).toEqual(want[i]);
    }
    expect(() => index.offset(5000)).toThrow(RangeError);
    expect(() => index.section(-1)).toThrow(/does not exist/);
  });
});
