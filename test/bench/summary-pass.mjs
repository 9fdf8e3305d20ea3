/**
 * One in-process measurement, run as its own process so that its peak memory
 * and CPU profile are its own: index a capture with openCaptureFile (what the
 * app does on open), then dissect every packet for the summary line only
 * (NULL_TREE: `dissect(frame, false)`), reading the packets back from disk.
 * Usage: node summary-pass.mjs DIST_DIR FILE   → one JSON line on stdout.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distDir, file] = process.argv.slice(2);
const dist = (p) => pathToFileURL(join(resolve(distDir), p)).href;
const { openCaptureFile } = await import(dist('main/capture-file/index.js'));
const { Dissection } = await import(dist('shared/dissect/engine.js'));
const { defaultRegistry } = await import(dist('shared/dissect/protocols.js'));

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
const rssAfterIndex = process.memoryUsage().rss;

const dissection = new Dissection(defaultRegistry());
let packets = 0;
let malformed = 0;
let infoChars = 0;
for await (const rec of reader.records()) {
  const d = dissection.dissect(frameInput(rec, reader.interfaces), false);
  packets++;
  if (d.malformed) malformed++;
  infoChars += d.info.length; // keep the columns alive as a consumer would read them
}
const t2 = performance.now();
await reader.close();

process.stdout.write(JSON.stringify({
  packets,
  indexed: reader.packetCount,
  malformed,
  infoChars,
  indexMs: t1 - t0,
  dissectMs: t2 - t1,
  totalMs: t2 - t0,
  rssAfterIndexKb: Math.round(rssAfterIndex / 1024),
  maxRssKb: process.resourceUsage().maxRSS,
}) + '\n');
