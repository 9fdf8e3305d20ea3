/**
 * The real-traffic benchmark capture: tcpdump on the loopback interface while
 * a local HTTP server (child process, so it has a core of its own) answers a
 * bounded keep-alive load from this process. Stops at `count` packets
 * (tcpdump -c) or after `seconds`, whichever comes first.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { keepAliveLoad, startHttpServer } from './http-load.mjs';

/** Why a loopback capture cannot be made here, or undefined when it can. */
export function loopbackUnavailable() {
  if (process.platform !== 'linux') return 'not Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not running as root (tcpdump needs capture rights)';
  const which = spawnSync('sh', ['-c', 'command -v tcpdump'], { encoding: 'utf8' });
  if (which.status !== 0) return 'tcpdump is not installed';
  return undefined;
}

export async function writeLoopbackCapture(path, { count = 1_000_000, seconds = 60, concurrency = 32 } = {}) {
  const server = await startHttpServer();
  const { port } = server;

  // -Z root: tcpdump would otherwise drop to its own user and may not write here.
  const dump = spawn('tcpdump', ['-i', 'lo', '-nn', '-Z', 'root', '-c', String(count), '-w', path, 'tcp', 'port', String(port)],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let dumpErr = '';
  let dumpDone = false;
  const dumpExit = new Promise((resolve) => dump.on('close', (code) => { dumpDone = true; resolve(code); }));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start: ${dumpErr}`)), 10_000);
    dump.stderr.on('data', (b) => {
      dumpErr += b;
      if (/listening on/.test(dumpErr)) { clearTimeout(timer); resolve(); }
    });
    dump.on('close', () => { clearTimeout(timer); reject(new Error(`tcpdump exited: ${dumpErr}`)); });
  }).catch((e) => { server.stop(); throw e; });

  const deadline = Date.now() + seconds * 1000;
  const load = await keepAliveLoad({
    port, concurrency, headers: { 'User-Agent': 'paquet-bench' },
    more: (_requests, failures) => !dumpDone && Date.now() < deadline && failures < 1000,
  });
  // Let the FIN exchange of the closed keep-alive sockets reach the capture.
  await new Promise((r) => setTimeout(r, 300));
  if (!dumpDone) dump.kill('SIGINT');
  await dumpExit;
  server.stop();
  const captured = /(\d+) packets captured/.exec(dumpErr)?.[1];
  const dropped = /(\d+) packets dropped by kernel/.exec(dumpErr)?.[1];
  return { requests: load.requests, failures: load.failures, connections: concurrency, seconds: load.seconds, captured: captured ? Number(captured) : undefined, dropped: dropped ? Number(dropped) : undefined, port };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reason = loopbackUnavailable();
  if (reason) console.log(`loopback capture skipped: ${reason}`);
  else console.log(await writeLoopbackCapture(process.argv[2] ?? 'loopback.pcap', { count: Number(process.argv[3] ?? 1_000_000) }));
}
