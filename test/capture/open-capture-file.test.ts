// The on-disk reader (index + positioned reads) must give exactly what the in-memory reader gives.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomFillSync } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openCaptureFile } from '../../main/capture-file/index.js';
import { NotACaptureError, readCapture, type CaptureRecord } from '../../shared/capture/index.js';
import { pcapOfFrames } from '../app/build-pcap.js';
import { corpusPath, expectedIndex, shortName } from './corpus-files.js';

const tmp = mkdtempSync(join(tmpdir(), 'paquet-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const plain = (r: CaptureRecord) => ({
  index: r.index, fileOffset: r.fileOffset, interface: r.interface, tsSec: r.tsSec, tsNsec: r.tsNsec,
  capLen: r.capLen, origLen: r.origLen, data: Array.from(r.data), comments: r.comments, epbFlags: r.epbFlags,
  noTimestamp: r.noTimestamp,
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Refresh a reader opened with firstBytes until the whole file is parsed (bounded: a step parses a MiB or more). */
async function readToEnd(f: Awaited<ReturnType<typeof openCaptureFile>>): Promise<void> {
  for (let step = 0; step < 10_000 && !f.atEnd; step++) await f.refresh(1 << 20);
  expect(f.atEnd).toBe(true);
  expect(f.complete).toBe(true);
}

describe('openCaptureFile agrees with readCapture on every corpus file', () => {
  for (const e of expectedIndex.files) {
    it(shortName(e), async () => {
      const path = corpusPath(e);
      let whole;
      try {
        whole = readCapture(new Uint8Array(readFileSync(path)));
      } catch (err) {
        expect(err).toBeInstanceOf(NotACaptureError);
        await expect(openCaptureFile(path)).rejects.toBeInstanceOf(NotACaptureError);
        return;
      }
      const want = [...whole.records()].map(plain);
      const f = await openCaptureFile(path);
      try {
        expect(f.format).toBe(whole.format);
        expect(f.interfaces).toEqual(whole.interfaces);
        expect(f.packetCount).toBe(want.length);
        expect((await collect(f.records())).map(plain)).toEqual(want);
        const odd = want.map((_, n) => n).filter((n) => n % 2 === 1);
        expect((await collect(f.batchesOf(odd))).flat().map(plain)).toEqual(odd.map((n) => want[n]));
        // Random access, back to front.
        for (let n = want.length - 1; n >= 0; n--) expect(plain(await f.readPacket(n))).toEqual(want[n]);
        if (!f.gzip) expect(f.warnings.map((w) => w.offset)).toEqual(whole.warnings.map((w) => w.offset));
        else expect(f.warnings.length > 0).toBe(whole.warnings.length > 0);
      } finally {
        await f.close();
      }
      if (!path.endsWith('.gz')) return;
      // The same gzip file read as the app reads it: a few bytes first, the rest inflated in the background.
      const stepwise = await openCaptureFile(path, { firstBytes: 64 });
      try {
        await readToEnd(stepwise);
        expect(stepwise.packetCount).toBe(want.length);
        expect((await collect(stepwise.records())).map(plain)).toEqual(want);
        expect(stepwise.warnings.length > 0).toBe(whole.warnings.length > 0);
      } finally {
        await stepwise.close();
      }
    });
  }
});

describe('openCaptureFile', () => {
  it('batchesOf() gives the wanted packets as readPacket() does, near ones in one slice of the file', async () => {
    // 120 packets of 1 to 41 KB (2.5 MB): runs of wanted packets cross both the 64 KiB gap and the 1 MiB slice limits.
    const sizes = Array.from({ length: 120 }, (_, i) => 1000 + ((i * 7919) % 40000));
    const path = join(tmp, 'big-records.pcap');
    writeFileSync(path, pcapOfFrames(sizes.map((size, i) => new Uint8Array(size).fill(i & 0xff))));
    const brief = (r: CaptureRecord) => ({ index: r.index, fileOffset: r.fileOffset, tsSec: r.tsSec, data: Buffer.from(r.data).toString('base64') });
    const f = await openCaptureFile(path);
    try {
      expect(f.packetCount).toBe(120);
      const all = sizes.map((_, i) => i);
      const subsets = {
        all, odd: all.filter((i) => i % 2 === 1), fifth: all.filter((i) => i % 5 === 0), ends: [0, 119], none: [] as number[],
        clustered: [3, 4, 5, 40, 41, 90, 118, 119],
      };
      const slices: Record<string, number> = {};
      for (const [name, subset] of Object.entries(subsets)) {
        const batches = await collect(f.batchesOf(subset));
        slices[name] = batches.length;
        const want = await Promise.all(subset.map(async (n) => brief(await f.readPacket(n))));
        expect(batches.flat().map(brief), name).toEqual(want);
      }
      // 2.5 MB in slices of at most 1 MiB; far-apart packets read alone; none read for nothing.
      expect(slices.all).toBeGreaterThanOrEqual(3);
      expect(slices.all).toBeLessThan(10);
      expect(slices.ends).toBe(2);
      expect(slices.none).toBe(0);
      expect(slices.clustered).toBeGreaterThanOrEqual(3);
      expect(slices.clustered).toBeLessThan(8);
    } finally {
      await f.close();
    }
  });

  const sample = readFileSync(join(corpusPath(expectedIndex.files[0]!)));

  it('rejects a 0-byte file and a non-capture with a one-line NotACaptureError', async () => {
    const empty = join(tmp, 'empty.pcap');
    writeFileSync(empty, '');
    await expect(openCaptureFile(empty)).rejects.toThrow(/^not a capture file \(pcap or pcapng\): the file is empty$/);
    const html = join(tmp, 'page.pcap');
    writeFileSync(html, '<!DOCTYPE html><html></html>');
    await expect(openCaptureFile(html)).rejects.toThrow(/^not a capture file \(pcap or pcapng\): starts with 3c 21 44 4f$/);
  });

  it('reads a gzip file through a temporary copy and removes it on close', async () => {
    const gz = join(tmp, 'sample.pcap.gz');
    writeFileSync(gz, gzipSync(sample));
    const f = await openCaptureFile(gz);
    expect(f.gzip).toBe(true);
    const want = [...readCapture(new Uint8Array(sample)).records()].map(plain);
    expect(f.packetCount).toBe(want.length);
    expect(plain(await f.readPacket(want.length - 1))).toEqual(want[want.length - 1]);
    expect(f.warnings).toEqual([]);
    await f.close();
    expect(() => readFileSync(f.dataPath)).toThrow();
  });

  /**
   * A classic pcap of about `bytes` bytes: 1000-byte Ethernet frames of random bytes (the reader does not
   * dissect them), so that it compresses as little as a real capture's payloads do, or less.
   */
  const bigCapture = (bytes: number): Buffer => {
    const count = Math.ceil(bytes / 1016);
    const out = Buffer.alloc(24 + count * 1016);
    out.writeUInt32LE(0xa1b2c3d4, 0);
    out.writeUInt16LE(2, 4);
    out.writeUInt16LE(4, 6);
    out.writeUInt32LE(65535, 16);
    out.writeUInt32LE(1, 20);
    for (let k = 0, at = 24; k < count; k++, at += 1016) {
      out.writeUInt32LE(1_700_000_000 + k, at);
      out.writeUInt32LE(1000, at + 8);
      out.writeUInt32LE(1000, at + 12);
      randomFillSync(out, at + 16, 1000);
    }
    return out;
  };

  it('opened with firstBytes, inflates a big gzip file in the background and reads it as it grows', async () => {
    const big = bigCapture(32 << 20);
    const want = [...readCapture(new Uint8Array(big)).records()];
    const gz = join(tmp, 'big.pcap.gz');
    writeFileSync(gz, gzipSync(big, { level: 1 }));
    const f = await openCaptureFile(gz, { firstBytes: 1 << 20 });
    try {
      // Back after about a MiB: 32 MiB are not inflated in the few turns of the event loop the open took.
      expect(f.complete).toBe(false);
      expect(f.inflatedShare).toBeLessThan(1);
      expect(f.packetCount).toBeGreaterThan(0);
      expect(f.packetCount).toBeLessThan(want.length);
      expect(f.warnings).toEqual([]);
      await readToEnd(f);
      expect(f.inflatedShare).toBe(1);
      expect(f.packetCount).toBe(want.length);
      expect(plain(await f.readPacket(want.length - 1))).toEqual(plain(want[want.length - 1]!));
      expect(f.warnings).toEqual([]);
    } finally {
      await f.close();
    }
    expect(() => readFileSync(f.dataPath)).toThrow();
  });

  it('closed while a gzip file still inflates, stops the inflation and removes the temporary copy', async () => {
    const gz = join(tmp, 'big2.pcap.gz');
    writeFileSync(gz, gzipSync(bigCapture(32 << 20), { level: 1 }));
    const f = await openCaptureFile(gz, { firstBytes: 1 << 20 });
    expect(f.complete).toBe(false);
    // A refresh waiting for more inflated bytes when the file is closed ends too, before the file does.
    const pending = f.refresh(8 << 20);
    await f.close();
    expect(typeof (await pending)).toBe('number');
    expect(f.complete).toBe(true);
    expect(() => readFileSync(f.dataPath)).toThrow();
  });

  it('keeps the packets of a cut gzip stream and warns, read whole or as it inflates', async () => {
    const gz = gzipSync(bigCapture(4 << 20), { level: 1 });
    const cut = join(tmp, 'cut-big.pcap.gz');
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length * 0.7)));
    const whole = await openCaptureFile(cut);
    const stepwise = await openCaptureFile(cut, { firstBytes: 1 << 16 });
    try {
      await readToEnd(stepwise);
      expect(whole.packetCount).toBeGreaterThan(0);
      expect(stepwise.packetCount).toBe(whole.packetCount);
      expect(stepwise.warnings).toEqual(whole.warnings);
      expect(stepwise.warnings.some((w) => /gzip data breaks/.test(w.message))).toBe(true);
    } finally {
      await whole.close();
      await stepwise.close();
    }
  });

  it('read in steps, a big file damaged anywhere gives what a whole read gives, and ends', async () => {
    // 4 MiB of 1000-byte frames: four read chunks; damage in the first, a middle and the last one, and a cut end.
    const big = bigCapture(4 << 20);
    const recordAt = (k: number): number => 24 + k * 1016;
    const count = (big.length - 24) / 1016;
    const cases: [string, (b: Buffer) => Buffer][] = [
      ['a record over the maximum length in the first chunk', (b) => (b.writeUInt32LE(0x7fffffff, recordAt(100) + 8), b)],
      ['the same in a middle chunk', (b) => (b.writeUInt32LE(0x7fffffff, recordAt(Math.floor(count / 2)) + 8), b)],
      ['the same in the last chunk', (b) => (b.writeUInt32LE(0x7fffffff, recordAt(count - 3) + 8), b)],
      ['a file cut inside its last record', (b) => b.subarray(0, b.length - 500)],
    ];
    for (const [what, damage] of cases) {
      const bytes = damage(Buffer.from(big));
      const whole = readCapture(new Uint8Array(bytes));
      const wantCount = [...whole.records()].length;
      const path = join(tmp, 'damaged-big.pcap');
      writeFileSync(path, bytes);
      const f = await openCaptureFile(path, { firstBytes: 1 << 16 });
      try {
        await readToEnd(f);
        expect(f.packetCount, what).toBe(wantCount);
        expect(f.warnings.map((w) => w.message), what).toEqual(whole.warnings.map((w) => w.message));
      } finally {
        await f.close();
      }
    }
  });

  it('keeps the packets of a cut gzip stream and warns', async () => {
    const gz = gzipSync(sample);
    const cut = join(tmp, 'cut.pcap.gz');
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length * 0.7)));
    const f = await openCaptureFile(cut);
    expect(f.packetCount).toBeGreaterThan(0);
    expect(f.packetCount).toBeLessThan([...readCapture(new Uint8Array(sample)).records()].length);
    expect(f.warnings.some((w) => /gzip/.test(w.message))).toBe(true);
    await f.close();
  });

  it('follows a growing file: refresh() parses what was appended, resuming inside a record', async () => {
    const all = [...readCapture(new Uint8Array(sample)).records()];
    const live = join(tmp, 'live.pcap');
    const cuts = [2, 10, 24, 30, all[3]!.fileOffset + 5, all[20]!.fileOffset, sample.length - 1, sample.length];
    writeFileSync(live, '');
    const f = await openCaptureFile(live, { follow: true });
    expect(f.format).toBeUndefined();
    let prev = 0;
    for (const cut of cuts.filter((c) => c > 0)) {
      appendFileSync(live, sample.subarray(prev, cut));
      prev = cut;
      await f.refresh();
      const complete = all.filter((r) => r.fileOffset + 16 + r.capLen <= cut).length;
      expect(f.packetCount, `after ${cut} bytes`).toBe(complete);
      // Until the last record is complete, it is reported as cut short.
      if (cut < 4) continue; // not even a magic yet: no format, no warning to give
      expect(f.format).toBe('pcap');
      const onBoundary = cut === 24 || all.some((r) => r.fileOffset + 16 + r.capLen === cut);
      expect(f.warnings.length, `after ${cut} bytes`).toBe(onBoundary ? 0 : 1);
    }
    expect((await collect(f.records())).map(plain)).toEqual(all.map(plain));
    await f.close();
  });
});

