/**
 * A local HTTP server answering 512-byte bodies (a child process, so it gets a
 * core of its own when there is one) and a keep-alive load against it from
 * this process: the traffic both the loopback benchmark capture and the
 * live-capture benchmark are made of. Everything stays on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';

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
// Bounded: the server goes when its parent does, or after two minutes at most.
process.stdin.on('close', () => process.exit(0)).resume();
setTimeout(() => process.exit(0), 120000).unref();
`;

/** Starts the server; resolves with its port and a stop(). */
export async function startHttpServer() {
  const server = spawn(process.execPath, ['-e', SERVER_SOURCE], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [firstLine] = await once(server.stdout, 'data');
  return {
    port: Number(String(firstLine).trim()),
    stop() {
      server.stdin.end();
      server.kill();
    },
  };
}

/**
 * `concurrency` keep-alive clients asking /item/N as fast as they can while `more(requests, failures)` says so.
 * Resolves with { requests, failures, seconds }.
 */
export async function keepAliveLoad({ port, concurrency, more, headers = {} }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let requests = 0;
  let failures = 0;
  const one = () => new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: `/item/${requests}`, agent, headers }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', () => { failures++; resolve(); });
    req.end();
  });
  const client = async () => {
    while (more(requests, failures)) {
      requests++;
      await one();
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return { requests, failures, seconds };
}
