/**
 * The burst sender of the live-capture benchmarks (main/capture/bench-burst.mjs,
 * test/bench/live-app-bench.mjs): test/capture-live/udp-blast.c, a sendmmsg loop
 * sending numbered UDP datagrams to 127.0.0.1, built with the system's C compiler.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';

const SOURCE = resolve(import.meta.dirname, '../capture-live/udp-blast.c');

/** Compile the sender into `dir`; returns its path (throws with the compiler's status when it fails). */
export function buildUdpBlast(dir) {
  const out = join(dir, 'udp-blast');
  const cc = spawnSync(process.env.CC || 'cc', ['-O2', '-o', out, SOURCE], { stdio: 'inherit' });
  if (cc.status !== 0) throw new Error(`building ${SOURCE} failed (status ${cc.status}): it needs cc`);
  return out;
}

/** A TCP port nobody uses right now (the sender binds its own UDP sink to the same number). */
export function freePort() {
  return new Promise((resolvePort) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolvePort(port));
    });
  });
}

function parseReport(stdout) {
  const [sent, us] = stdout.trim().split(' ').map(Number);
  if (!Number.isFinite(sent) || !Number.isFinite(us)) throw new Error(`udp-blast said "${stdout.trim()}"`);
  return { sent, seconds: us / 1e6 };
}

/** Send `count` datagrams of `size` bytes, blocking this process (the sender stops itself after 30 s). */
export function sendBurstSync(blast, port, count, size) {
  return parseReport(spawnSync(blast, [String(port), String(count), String(size)], { encoding: 'utf8' }).stdout);
}

/** The same without blocking: this process's event loop keeps running while the sender sends. */
export function sendBurst(blast, port, count, size) {
  return new Promise((resolveSent, reject) => {
    const child = spawn(blast, [String(port), String(count), String(size)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s) => (out += s));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolveSent(parseReport(out));
      } catch (e) {
        reject(e);
      }
    });
  });
}
