#!/usr/bin/env node
/**
 * A bounded HTTP keep-alive load on 127.0.0.1 for the live-capture benchmark:
 * a server (a child process of its own, so it gets a core when there is one)
 * answering 512-byte bodies, and CONCURRENCY keep-alive clients in this process
 * asking as fast as they can until SECONDS have passed or MAX requests were made.
 * With --wait it first prints { port } and waits for a line on stdin (so a
 * capture can be started on that port before the load). Then prints one JSON
 * line: { port, requests, failures, seconds }.
 *   node test/bench/live-http-load.mjs [SECONDS=5] [CONCURRENCY=16] [MAX=1000000] [--wait]
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

const [seconds = 5, concurrency = 16, max = 1_000_000] = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);

const server = spawn(process.execPath, ['-e', SERVER_SOURCE], { stdio: ['pipe', 'pipe', 'inherit'] });
const [firstLine] = await once(server.stdout, 'data');
const port = Number(String(firstLine).trim());
if (process.argv.includes('--wait')) {
  // The caller starts its capture on the port, then says go.
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  await once(process.stdin, 'data');
}

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const t0 = performance.now();
const deadline = t0 + Math.min(seconds, 60) * 1000;
let requests = 0;
let failures = 0;
const one = () =>
  new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: `/item/${requests}`, agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', () => {
      failures++;
      resolve();
    });
    req.end();
  });
async function client() {
  while (performance.now() < deadline && requests < max) {
    requests++;
    await one();
  }
}
await Promise.all(Array.from({ length: concurrency }, client));
const elapsed = (performance.now() - t0) / 1000;
agent.destroy();
server.stdin.end();
server.kill();
process.stdout.write(`${JSON.stringify({ port, requests, failures, seconds: elapsed })}\n`);
