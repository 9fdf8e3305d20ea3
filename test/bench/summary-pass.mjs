/**
 * One in-process measurement, run as its own process so that its peak memory
 * and CPU profile are its own: index a capture with openCaptureFile (what the
 * app does on open), then dissect every packet for the summary line only
 * (NULL_TREE: `dissect(frame, false)`), reading the packets back from disk.
 * The Dissection keeps what revisits need (per-frame memos, conversation state),
 * as the app's decoding worker does.
 *
 * Usage: node summary-pass.mjs DIST_DIR FILE [--lean]   → one JSON line on stdout.
 * --lean: `keepReassembledBytes: false` (reassembled PDUs are rebuilt from their
 * frames on a revisit instead of being kept).
 *
 * `retainedBytesPerPacket`: heap and ArrayBuffer memory still held after the pass
 * (after a full garbage collection) minus what was held before it, per packet:
 * the Dissection's memos and conversation state (the reader's index is counted
 * before the pass, so it is not included).
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const args = process.argv.slice(2);
const lean = args.includes('--lean');
const [distDir, file] = args.filter((a) => !a.startsWith('--'));
const dist = (p) => pathToFileURL(join(resolve(distDir), p)).href;
const { openCaptureFile } = await import(dist('main/capture-file/index.js'));
const { Dissection } = await import(dist('shared/dissect/engine.js'));
const { defaultRegistry } = await import(dist('shared/dissect/protocols.js'));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
/** Heap plus ArrayBuffer bytes in use after a full collection. */
function heldBytes() {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function frameInput(rec, ifaces) {
  const iface = ifaces[rec.interface];
  return {
    num: rec.index + 1,
    tsSec: rec.tsSec,
    tsNsec: rec.tsNsec,
    capLen: rec.capLen,
    origLen: rec.origLen,
    linkType: iface?.linkType ?? -1,
    interfaceId: rec.interface,
    data: rec.data,
  };
}

const t0 = performance.now();
const reader = await openCaptureFile(file);
const t1 = performance.now();
// Not timed: a collection before the pass, so that what the pass keeps can be told apart, and so that
// the RSS read next is what the index holds, not the reading's garbage (which varied by 40 B a packet).
const heldBefore = heldBytes();
const rssAfterIndex = process.memoryUsage().rss;
const t2 = performance.now();

const dissection = new Dissection(defaultRegistry(), lean ? { keepReassembledBytes: false } : {});
let packets = 0;
let malformed = 0;
let infoChars = 0;
for await (const rec of reader.records()) {
  const d = dissection.dissect(frameInput(rec, reader.interfaces), false);
  packets++;
  if (d.malformed) malformed++;
  infoChars += d.info.length; // keep the columns alive as a consumer would read them
}
const t3 = performance.now();
// Still referenced, so the collection below cannot free what the dissection keeps.
globalThis.keptDissection = dissection;
const heldAfter = heldBytes();
await reader.close();

process.stdout.write(JSON.stringify({
  packets,
  indexed: reader.packetCount,
  malformed,
  infoChars,
  lean,
  indexMs: t1 - t0,
  dissectMs: t3 - t2,
  totalMs: t1 - t0 + (t3 - t2),
  rssAfterIndexKb: Math.round(rssAfterIndex / 1024),
  maxRssKb: process.resourceUsage().maxRSS,
  retainedBytesPerPacket: Math.round((heldAfter - heldBefore) / Math.max(1, packets)),
}) + '\n');
