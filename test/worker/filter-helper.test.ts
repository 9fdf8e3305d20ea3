/**
 * The filter helper: a second thread answering the front of a display filter's
 * list of packets to dissect (a first pass of its own over the file) while the
 * worker revisits the back (main/worker/filter-claims.ts, filter-helper-pass.ts).
 * The claims never give a packet twice nor leave one out, even with both threads
 * claiming at once; over every shared capture, filters keep the same packets with
 * the helper as without it; a helper that cannot read the file leaves its part to
 * the worker; a filter naming a field a first pass cannot know is not shared.
 */
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { SharedClaims } from '../../main/worker/filter-claims.js';
import { FilterHelper } from '../../main/worker/filter-helper-client.js';
import { LATER_FRAME_FIELDS } from '../../shared/filter/first-pass-fields.js';
import { REPO } from '../support/dissect-file.js';
import { corpusFiles } from './corpus.js';
import { CHAT, displayed, inProcessDecoder, settled, staleBuild, TMP, workerDecoder, writeBigCapture } from './harness.js';

describe('shared claims', () => {
  it('give the front and the back until they meet, each candidate once', () => {
    const claims = SharedClaims.create(10);
    expect(claims.takeFront(3)).toEqual({ from: 0, to: 3 });
    expect(claims.takeBack(4)).toEqual({ from: 6, to: 10 });
    expect(claims.takeFront(5)).toEqual({ from: 3, to: 6 });
    expect(claims.takeBack(4)).toBeNull();
    expect(claims.takeFront(1)).toBeNull();
    expect(claims.front).toBe(6);
  });

  it('give the front nothing once stopped, and nothing of an empty list', () => {
    const claims = SharedClaims.create(5);
    claims.stop();
    expect(claims.takeFront(2)).toBeNull();
    expect(claims.takeBack(2)).toEqual({ from: 3, to: 5 });
    expect(SharedClaims.create(0).takeBack(1)).toBeNull();
    expect(() => new SharedClaims(new Int32Array(3))).toThrow(/5 cells/);
  });

  it('never hand out a candidate twice when two threads claim at once', async () => {
    const stale = staleBuild();
    if (stale) throw new Error(`dist/ is not current (${stale}): run \`npx tsc -p tsconfig.json\` first`);
    const count = 200_000;
    const claims = SharedClaims.create(count);
    const owner = new Int32Array(new SharedArrayBuffer(count * 4));
    const module = pathToFileURL(join(REPO, 'dist/main/worker/filter-claims.js')).href;
    // The other thread claims one candidate at a time from the front, marking each it got.
    const front = new Worker(`
      const { workerData, parentPort } = require('node:worker_threads');
      import(${JSON.stringify(module)}).then(({ SharedClaims }) => {
        const claims = new SharedClaims(workerData.cells);
        for (let c = claims.takeFront(1); c; c = claims.takeFront(1)) Atomics.add(workerData.owner, c.from, 1);
        parentPort.postMessage('done');
      });`, { eval: true, workerData: { cells: claims.cells, owner } });
    const done = new Promise((resolve, reject) => { front.on('message', resolve); front.on('error', reject); });
    for (let c = claims.takeBack(3); c; c = claims.takeBack(3)) for (let k = c.from; k < c.to; k++) Atomics.add(owner, k, 1);
    await done;
    await front.terminate();
    expect(owner.every((n) => n === 1)).toBe(true);
    // Both took part (the other thread starts late, but claims 1 at a time against 3).
    expect(claims.front).toBeGreaterThanOrEqual(0);
  });
});

describe('the filter helper alone', () => {
  it('says why it stopped when the file cannot be read', async () => {
    const helper = new FilterHelper();
    try {
      const claims = SharedClaims.create(2);
      const problem = await helper.run({
        path: join(TMP, 'no-such-file.pcap'), filter: 'tcp', candidates: new Uint32Array([0, 1]),
        cells: claims.cells, answers: new Uint8Array(new SharedArrayBuffer(2)), comments: [], layers: null, stopAbove: null,
      });
      expect(problem).toMatch(/no-such-file\.pcap/);
      expect(claims.done).toBe(0);
      expect(helper.usable).toBe(true);
    } finally {
      helper.dispose();
    }
    expect(helper.usable).toBe(false);
  });

  it('runs from the build, its script found beside the client (as in the app)', async () => {
    const stale = staleBuild();
    if (stale) throw new Error(`dist/ is not current (${stale}): run \`npx tsc -p tsconfig.json\` first`);
    const built = await import(pathToFileURL(join(REPO, 'dist/main/worker/filter-helper-client.js')).href) as { FilterHelper: typeof FilterHelper };
    const helper = new built.FilterHelper();
    try {
      // The chat's first three packets: a SYN, its SYN/ACK, the ACK.
      const claims = SharedClaims.create(3);
      const answers = new Uint8Array(new SharedArrayBuffer(3));
      const problem = await helper.run({
        path: CHAT, filter: 'tcp.flags.ack == 1', candidates: new Uint32Array([0, 1, 2]), cells: claims.cells, answers, comments: [], layers: null, stopAbove: null,
      });
      expect(problem).toBeNull();
      expect(claims.done).toBe(3);
      expect([...answers]).toEqual([0, 1, 1]);
    } finally {
      helper.dispose();
    }
  });

  it('is not used when its script is missing', async () => {
    const helper = new FilterHelper(null);
    const claims = SharedClaims.create(1);
    const problem = await helper.run({
      path: CHAT, filter: 'tcp', candidates: new Uint32Array([0]), cells: claims.cells,
      answers: new Uint8Array(new SharedArrayBuffer(1)), comments: [], layers: null, stopAbove: null,
    });
    expect(problem).toMatch(/script is missing/);
    expect(helper.usable).toBe(false);
  });
});

