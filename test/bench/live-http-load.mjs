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
import { once } from 'node:events';
import { keepAliveLoad, startHttpServer } from './http-load.mjs';

const [seconds = 5, concurrency = 16, max = 1_000_000] = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);

const server = await startHttpServer();
const { port } = server;
if (process.argv.includes('--wait')) {
  // The caller starts its capture on the port, then says go.
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  await once(process.stdin, 'data');
}

const deadline = performance.now() + Math.min(seconds, 60) * 1000;
const load = await keepAliveLoad({ port, concurrency, more: (requests) => performance.now() < deadline && requests < max });
server.stop();
process.stdout.write(`${JSON.stringify({ port, ...load })}\n`);
