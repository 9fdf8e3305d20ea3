import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../shared/capture/index.js';

const corpus = new URL('../../../shared/', import.meta.url).pathname;
const load = (p: string) => new Uint8Array(readFileSync(corpus + p));

describe('readCapture', () => {
  it('reads the ground-truth SLL2 pcap (37 packets, tshark says linktype 276)', () => {
    const f = readCapture(load('captures/workerman-chat-7272.pcap'));
    expect(f.format).toBe('pcap');
    expect(f.interfaces[0]!.linkType).toBe(276);
    const recs = [...f.records()];
    expect(recs.length).toBe(37);
    expect(f.warnings).toEqual([]);
    for (const r of recs) expect(r.data.length).toBe(r.capLen);
  });

  it('reads pcapng in both byte orders with the same packets', () => {
    const le = readCapture(load('corpus/pcapng/output_le/difficult/test202.pcapng'));
    const be = readCapture(load('corpus/pcapng/output_be/difficult/test202.pcapng'));
    const pick = (f: ReturnType<typeof readCapture>) => [...f.records()].map((r) => [r.interface, r.tsSec, r.tsNsec, r.capLen, Array.from(r.data)]);
    expect(le.format).toBe('pcapng');
    expect([...le.records()].length).toBe(8); // test202.txt: EPB 6 + SPB 2
    expect(pick(be)).toEqual(pick(le));
    expect(le.warnings).toEqual([]);
  });

  it('throws a one-line error for a non-capture', () => {
    expect(() => readCapture(new TextEncoder().encode('<!DOCTYPE html>'))).toThrow(/^not a capture file \(pcap or pcapng\): starts with 3c 21 44 4f$/);
    expect(() => readCapture(new Uint8Array(0))).toThrow(/not a capture file/);
  });
});

describe('readCapture on gzip data', () => {
  it('inflates it, and keeps what came before a cut in the gzip stream', async () => {
    const { gzipSync } = await import('node:zlib');
    const raw = load('captures/workerman-chat-7272.pcap');
    const all = [...readCapture(raw).records()];
    const gz = new Uint8Array(gzipSync(raw));
    expect([...readCapture(gz).records()].map((r) => Array.from(r.data))).toEqual(all.map((r) => Array.from(r.data)));
    const cut = readCapture(gz.subarray(0, Math.floor(gz.length * 0.6)));
    const got = [...cut.records()];
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(all.length);
    expect(got.map((r) => Array.from(r.data))).toEqual(all.slice(0, got.length).map((r) => Array.from(r.data)));
    expect(cut.warnings.length).toBeGreaterThan(0);
  });
});

describe('readCapture refusals', () => {
  it('refuses gzip data that holds no capture, in one line', async () => {
    const { gzipSync } = await import('node:zlib');
    expect(() => readCapture(new Uint8Array(gzipSync(Buffer.from('<html>hello</html>')))))
      .toThrow(/^not a capture file \(pcap or pcapng\): starts with 3c 68 74 6d$/);
  });

  it('says what a too short file holds', () => {
    expect(() => readCapture(Uint8Array.of(0xd4, 0xc3))).toThrow(/^not a capture file \(pcap or pcapng\): only 2 byte\(s\): d4 c3$/);
  });
});
