/**
 * The -x dump against tshark: each frame's bytes dumped by hexDumpLines must
 * be tshark's block for that frame (the `Frame (N bytes):` part when the
 * packet has several data sources), with and without --hexdump delimit.
 */
import { describe, expect, it } from 'vitest';
import { makeTvb } from '../../shared/dissect/tvb.js';
import { hexDumpLines, packetHexDump } from '../../shared/format/hexdump.js';
import { CAPTURES, expected, records } from './support.js';

/** tshark's -x output split per packet, then per data source: [name or null, lines][]. */
function tsharkBlocks(text: string): [string | null, string[]][][] {
  const packets = text.split('\n\n').filter((p) => p !== '' && p !== '\n');
  return packets.map((p) => {
    const sources: [string | null, string[]][] = [];
    for (const line of p.split('\n')) {
      if (line === '') continue;
      const header = /^(.*) \(\d+ bytes?\):$/.exec(line);
      if (header) sources.push([header[1]!, []]);
      else if (sources.length === 0) sources.push([null, [line]]);
      else sources[sources.length - 1]![1].push(line);
    }
    return sources;
  });
}

describe('hex dump', () => {
  for (const c of CAPTURES) {
    const variants = [['hex.txt', {}], ['hex-delimit.txt', { delimit: true }], ['hex-noascii.txt', { noAscii: true }], ['hex-frames.txt', {}]] as const;
    for (const [file, options] of variants) {
      it(`dumps every frame as tshark does: ${c.slug} ${file}`, () => {
        const blocks = tsharkBlocks(expected(c.slug, file));
        const recs = records(c.path);
        expect(blocks.length).toBe(recs.length);
        recs.forEach((r, i) => {
          const [name, want] = blocks[i]![0]!;
          expect(name === null || name === 'Frame').toBe(true);
          expect(hexDumpLines(r.data, options)).toEqual(want);
        });
      });
    }
  }

  it('puts a header before each source when a packet has several, as tshark does for unmasked WebSocket data', () => {
    const blocks = tsharkBlocks(expected('chat', 'hex.txt'));
    const multi = blocks.findIndex((b) => b.length > 1);
    expect(multi).toBeGreaterThanOrEqual(0);
    const recs = records('../shared/captures/workerman-chat-7272.pcap');
    const want = blocks[multi]!;
    // Rebuild the second source from tshark's own dump of it, then lay out both.
    const secondBytes = Uint8Array.from(want[1]![1].flatMap((l) => l.slice(6, 53).trim().split(/\s+/).map((h) => parseInt(h, 16))));
    const sources = [
      { name: 'Frame', tvb: makeTvb(recs[multi]!.data) },
      { name: want[1]![0]!, tvb: makeTvb(secondBytes, 1) },
    ];
    const text = expected('chat', 'hex.txt').split('\n\n')[multi]!.split('\n').filter((l) => l !== '');
    expect(packetHexDump(sources)).toEqual(text);
  });

  it('widens the offset column past 64 KiB', () => {
    const big = hexDumpLines(new Uint8Array(0x10001));
    expect(big[0]!.startsWith('00000  ')).toBe(true);
    expect(big[big.length - 1]!.startsWith('10000  ')).toBe(true);
    expect(hexDumpLines(new Uint8Array(0x10000)).at(-1)!.startsWith('fff0  ')).toBe(true);
  });
});
