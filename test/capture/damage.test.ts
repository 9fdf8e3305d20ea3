// Damaged input: cut files, corrupt lengths, random byte flips, awkward chunking.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureParser, NotACaptureError, readCapture, type ParsedRecord } from '../../shared/capture/index.js';
import type { CaptureWarning } from '../../shared/capture/types.js';
import { corpusPath, expectedIndex, repoRoot, shortName } from './corpus-files.js';

const load = (rel: string) => new Uint8Array(readFileSync(join(repoRoot, '..', 'shared', rel)));

const SAMPLES = [
  'captures/workerman-chat-7272.pcap',
  'corpus/pcap-format/arkime/bigendian.pcap',
  'corpus/pcap-format/pcapplusplus/nanosecs.pcap',
  'corpus/pcap-format/pcapplusplus/nanosecs_big_endian.pcap',
  'corpus/pcapng/output_le/difficult/test202.pcapng',
  'corpus/pcapng/output_be/difficult/test202.pcapng',
  'corpus/pcapng/output_be/advanced/test102.pcapng',
];

function parseInChunks(bytes: Uint8Array, sizes: () => number, guessPcapVariant = true): { records: ParsedRecord[]; warnings: CaptureWarning[] } {
  const p = new CaptureParser({ guessPcapVariant });
  const records: ParsedRecord[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = Math.max(1, sizes());
    // Copies, as a file reader would hand over fresh buffers.
    records.push(...p.push(bytes.slice(at, at + n)));
    at += n;
  }
  records.push(...p.finish());
  const tail = p.end();
  return { records, warnings: tail ? [...p.warnings, tail] : [...p.warnings] };
}

/** Offsets where a header, record or block ends, found by walking the lengths (independently of the reader). */
function unitBoundaries(bytes: Uint8Array, pcapng: boolean): Set<number> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Set<number>();
  if (!pcapng) {
    const le = view.getUint32(0, true) === 0xa1b2c3d4 || view.getUint32(0, true) === 0xa1b23c4d;
    for (let off = 24; off <= bytes.length; off += 16 + view.getUint32(off + 8, le)) {
      out.add(off);
      if (off + 16 > bytes.length) break;
    }
    return out;
  }
  let le = true;
  for (let off = 0; off + 12 <= bytes.length;) {
    if (view.getUint32(off, true) === 0x0a0d0d0a) le = view.getUint32(off + 8, true) === 0x1a2b3c4d;
    off += view.getUint32(off + 4, le);
    out.add(off);
  }
  return out;
}

const plain = (r: ParsedRecord) => ({ ...r, data: Array.from(r.data) });

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('chunk boundaries do not matter', () => {
  const readable = expectedIndex.files.filter((e) => {
    try { readCapture(new Uint8Array(readFileSync(corpusPath(e)))); return !e.file.endsWith('.gz'); } catch { return false; }
  });
  for (const e of readable) {
    it(shortName(e), () => {
      const bytes = new Uint8Array(readFileSync(corpusPath(e)));
      for (const guess of [true, false]) {
        const whole = parseInChunks(bytes, () => bytes.length, guess);
        const rand = rng(bytes.length);
        for (const sizes of [() => 1, () => 7, () => 1 + Math.floor(rand() * 3000)]) {
          const chunked = parseInChunks(bytes, sizes, guess);
          expect(chunked.records.map(plain)).toEqual(whole.records.map(plain));
          expect(chunked.warnings).toEqual(whole.warnings);
        }
      }
    });
  }
});

/**
 * The streaming reader with the standard pcap layout (readCapture guesses the layout like
 * tshark, which can read a file cut within its first three records differently: the
 * tshark-cuts test covers that).
 */
function readStandard(bytes: Uint8Array): { records: ParsedRecord[]; warnings: CaptureWarning[] } {
  const p = new CaptureParser();
  const records = p.push(bytes);
  const tail = p.end();
  return { records, warnings: tail ? [...p.warnings, tail] : [...p.warnings] };
}

