/**
 * One run of the app's decoding worker on a capture, in a process of its own
 * (so its resident set is the decoder's alone), through DecoderClient exactly
 * as the session uses it. Prints one JSON line:
 *   - open(): when it resolved, and when rows(0, 50) first answered 50 rows
 *     (what the packet list shows first);
 *   - rows(from, 50) at random places while indexing and after, in ms;
 *   - detail(num) (what a click asks for) at random packets, while indexing
 *     and after;
 *   - the time until every packet is indexed;
 *   - memory: process RSS and the worker thread's own V8 heap (after a full GC)
 *     before opening and after indexing, per packet;
 *   - applyFilter(text) for each --filter, bounded by --filter-timeout
 *     (a filter still running then is cancelled by applying '').
 *
 * Usage: node --expose-gc app-worker-probe.mjs --dist DIR --file CAPTURE
 *          [--details 200] [--filter TEXT]... [--filter-timeout 60] [--index-timeout 240] [--seed 1]
 *          [--quick]   (stop after the first rows: for repeating the open measurement cheaply)
 * Every wait is bounded; the process exits by itself when done.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { args, opt, all, mulberry32 } from './script-options.mjs';

const DIST = resolve(opt('--dist', 'test/tmp/bench/dist'));
const FILE = resolve(opt('--file', ''));
const DETAILS = Number(opt('--details', 200));
const FILTERS = all('--filter');
const FILTER_TIMEOUT_MS = Number(opt('--filter-timeout', 60)) * 1000;
const INDEX_TIMEOUT_MS = Number(opt('--index-timeout', 240)) * 1000;
const QUICK = args.includes('--quick');
/** Thrown to stop after the first rows (--quick). */
class Quick extends Error {}
/** Rows per request: what the renderer's list shows at once and more. */
const ROWS = 50;

process.env.PAQUET_BENCH_DIST = DIST;
const { DecoderClient } = await import(pathToFileURL(join(DIST, 'main/worker/decoder-client.js')).href);

const rand = mulberry32(Number(opt('--seed', 1)));
const pick = (n) => Math.floor(rand() * n);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

const tStart = performance.now();
const client = DecoderClient.start(new URL('./app-heap-worker.mjs', import.meta.url));
// DecoderClient keeps its Worker private to TypeScript only; the heap question goes to it directly.
const worker = client.worker;
let heapWaiter = null;
worker.on('message', (m) => {
  if (m?.type === 'bench-heap' && heapWaiter) {
    heapWaiter(m);
    heapWaiter = null;
  }
});
function workerHeap() {
  return withTimeout(new Promise((r) => { heapWaiter = r; worker.postMessage({ type: 'bench-heap' }); }), 30_000, 'worker heap');
}
function processMemory() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
  return process.memoryUsage();
}

let latest = { packets: 0, displayed: 0, progress: 0, busy: 'indexing' };
let countsWaiter = null;
client.onCounts((c) => {
  latest = c;
  if (countsWaiter?.test(c)) {
    countsWaiter.resolve(c);
    countsWaiter = null;
  }
});
function untilCounts(test, ms, what) {
  if (test(latest)) return Promise.resolve(latest);
  return withTimeout(new Promise((resolve) => { countsWaiter = { test, resolve }; }), ms, what);
}

async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

const out = { file: FILE, errors: [] };
try {
  // The worker's own start (loading its modules) is timed apart: the session starts a new worker for
  // each file it opens, so what a user waits for is workerStartMs + firstRowsMs.
  await client.counts();
  out.workerStartMs = performance.now() - tStart;
  const heapBefore = await workerHeap();
  const memBefore = processMemory();

  const t0 = performance.now();
  await withTimeout(client.open(FILE, { follow: false }), 60_000, 'open');
  out.openResolvedMs = performance.now() - t0;
  // The first rows: asked for as soon as open() answered, and again until 50 came (bounded).
  let first = [];
  let asks = 0;
  while (asks < 2000 && first.length < ROWS) {
    first = await withTimeout(client.rows(0, ROWS), 30_000, 'rows(0, 50)');
    asks++;
    if (first.length < ROWS) {
      const c = await client.counts();
      if (c.busy === null && c.displayed === first.length) break; // a small file: all its rows came
      await sleep(5);
    }
  }
  out.firstRowsMs = performance.now() - t0;
  out.firstRowsCount = first.length;
  out.firstRowsAsks = asks;
  if (QUICK) throw new Quick();

  // While indexing: rows at random places among the packets indexed so far, and a few details.
  const rowsDuring = [];
  const detailDuring = [];
  const deadline = performance.now() + INDEX_TIMEOUT_MS;
  for (let k = 0; k < 100000 && performance.now() < deadline; k++) {
    const c = await client.counts();
    if (c.busy === null) {
      latest = c;
      break;
    }
    if (c.packets > ROWS) {
      const r = await timed(() => client.rows(pick(c.packets - ROWS), ROWS));
      rowsDuring.push(r.ms);
      if (k % 3 === 0) {
        const d = await timed(() => client.detail(1 + pick(c.packets)));
        detailDuring.push(d.ms);
      }
    }
    await sleep(200);
  }
  const done = await untilCounts((c) => c.busy === null && c.progress === 1, Math.max(1000, deadline - performance.now()), 'full index');
  out.indexedMs = performance.now() - t0;
  out.packets = done.packets;
  out.rowsDuringIndexMs = rowsDuring;
  out.detailDuringIndexMs = detailDuring;

  const heapAfter = await workerHeap();
  const memAfter = processMemory();
  out.memory = {
    before: { rss: memBefore.rss, workerHeap: heapBefore.heapUsed, workerExternal: heapBefore.external, arrayBuffers: heapBefore.arrayBuffers },
    after: { rss: memAfter.rss, workerHeap: heapAfter.heapUsed, workerExternal: heapAfter.external, arrayBuffers: heapAfter.arrayBuffers },
    maxRssKb: process.resourceUsage().maxRSS,
  };

  // After indexing: rows and details at random places.
  const rowsAfter = [];
  for (let k = 0; k < 200; k++) rowsAfter.push((await timed(() => client.rows(pick(done.packets - ROWS), ROWS))).ms);
  out.rowsAfterIndexMs = rowsAfter;
  const detailAfter = [];
  let items = 0;
  for (let k = 0; k < DETAILS; k++) {
    const d = await timed(() => client.detail(1 + pick(done.packets)));
    detailAfter.push(d.ms);
    items += d.value.items.length;
  }
  out.detailAfterIndexMs = detailAfter;
  out.detailItemsMean = DETAILS ? items / DETAILS : 0;

  out.filters = [];
  for (const text of FILTERS) {
    const f0 = performance.now();
    let result;
    try {
      const check = await withTimeout(client.applyFilter(text), FILTER_TIMEOUT_MS, `applyFilter(${text})`);
      const c = await client.counts();
      result = { text, ok: check.ok, ms: performance.now() - f0, displayed: c.displayed };
      if (c.displayed > ROWS) result.rowsMs = (await timed(() => client.rows(pick(c.displayed - ROWS), ROWS))).ms;
    } catch (e) {
      const c = await client.counts();
      result = { text, ms: performance.now() - f0, timedOut: true, checked: Math.round(c.progress * done.packets), note: e.message };
    }
    out.filters.push(result);
    // Back to no filter (this also cancels one still running), before the next.
    await withTimeout(client.applyFilter(''), 60_000, 'applyFilter("")');
  }
} catch (e) {
  if (!(e instanceof Quick)) out.errors.push(e.message);
}
await client.terminate().catch(() => undefined);
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(0);