describe('openCaptureFile with firstBytes (a big file\'s first rows before the whole scan)', () => {
  it('parses about the first chunk, then the rest through refresh(maxBytes), ending with every packet', async () => {
    const chat = new Uint8Array(readFileSync(join(import.meta.dirname, '..', '..', '..', 'shared', 'captures', 'workerman-chat-7272.pcap')));
    const body = chat.subarray(24);
    const copies = Math.ceil((3.5 * 1024 * 1024) / body.length);
    const path = join(tmp, 'big.pcap');
    writeFileSync(path, chat.subarray(0, 24));
    for (let i = 0; i < copies; i++) appendFileSync(path, body);
    const whole = await openCaptureFile(path);
    const partial = await openCaptureFile(path, { firstBytes: 1 });
    try {
      expect(partial.packetCount).toBeGreaterThan(0);
      expect(partial.packetCount).toBeLessThan(whole.packetCount);
      expect(partial.bytesParsed).toBeLessThan(partial.bytesKnown);
      let rounds = 0;
      while (partial.bytesParsed < partial.bytesKnown && rounds++ < 100) await partial.refresh(1);
      expect(rounds).toBeGreaterThanOrEqual(2);
      expect(partial.packetCount).toBe(whole.packetCount);
      expect(partial.packetCount).toBe(37 * copies);
      expect(partial.bytesParsed).toBe(partial.bytesKnown);
      expect(plain(await partial.readPacket(partial.packetCount - 1))).toEqual(plain(await whole.readPacket(whole.packetCount - 1)));
      expect(partial.warnings).toEqual([]);
    } finally {
      await whole.close();
      await partial.close();
    }
  });
});
