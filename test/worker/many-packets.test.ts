/**
 * A capture of many packets through the real worker: indexing and filtering in
 * slices (the worker answers meanwhile and reports progress), counts throttled,
 * a newer filter cancelling an older one, sorting, and packets arriving under a sort.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecoderCounts } from '../../main/worker/decoder-api.js';
import type { Row } from '../../shared/ipc/contract.js';
import { readCapture } from '../../shared/capture/index.js';
import { settled, TMP, workerDecoder, writeBigCapture, type TestDecoder } from './harness.js';

const COPIES = 400;
const dir = join(TMP, 'many');
const path = join(dir, 'big.pcapng');

async function allRows(d: TestDecoder, n: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (let from = 0; from < n; from += 2000) rows.push(...(await d.rows(from, 2000)));
  return rows;
}

describe('many packets (worker)', () => {
  let d: TestDecoder;
  let total = 0;
  const posts: { at: number; c: DecoderCounts }[] = [];

  beforeAll(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    total = writeBigCapture(path, COPIES);
    d = workerDecoder();
    d.onCounts((c) => posts.push({ at: performance.now(), c }));
  });
  afterAll(async () => {
    await d.terminate();
  });

  it('indexes in slices, answering meanwhile, and posts counts at most every 100 ms', async () => {
    await d.open(path, { follow: false });
    const early = await d.counts();
    const rows = await d.rows(0, 5);
    expect(early.busy).toBe('indexing');
    expect(early.packets).toBeLessThan(total);
    expect(rows.length).toBeLessThanOrEqual(5);
    const done = await settled(d, (c) => c.packets === total);
    expect(done).toMatchObject({ packets: total, displayed: total, progress: 1, busy: null });
    await new Promise((r) => setTimeout(r, 150));
    expect(posts.some((p) => p.c.busy === 'indexing' && p.c.packets > 0 && p.c.packets < total)).toBe(true);
    expect(posts[posts.length - 1]!.c).toMatchObject({ packets: total, busy: null, progress: 1 });
    // Posted 100 ms apart in the worker; the receiving side may see them a little closer.
    for (let k = 1; k < posts.length; k++) expect(posts[k]!.at - posts[k - 1]!.at).toBeGreaterThan(60);
    const counts = posts.map((p) => p.c.packets);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });

  it('applies a filter in slices with progress; every copy keeps its WebSocket rows', async () => {
    posts.length = 0;
    // tcp.window_size needs each TCP packet dissected again (`websocket` alone is answered from the packet store at once).
    expect(await d.applyFilter('websocket && tcp.window_size >= 0')).toEqual({ ok: true });
    expect(await d.counts()).toMatchObject({ packets: total, displayed: 13 * COPIES, busy: null, progress: 1 });
    await new Promise((r) => setTimeout(r, 150));
    expect(posts.some((p) => p.c.busy === 'filtering' && p.c.progress > 0 && p.c.progress < 1)).toBe(true);
    const rows = await allRows(d, 13 * COPIES);
    expect(new Set(rows.map((r) => r.protocol))).toEqual(new Set(['WebSocket']));
    // The same rows from the store alone.
    expect(await d.applyFilter('websocket')).toEqual({ ok: true });
    expect((await allRows(d, 13 * COPIES)).map((r) => r.num)).toEqual(rows.map((r) => r.num));
  });

  it('a newer filter cancels one being applied', async () => {
    const [a, b] = await Promise.all([d.applyFilter('tcp.window_size > 0'), d.applyFilter('tcp.flags.reset == 1')]);
    expect(a.ok && b.ok).toBe(true);
    expect((await d.counts()).displayed).toBe(2 * COPIES);
    const rows = await allRows(d, 2 * COPIES);
    expect(rows.every((r) => r.info.includes('[RST]'))).toBe(true);
    await d.applyFilter('');
  });

  it('sorts every row by Info, ties in frame order', async () => {
    const before = await allRows(d, total);
    await d.sort({ column: 'info', descending: true });
    const sorted = await allRows(d, total);
    const want = [...before].sort((x, y) => (x.info < y.info ? 1 : x.info > y.info ? -1 : x.num - y.num));
    expect(sorted.map((r) => r.num)).toEqual(want.map((r) => r.num));
    await d.sort(null);
  });

  it('indexes a gzip file as it inflates: the same rows as the plain file, and a filter applied meanwhile', async () => {
    await d.open(path, { follow: false });
    await settled(d, (c) => c.packets === total && c.busy === null);
    const plainRows = await allRows(d, total);
    const gz = join(dir, 'big.pcapng.gz');
    writeFileSync(gz, gzipSync(readFileSync(path), { level: 1 }));
    expect(await d.open(gz, { follow: false })).toMatchObject({ format: 'pcapng', gzip: true });
    // Applied while the file may still be inflating: packets indexed later are checked as they come.
    expect(await d.applyFilter('websocket && tcp.window_size >= 0')).toEqual({ ok: true });
    const done = await settled(d, (c) => c.packets === total && c.busy === null);
    expect(done).toMatchObject({ packets: total, displayed: 13 * COPIES, progress: 1, warnings: [] });
    expect(new Set((await allRows(d, 13 * COPIES)).map((r) => r.protocol))).toEqual(new Set(['WebSocket']));
    await d.applyFilter('');
    expect(await allRows(d, total)).toEqual(plainRows);
  });

  it('saves every packet when asked right after opening, while the rest of the file is still being read', async () => {
    await d.open(path, { follow: false });
    // The worker parses the first MiB before open() answers: this file is 3 times that.
    expect((await d.counts()).packets).toBeLessThan(total);
    const out = join(dir, 'saved-early.pcapng');
    await d.save(out, { which: 'all', view: null });
    expect([...readCapture(new Uint8Array(readFileSync(out))).records()].length).toBe(total);
    await settled(d, (c) => c.packets === total);
  });

  it('a big file whose damage stops reading early settles with the packets before it and the warning', async () => {
    // A pcapng block at about 100 KiB given a length no block can have: the parser stops there for good.
    const bytes = readFileSync(path);
    let at = 0;
    let before = 0;
    while (at < 100_000) {
      // Enhanced packet blocks (type 6) before the damaged one.
      if (bytes.readUInt32LE(at) === 6) before++;
      at += bytes.readUInt32LE(at + 4);
    }
    bytes.writeUInt32LE(13, at + 4);
    const damaged = join(dir, 'damaged-early.pcapng');
    writeFileSync(damaged, bytes);
    await d.open(damaged, { follow: false });
    const c = await settled(d);
    expect(c).toMatchObject({ packets: before, busy: null, progress: 1 });
    expect(c.warnings.join('\n')).toMatch(/invalid length 13: reading stopped/);
  });

  it('merges packets that arrive under a sort into their places', async () => {
    const full = readFileSync(path);
    const growing = join(dir, 'growing.pcapng');
    writeFileSync(growing, full.subarray(0, Math.floor(full.length / 3)));
    await d.open(growing, { follow: true });
    const part = await settled(d, (c) => c.packets > 0);
    await d.sort({ column: 'length', descending: true });
    const generation = (await d.counts()).generation;
    writeFileSync(growing, full);
    await settled(d, (c) => c.packets === total);
    await d.stopFollowing();
    expect(part.packets).toBeLessThan(total);
    expect((await d.counts()).generation).toBeGreaterThan(generation);
    const rows = await allRows(d, total);
    const want = [...rows].sort((x, y) => y.length - x.length || x.num - y.num);
    expect(rows.map((r) => r.num)).toEqual(want.map((r) => r.num));
    expect(new Set(rows.map((r) => r.num)).size).toBe(total);
  });
});
