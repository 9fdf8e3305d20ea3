/**
 * The real-traffic benchmark capture: tcpdump on the loopback interface while
 * a local HTTP server (child process, so it has a core of its own) answers a
 * bounded keep-alive load from this process. Stops at `count` packets
 * (tcpdump -c) or after `seconds`, whichever comes first.
 */
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const SERVER_SOURCE = `
const http = require('node:http');
const body = Buffer.alloc(512, 'p');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 120000;
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

/** Why a loopback capture cannot be made here, or undefined when it can. */
export function loopbackUnavailable() {
  if (process.platform !== 'linux') return 'not Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not running as root (tcpdump needs capture rights)';
  const which = spawnSync('sh', ['-c', 'command -v tcpdump'], { encoding: 'utf8' });
  if (which.status !== 0) return 'tcpdump is not installed';
  return undefined;
}

export async function writeLoopbackCapture(path, { count = 1_000_000, seconds = 60, concurrency = 32 } = {}) {
  const server = spawn(process.execPath, ['-e', SERVER_SOURCE], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [firstLine] = await once(server.stdout, 'data');
  const port = Number(String(firstLine).trim());

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
  }).catch((e) => { server.kill(); throw e; });

  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const deadline = Date.now() + seconds * 1000;
  let requests = 0;
  let failures = 0;
  const one = () => new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: `/item/${requests}`, agent, headers: { 'User-Agent': 'paquet-bench' } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', () => { failures++; resolve(); });
    req.end();
  });
  const worker = async () => {
    while (!dumpDone && Date.now() < deadline && failures < 1000) {
      requests++;
      await one();
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (Date.now() - started) / 1000;
  agent.destroy();
  // Let the FIN exchange of the closed keep-alive sockets reach the capture.
  await new Promise((r) => setTimeout(r, 300));
  if (!dumpDone) dump.kill('SIGINT');
  await dumpExit;
  server.kill();
  const captured = /(\d+) packets captured/.exec(dumpErr)?.[1];
  const dropped = /(\d+) packets dropped by kernel/.exec(dumpErr)?.[1];
  return { requests, failures, connections: concurrency, seconds: elapsed, captured: captured ? Number(captured) : undefined, dropped: dropped ? Number(dropped) : undefined, port };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reason = loopbackUnavailable();
  if (reason) console.log(`loopback capture skipped: ${reason}`);
  else console.log(await writeLoopbackCapture(process.argv[2] ?? 'loopback.pcap', { count: Number(process.argv[3] ?? 1_000_000) }));
}