/** Filters over the layers the shared captures hold, most needing a tree; a few naming later frames. */
const FILTERS = [
  'ip.ttl < 64', 'tcp.window_size > 1000', 'tcp.analysis.flags', 'tcp.segment', 'tcp.reassembled.length', 'tcp.pdu.size',
  'frame.time_delta > 0.01', 'http.host contains "a"', 'http.request.uri contains "/"', 'http.response.code == 200',
  'http.prev_request_in', 'http.time > 0', 'websocket.payload', 'websocket.mask', 'dns.qry.name contains "a"',
  'dns.response_to', 'dns.time', 'icmp.resp_in', 'icmp.resp_to', 'udp.length > 100', 'tls.handshake.type == 1', 'ipv6.hlim > 1', '_ws.expert',
  'frame.comment', 'ip.src#1 == 127.0.0.1', 'http.response_in', 'http.next_request_in', 'frame.len > 100 && ip.ttl < 128',
  'ip.fragment.count > 1', 'ip.flags.mf == 1 || ip.frag_offset > 0', 'ip.checksum.status == 2', 'frame.number > 3 && ip.id > 100',
  'frame.len > 80 && frame.protocols contains "http"', 'tcp.stream == 1 && ipv6.hlim > 1', 'tcp.len > 0 && ip.fragment.count > 1',
  'tcp.analysis.retransmission || tcp.time_delta > 0.1',
];

describe('filters with and without the helper, over every shared capture', () => {
  const alone = inProcessDecoder({ helperMinCandidates: Infinity });
  const helped = inProcessDecoder({ helperMinCandidates: 1, helperMinShare: 0, helperHeadStart: true });
  afterAll(async () => {
    await alone.terminate();
    await helped.terminate();
  });

  it('keep the same packets; the helper takes no filter naming a later frame', async () => {
    let answered = 0;
    let compared = 0;
    const files = corpusFiles();
    for (const [k, file] of files.entries()) {
      try {
        await alone.open(file, { follow: false });
        await helped.open(file, { follow: false });
      } catch {
        continue; // unreadable on purpose (the corpus holds a few)
      }
      await settled(alone);
      await settled(helped);
      // Eight filters a file, a different eight for the next file: each filter meets ~100 captures.
      for (let j = 0; j < 8; j++) {
        const filter = FILTERS[(k * 8 + j) % FILTERS.length]!;
        expect(await alone.applyFilter(filter)).toEqual({ ok: true });
        expect(await helped.applyFilter(filter)).toEqual({ ok: true });
        expect(await displayed(helped), `${file}: ${filter}`).toEqual(await displayed(alone));
        expect(helped.service!.helperProblem, `${file}: ${filter}`).toBeNull();
        const names = filter.match(/[a-z_][\w.]*/g)!;
        if (names.some((n) => LATER_FRAME_FIELDS.has(n))) expect(helped.service!.helperAnswered, filter).toBe(0);
        answered += helped.service!.helperAnswered;
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(files.length * 7);
    expect(answered).toBeGreaterThan(1000);
  }, 300_000);
});

describe('the helper started by the real worker thread', () => {
  const dir = join(TMP, 'filter-helper-worker');
  const path = join(dir, 'big.pcapng');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // 22,200 packets, all TCP: over the 20,000 packets to dissect from which the worker shares a filter.
  // Whether the helper took part is not visible through the worker (the in-process tests above see it).
  it('gives the answers the worker alone gives', async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const total = writeBigCapture(path, 600);
    expect(total).toBeGreaterThan(20_000);
    const worker = workerDecoder();
    const alone = inProcessDecoder({ helperMinCandidates: Infinity });
    try {
      for (const d of [worker, alone]) {
        await d.open(path, { follow: false });
        await settled(d, (c) => c.packets === total);
      }
      for (const filter of ['tcp.window_size > 30000', 'tcp.analysis.flags || tcp.len > 100']) {
        expect(await worker.applyFilter(filter)).toEqual({ ok: true });
        expect(await alone.applyFilter(filter)).toEqual({ ok: true });
        const expected = await displayed(alone);
        expect(expected.length, filter).toBeGreaterThan(0);
        expect(await displayed(worker), filter).toEqual(expected);
      }
    } finally {
      await worker.terminate();
      await alone.terminate();
    }
  }, 120_000);
});

describe('a helper that cannot read the file', () => {
  const dir = join(TMP, 'filter-helper');
  const path = join(dir, 'chat.pcap');
  const d = inProcessDecoder({ helperMinCandidates: 1, helperMinShare: 0, helperHeadStart: true });
  afterAll(async () => {
    await d.terminate();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves its part to the worker, which keeps the same packets', async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    copyFileSync(CHAT, path);
    await d.open(path, { follow: false });
    await settled(d);
    expect(await d.applyFilter('tcp.window_size > 1000')).toEqual({ ok: true });
    const expected = await displayed(d);
    expect(d.service!.helperAnswered).toBeGreaterThan(0);
    // The worker keeps the file open; the helper opens it by name.
    renameSync(path, path + '.moved');
    expect(await d.applyFilter('tcp.window_size > 1000')).toEqual({ ok: true });
    expect(await displayed(d)).toEqual(expected);
    expect(d.service!.helperProblem).toMatch(/chat\.pcap/);
    expect(d.service!.helperAnswered).toBe(0);
  });
});
