#!/usr/bin/env node
// Burst benchmark (not a test): COUNT UDP datagrams sent on loopback as fast as a small C
// sender manages, captured once by paquet-dumpcap and once by tcpdump (one after the other,
// same filter, same snaplen); prints what each wrote and what the kernel dropped.
// Needs root, cc, tcpdump and a built paquet-dumpcap (node main/capture/build.mjs).
//   node main/capture/bench-burst.mjs [COUNT=200000] [SIZE=64] [RUNS=3] [-- extra paquet-dumpcap args, e.g. -B 8]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildUdpBlast, freePort, sendBurstSync } from '../../test/bench/live-udp-blast.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const dashes = process.argv.indexOf('--');
const positional = process.argv.slice(2, dashes < 0 ? undefined : dashes);
const extra = dashes < 0 ? [] : process.argv.slice(dashes + 1);
const COUNT = Number(positional[0] ?? 200_000);
const SIZE = Number(positional[1] ?? 64);
const RUNS = Number(positional[2] ?? 3);
const program = process.env.PAQUET_DUMPCAP ?? join(repo, 'dist', 'capture', 'paquet-dumpcap');

if (process.getuid?.() !== 0) {
  console.error('bench-burst: run as root (capture needs it)');
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'paquet-bench-'));
const blast = buildUdpBlast(work);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const send = (port) => sendBurstSync(blast, port, COUNT, SIZE);

async function runPaquet(port, file) {
  const child = spawn(program, ['-i', 'lo', '-w', file, '-f', `udp dst port ${port}`, ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  const events = [];
  let ready;
  const started = new Promise((r) => (ready = r));
  createInterface({ input: child.stdout }).on('line', (l) => {
    const e = JSON.parse(l);
    events.push(e);
    if (e.event === 'started' || e.event === 'error') ready();
  });
  const exited = new Promise((r) => child.on('exit', r));
  await started;
  const s = send(port);
  await sleep(1500);
  child.kill('SIGTERM');
  await exited;
  const stop = events.find((e) => e.event === 'stopped');
  return { ...s, written: stop?.packets, dropped: stop?.ps_drop, received: stop?.ps_recv };
}

async function runTcpdump(port, file) {
  const child = spawn('tcpdump', ['-i', 'lo', '-w', file, '-s', '262144', `udp dst port ${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  let ready;
  const started = new Promise((r) => (ready = r));
  child.stderr.setEncoding('utf8').on('data', (d) => {
    err += d;
    if (err.includes('listening on')) ready();
  });
  const exited = new Promise((r) => child.on('exit', r));
  await started;
  const s = send(port);
  await sleep(1500);
  child.kill('SIGINT');
  await exited;
  const n = (what) => Number(new RegExp(`(\\d+) packets? ${what}`).exec(err)?.[1]);
  return { ...s, written: n('captured'), dropped: n('dropped by kernel'), received: n('received by filter') };
}

console.log(`burst: ${COUNT} UDP datagrams of ${SIZE} bytes on lo, ${RUNS} runs each${extra.length ? `, paquet-dumpcap ${extra.join(' ')}` : ''}`);
console.log('tool            sent/s   written   dropped   lost-unreported');
try {
  for (let i = 0; i < RUNS; i++) {
    for (const [name, fn] of [['paquet-dumpcap', runPaquet], ['tcpdump', runTcpdump]]) {
      const port = await freePort();
      const r = await fn(port, join(work, `${name}-${i}.cap`));
      const rate = Math.round(r.sent / r.seconds);
      const unreported = r.sent - r.written - r.dropped;
      console.log(`${name.padEnd(14)} ${String(rate).padStart(8)} ${String(r.written).padStart(9)} ${String(r.dropped).padStart(9)} ${String(Math.max(0, unreported)).padStart(9)}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