describe('a cut file yields every complete packet and names the offset of the cut one', () => {
  for (const rel of SAMPLES) {
    it(rel, () => {
      const bytes = load(rel);
      const all = readCapture(bytes);
      const records = [...all.records()] as ParsedRecord[];
      expect(all.warnings).toEqual([]);
      const boundaries = unitBoundaries(bytes, all.format === 'pcapng');
      const step = Math.max(1, Math.floor(bytes.length / 400));
      for (let cut = 0; cut < bytes.length; cut += step) {
        const part = bytes.subarray(0, cut);
        if (cut < 4) {
          expect(() => readStandard(part)).toThrow(NotACaptureError);
          continue;
        }
        const f = readStandard(part);
        const got = f.records;
        const complete = records.filter((r) => r.fileOffset + r.byteLength <= cut);
        expect(got.length, `cut at ${cut}`).toBe(complete.length);
        const inside = records.find((r) => r.fileOffset < cut && cut < r.fileOffset + r.byteLength);
        const onBoundary = boundaries.has(cut);
        if (inside) {
          expect(f.warnings, `cut at ${cut}`).toHaveLength(1);
          expect(f.warnings[0]!.offset).toBe(inside.fileOffset);
          expect(f.warnings[0]!.message).toContain(`byte offset ${inside.fileOffset}`);
          expect(f.warnings[0]!.kind).toBe('truncated');
        } else if (!onBoundary) {
          expect(f.warnings, `cut at ${cut}`).toHaveLength(1); // inside a header or a non-packet block
        }
      }
    });
  }
});

describe('a corrupt length stops reading at that offset and keeps what came before', () => {
  const setU32 = (bytes: Uint8Array, off: number, v: number, le: boolean) =>
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(off, v, le);

  for (const rel of ['corpus/pcapng/output_le/difficult/test202.pcapng', 'corpus/pcapng/output_be/difficult/test202.pcapng']) {
    const le = rel.includes('_le');
    for (const [what, damage] of [
      ['not a multiple of 4', (b: Uint8Array, off: number) => setU32(b, off + 4, 70, le)],
      ['too small', (b: Uint8Array, off: number) => setU32(b, off + 4, 8, le)],
      ['huge', (b: Uint8Array, off: number) => setU32(b, off + 4, 0xfffffff0, le)],
      ['trailer differs', (b: Uint8Array, off: number, len: number) => setU32(b, off + len - 4, len + 4, le)],
    ] as const) {
      it(`${rel}: ${what}`, () => {
        const bytes = load(rel);
        const records = [...readCapture(bytes).records()] as ParsedRecord[];
        const victim = records[3]!;
        const copy = bytes.slice();
        damage(copy, victim.fileOffset, victim.byteLength);
        const f = readCapture(copy);
        expect([...f.records()].map((r) => r.fileOffset)).toEqual(records.slice(0, 3).map((r) => r.fileOffset));
        expect(f.warnings).toHaveLength(1);
        expect(f.warnings[0]!.offset).toBe(victim.fileOffset);
        expect(f.warnings[0]!.message).toContain(String(victim.fileOffset));
        expect(f.warnings[0]!.kind).toBe('corrupt');
      });
    }
  }

  it('pcap: a record claiming 4 GB', () => {
    const bytes = load('captures/workerman-chat-7272.pcap');
    const records = [...readCapture(bytes).records()];
    const copy = bytes.slice();
    setU32(copy, records[5]!.fileOffset + 8, 0xffffffff, true);
    const f = readCapture(copy);
    expect([...f.records()]).toHaveLength(5);
    expect(f.warnings.map((w) => w.offset)).toEqual([records[5]!.fileOffset]);
  });
});

describe('random damage never throws past the reader nor hangs', () => {
  for (const rel of SAMPLES) {
    it(rel, () => {
      const bytes = load(rel);
      const rand = rng(bytes.length * 31);
      for (let round = 0; round < 300; round++) {
        const copy = bytes.slice(0, Math.floor(bytes.length * (0.3 + 0.7 * rand())));
        const flips = 1 + Math.floor(rand() * 8);
        for (let k = 0; k < flips; k++) copy[Math.floor(rand() * copy.length)] = Math.floor(rand() * 256);
        try {
          const f = readCapture(copy);
          for (const r of f.records()) {
            expect(r.data.length).toBe(r.capLen);
            expect(r.tsNsec).toBeLessThan(1e9);
          }
        } catch (err) {
          expect(err).toBeInstanceOf(NotACaptureError);
        }
      }
    });
  }
});
