/**
 * Makes the benchmark captures in test/tmp/bench/ (gitignored):
 *   generated.pcap  1,000,000 packets, a seeded mix of HTTP, WebSocket, DNS, ICMP
 *                   and a few malformed packets (identical on every run);
 *   loopback.pcap   real HTTP keep-alive traffic captured by tcpdump on lo
 *                   (needs root and tcpdump; skipped with a reason otherwise).
 * Usage: node test/bench/make-captures.mjs [--packets N] [--force] [--no-loopback]
 * Existing files are kept unless --force (the generated one is reproducible anyway).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeGeneratedCapture } from './generated-capture.mjs';
import { loopbackUnavailable, writeLoopbackCapture } from './loopback-capture.mjs';

export const BENCH_DIR = resolve(import.meta.dirname, '../tmp/bench');
export const GENERATED = join(BENCH_DIR, 'generated.pcap');
export const LOOPBACK = join(BENCH_DIR, 'loopback.pcap');
const LOOPBACK_NOTE = join(BENCH_DIR, 'loopback.json');
const GENERATED_NOTE = join(BENCH_DIR, 'generated.json');

function readNote(path) {
  try { return JSON.parse(readFileSync(path, 'utf8')); } catch { return undefined; }
}

function loopbackText(info) {
  return `${info.captured ?? '?'} packets (${info.dropped ?? '?'} dropped by kernel), ${info.requests} HTTP keep-alive requests on ${info.connections ?? 32} connections in ${info.seconds.toFixed(1)} s`;
}

function mb(path) {
  return (statSync(path).size / 1e6).toFixed(1);
}

/** Make what is missing; returns {generated, loopback, loopbackSkipped?, loopbackInfo?}. */
export async function makeCaptures({ packets = 1_000_000, force = false, loopback = true, log = console.log } = {}) {
  mkdirSync(BENCH_DIR, { recursive: true });
  const result = { generated: GENERATED };
  if (force || !existsSync(GENERATED)) {
    const t0 = performance.now();
    const perKind = writeGeneratedCapture(GENERATED, { count: packets });
    writeFileSync(GENERATED_NOTE, JSON.stringify({ packets, perKind }, null, 2) + '\n');
    log(`generated.pcap: ${packets} packets, ${mb(GENERATED)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s; packets by conversation kind ${JSON.stringify(perKind)}`);
  } else {
    const note = readNote(GENERATED_NOTE);
    log(`generated.pcap: kept (${mb(GENERATED)} MB${note ? `, ${note.packets} packets, by conversation kind ${JSON.stringify(note.perKind)}` : ''}; --force to remake)`);
  }

  const reason = loopback ? loopbackUnavailable() : 'not asked for (--no-loopback)';
  if (reason) {
    log(`loopback.pcap: skipped: ${reason}`);
    result.loopbackSkipped = reason;
    return result;
  }
  if (force || !existsSync(LOOPBACK)) {
    try {
      const info = await writeLoopbackCapture(LOOPBACK, { count: packets });
      writeFileSync(LOOPBACK_NOTE, JSON.stringify(info, null, 2) + '\n');
      log(`loopback.pcap: ${loopbackText(info)}, ${mb(LOOPBACK)} MB`);
    } catch (e) {
      result.loopbackSkipped = `capture failed: ${e.message}`;
      log(`loopback.pcap: skipped: ${result.loopbackSkipped}`);
      return result;
    }
  } else {
    const note = readNote(LOOPBACK_NOTE);
    log(`loopback.pcap: kept (${mb(LOOPBACK)} MB${note ? `; made with ${loopbackText(note)}` : ''}; --force to remake)`);
  }
  result.loopback = LOOPBACK;
  return result;
}

function option(args, name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

if (process.argv[1] === import.meta.filename) {
  const args = process.argv.slice(2);
  await makeCaptures({
    packets: option(args, '--packets', 1_000_000),
    force: args.includes('--force'),
    loopback: !args.includes('--no-loopback'),
  });
}
