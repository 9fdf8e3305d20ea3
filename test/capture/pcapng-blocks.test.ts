// Hand-built pcapng blocks for what the corpus lacks: the obsolete Packet Block, if_tsresol
// in powers of 2 and 10, if_tsoffset, if_filter/if_description, comments, custom blocks.
// Where tshark is installed it reads the same bytes and must agree.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../shared/capture/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'paquet-blocks-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

class Builder {
  private parts: number[] = [];
  constructor(readonly le: boolean) {}

  private static bytesOf(n: number, size: number, le: boolean): number[] {
    const b = new Uint8Array(size);
    const v = new DataView(b.buffer);
    if (size === 2) v.setUint16(0, n, le);
    else if (size === 4) v.setUint32(0, n >>> 0, le);
    else v.setBigInt64(0, BigInt(n), le);
    return Array.from(b);
  }

  u16 = (n: number) => Builder.bytesOf(n, 2, this.le);
  u32 = (n: number) => Builder.bytesOf(n, 4, this.le);
  i64 = (n: number) => Builder.bytesOf(n, 8, this.le);

  opt(code: number, value: number[] | string): number[] {
    const v = typeof value === 'string' ? Array.from(new TextEncoder().encode(value)) : value;
    const pad = (4 - (v.length % 4)) % 4;
    return [...this.u16(code), ...this.u16(v.length), ...v, ...new Array(pad).fill(0)];
  }

  block(type: number, body: number[]): this {
    const padded = [...body, ...new Array((4 - (body.length % 4)) % 4).fill(0)];
    const len = padded.length + 12;
    this.parts.push(...this.u32(type), ...this.u32(len), ...padded, ...this.u32(len));
    return this;
  }

  shb(): this { return this.block(0x0a0d0d0a, [...this.u32(0x1a2b3c4d), ...this.u16(1), ...this.u16(0), ...this.i64(-1)]); }

  idb(linkType: number, options: number[][]): this {
    const opts = options.length ? [...options.flat(), 0, 0, 0, 0] : [];
    return this.block(1, [...this.u16(linkType), 0, 0, ...this.u32(0), ...opts]);
  }

  epb(iface: number, hi: number, lo: number, data: number[], options: number[][] = [], origLen = data.length): this {
    const pad = new Array((4 - (data.length % 4)) % 4).fill(0);
    const opts = options.length ? [...options.flat(), 0, 0, 0, 0] : [];
    return this.block(6, [...this.u32(iface), ...this.u32(hi), ...this.u32(lo), ...this.u32(data.length), ...this.u32(origLen), ...data, ...pad, ...opts]);
  }

  pb(iface: number, hi: number, lo: number, data: number[], options: number[][] = []): this {
    const pad = new Array((4 - (data.length % 4)) % 4).fill(0);
    const opts = options.length ? [...options.flat(), 0, 0, 0, 0] : [];
    return this.block(2, [...this.u16(iface), ...this.u16(0), ...this.u32(hi), ...this.u32(lo), ...this.u32(data.length), ...this.u32(data.length), ...data, ...pad, ...opts]);
  }

  bytes(): Uint8Array { return Uint8Array.from(this.parts); }
}

function sample(le: boolean): Uint8Array {
  const b = new Builder(le);
  const data = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  return b.shb()
    .idb(1, [b.opt(2, 'eth0'), b.opt(3, 'the first one'), b.opt(11, [0, ...new TextEncoder().encode('udp')])])
    .idb(1, [b.opt(2, 'ns'), b.opt(9, [9])])
    .idb(1, [b.opt(2, 'pow2'), b.opt(9, [0x80 | 20])])
    .idb(1, [b.opt(2, 'offset'), b.opt(14, b.i64(1000))])
    .block(0x00000bad, [...b.u32(32473), 1, 2, 3, 4]) // custom block: skipped
    .block(0x40000bad, [...b.u32(32473)])
    .epb(0, 395, 0x4c2a8c0e, data, [b.opt(1, 'first comment'), b.opt(1, 'second'), b.opt(2, b.u32(0x1))])
    .epb(1, 0x17e8c0ff, 0x8e3cb1d5, data)
    .epb(2, 0x1, 0x80012345, data)
    .epb(3, 0, 1_500_000, data)
    .pb(0, 395, 0x4c2a8c0e, data, [b.opt(1, 'old packet block')])
    .block(0x12345678, [1, 2, 3, 4]) // unknown: skipped
    .bytes();
}

describe('hand-built pcapng', () => {
  for (const le of [true, false]) {
    it(le ? 'little-endian' : 'big-endian', () => {
      const f = readCapture(sample(le));
      expect(f.warnings).toEqual([]);
      expect(f.interfaces.map((i) => [i.name, i.description, i.filter, i.tsResolution])).toEqual([
        ['eth0', 'the first one', 'udp', '10^-6'], ['ns', undefined, undefined, '10^-9'],
        ['pow2', undefined, undefined, '2^-20'], ['offset', undefined, undefined, '10^-6'],
      ]);
      const r = [...f.records()];
      expect(r.map((x) => x.interface)).toEqual([0, 1, 2, 3, 0]);
      // 395 * 2^32 + 0x4c2a8c0e microseconds
      const us0 = 395n * 2n ** 32n + 0x4c2a8c0en;
      expect([r[0]!.tsSec, r[0]!.tsNsec]).toEqual([Number(us0 / 1_000_000n), Number(us0 % 1_000_000n) * 1000]);
      const ns1 = (0x17e8c0ffn << 32n) + 0x8e3cb1d5n;
      expect([r[1]!.tsSec, r[1]!.tsNsec]).toEqual([Number(ns1 / 1_000_000_000n), Number(ns1 % 1_000_000_000n)]);
      // (2^32 + 0x80012345) / 2^20 s: 6144 s and a fraction of 2^20, truncated to ns
      const t2 = (1n << 32n) + 0x80012345n;
      expect([r[2]!.tsSec, r[2]!.tsNsec]).toEqual([Number(t2 >> 20n), Number(((t2 & 0xfffffn) * 1_000_000_000n) >> 20n)]);
      expect([r[3]!.tsSec, r[3]!.tsNsec]).toEqual([1001, 500_000_000]);
      expect(r[0]!.comments).toEqual(['first comment', 'second']);
      expect(r[0]!.epbFlags).toBe(1);
      expect(r[4]!.comments).toEqual(['old packet block']);
      expect([r[4]!.tsSec, r[4]!.tsNsec]).toEqual([r[0]!.tsSec, r[0]!.tsNsec]);
      for (const x of r) expect(Array.from(x.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    });
  }

  const tshark = spawnSync('tshark', ['-v']).status === 0;
  if (!tshark) console.log('hand-built pcapng: tshark comparison skipped: tshark is not installed');
  it.skipIf(!tshark)('tshark reads the same times, interfaces and comments', () => {
    for (const le of [true, false]) {
      const path = join(tmp, `sample-${le ? 'le' : 'be'}.pcapng`);
      writeFileSync(path, sample(le));
      const t = spawnSync('tshark', ['-r', path, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.interface_id', '-e', 'frame.comment',
        '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=|'], { encoding: 'utf8' });
      const f = readCapture(sample(le));
      const want = [...f.records()].map((r) => [`${r.tsSec}.${String(r.tsNsec).padStart(9, '0')}`, String(r.interface), (r.comments ?? []).join('|')]);
      // tshark 4.0 also lists the two custom blocks as frames without an interface: Paquet skips them.
      const rows = t.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')).filter((row) => row[1] !== '');
      expect(rows).toEqual(want);
    }
  });
});
