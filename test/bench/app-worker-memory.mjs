/**
 * What the decoding worker holds per packet, measured in this process with
 * DecoderService (the code the worker thread runs), and hashes of what it shows,
 * so a memory change can be checked to leave every answer the same:
 *   - indexMs (and the process's user and system CPU time meanwhile), and the worker's memory after indexing (V8 heap + external, after a
 *     full GC, minus before opening), per packet;
 *   - with --breakdown: the same total after dropping one structure at a time
 *     (the session's state bags, the engine's memos and times, the store's columns),
 *     what each held, per packet;
 *   - hashes: every row; --details details at seeded random packets; the rows
 *     after each --filter; the rows sorted by each --sort column (both directions).
 *
 * Usage: node --expose-gc test/bench/app-worker-memory.mjs --dist DIR --file CAPTURE
 *          [--details 300] [--filter TEXT]... [--sort COLUMN]... [--breakdown] [--no-hash]
 * Prints one JSON line.
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { args, opt, all, mulberry32 } from './script-options.mjs';

const DIST = resolve(opt('--dist', 'dist'));
const FILE = resolve(opt('--file', ''));
const DETAILS = Number(opt('--details', 300));
const FILTERS = all('--filter');
const SORTS = all('--sort');
const ROWS = 500;

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const { DecoderService } = await import(pathToFileURL(join(DIST, 'main/worker/decoder-service.js')).href);

function memory() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function settled(s) {
  for (;;) {
    const c = s.counts();
    if (c.busy === null) return c;
    await sleep(20);
  }
}
function rowsHash(s, n) {
  const h = createHash('sha256');
  for (let from = 0; from < n; from += ROWS) h.update(JSON.stringify(s.rows(from, ROWS)));
  return h.digest('hex').slice(0, 16);
}

const out = { file: FILE };
const s = new DecoderService(() => undefined);
const before = memory();
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await s.open(FILE, { follow: false });
const counts = await settled(s);
out.indexMs = Math.round(performance.now() - t0);
const cpu = process.cpuUsage(cpu0);
out.indexCpuMs = { user: Math.round(cpu.user / 1000), sys: Math.round(cpu.system / 1000) };
out.packets = counts.packets;
const held = memory() - before;
out.bytesPerPacket = +(held / counts.packets).toFixed(1);

const cap = s.cap;
if (args.includes('--breakdown')) {
  // Each structure is dropped (its reference replaced by an empty one) and the memory measured again.
  const parts = {};
  let last = memory();
  const drop = (name, fn) => {
    fn();
    const now = memory();
    parts[name] = +((last - now) / counts.packets).toFixed(1);
    last = now;
  };
  // SessionState keeps its keys and their state side by side (shared/dissect/packet.ts).
  const state = cap.dissection.session;
  for (const key of [...state.keys]) drop(`session:${key}`, () => { state.values[state.keys.indexOf(key)] = null; });
  drop('engine memos', () => { cap.dissection.memos = null; });
  drop('engine needs', () => cap.dissection.needs.clear());
  drop('recent frames', () => { cap.recent = null; });
  drop('base setters', () => { cap.baseSetters = null; });
  drop('store info', () => { cap.store.info = null; });
  // Every per-packet column the store has (they differ between versions).
  for (const col of Object.keys(cap.store).filter((k) => ArrayBuffer.isView(cap.store[k]))) {
    drop(`store ${col}`, () => { cap.store[col] = null; });
  }
  drop('display list', () => { s.display = null; });
  drop('engine times', () => { cap.dissection.times = null; cap.store.times = null; });
  drop('reader', () => { cap.reader = null; });
  out.breakdown = parts;
  out.unaccounted = +(last - before) / counts.packets;
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
}

if (!args.includes('--no-hash')) {
  out.rows = rowsHash(s, counts.packets);
  const rand = mulberry32(1);
  const h = createHash('sha256');
  for (let k = 0; k < DETAILS; k++) h.update(JSON.stringify(await s.detail(1 + Math.floor(rand() * counts.packets))));
  out.details = h.digest('hex').slice(0, 16);
  out.filters = {};
  for (const text of FILTERS) {
    const t = performance.now();
    await s.applyFilter(text);
    const c = await settled(s);
    out.filters[text] = { displayed: c.displayed, ms: Math.round(performance.now() - t), rows: rowsHash(s, c.displayed) };
  }
  await s.applyFilter('');
  out.sorts = {};
  for (const column of SORTS) {
    for (const descending of [false, true]) {
      const t = performance.now();
      s.sort({ column, descending });
      const first = s.rows(0, 1);
      const ms = Math.round(performance.now() - t);
      out.sorts[`${column}${descending ? ' desc' : ''}`] = { ms, rows: rowsHash(s, counts.packets), first: first[0]?.num };
    }
  }
}
await s.close();
s.dispose();
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(0);
