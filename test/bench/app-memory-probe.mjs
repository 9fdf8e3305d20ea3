/**
 * What the decoder holds per packet after indexing, part by part: the worker's
 * DecoderService run in this process (no thread, so its objects can be reached),
 * a capture indexed to its end, then the parts dropped one at a time with a full
 * GC after each, the heap + ArrayBuffer bytes each frees divided by the packets:
 *   engine memos  the per-frame state Dissection keeps so any packet can be
 *                 dissected again (a click, a filter): its `memos` and `times`;
 *   engine session state  Dissection's `session` (TCP analysis and reassembly,
 *                 conversations);
 *   TCP streams   CaptureIndex.streams / baseSetters (packet lists per stream);
 *   Info strings  PacketStore.info;
 *   store arrays  PacketStore's typed arrays (times, ids, lengths, colours...);
 *   file index    the reader's packet offsets;
 *   the rest      what is left above the empty service (the display list, string
 *                 tables, whatever else the parts above did not free).
 * It reaches into private fields by name; a part whose field is not found (the
 * code changed) is reported as null, never guessed. Prints one JSON line.
 * Usage: node --expose-gc app-memory-probe.mjs --dist DIR --file CAPTURE [--index-timeout 240]
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { args, opt } from './script-options.mjs';

const DIST = resolve(opt('--dist', 'test/tmp/bench/dist'));
const FILE = resolve(opt('--file', ''));
const INDEX_TIMEOUT_MS = Number(opt('--index-timeout', 240)) * 1000;
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

const { DecoderService } = await import(pathToFileURL(join(DIST, 'main/worker/decoder-service.js')).href);

function held() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const out = { file: FILE, errors: [] };
try {
  const service = new DecoderService(() => undefined);
  const empty = held();
  const t0 = performance.now();
  await service.open(FILE, { follow: false });
  const deadline = performance.now() + INDEX_TIMEOUT_MS;
  while (service.counts().busy !== null && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  out.indexedMs = performance.now() - t0;
  const n = service.counts().packets;
  out.packets = n;
  let before = held();
  out.totalPerPacket = (before - empty) / n;
  const parts = {};
  const drop = (name, fn) => {
    let ok = false;
    try {
      ok = fn() !== false;
    } catch {
      ok = false;
    }
    if (!ok) {
      parts[name] = null;
      return;
    }
    const after = held();
    parts[name] = (before - after) / n;
    before = after;
  };
  const cap = service.cap;
  // Whatever shape the engine gives them (a Map, typed-array stores...), dropping the references frees them.
  drop('engine memos', () => {
    const d = cap.dissection;
    const found = ['memos', 'times'].filter((k) => d[k] !== undefined && d[k] !== null);
    for (const k of found) d[k] = null;
    return found.length > 0;
  });
  // The engine's conversation state (TCP analysis and reassembly tables, HTTP/WebSocket state...).
  drop('engine session state', () => {
    const d = cap.dissection;
    if (d.session === undefined || d.session === null) return false;
    d.session = null;
    return true;
  });
  drop('TCP streams', () => cap.streams instanceof Map && (cap.streams.clear(), cap.baseSetters.clear()));
  drop('Info strings', () => Array.isArray(cap.store.info) && cap.store.info.splice(0) && true);
  drop('store arrays', () => {
    let found = false;
    for (const k of Object.keys(cap.store)) {
      if (ArrayBuffer.isView(cap.store[k])) {
        cap.store[k] = new Uint8Array(0);
        found = true;
      }
    }
    return found;
  });
  drop('file index', () => cap.reader.index !== undefined && ((cap.reader.index = null), true));
  parts['the rest'] = (before - empty) / n;
  out.parts = parts;
  service.dispose();
} catch (e) {
  out.errors.push(e.message);
}
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(0);
