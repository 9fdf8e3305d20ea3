#!/usr/bin/env node
// Runs tcpdump (Debian 12's 4.99) on every case of cases.json and writes expected/NAME.txt,
// so the tests compare Paquet's tcpdump view with tcpdump's own output without needing tcpdump.
// For the WebSocket mode it asks tshark 4.0 for each packet's WebSocket frames (expected/ws-NAME.json).
// Usage: node test/tcpdump/generate-expected.mjs   (from the repo root or anywhere)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const { cases, websocket } = JSON.parse(readFileSync(resolve(here, 'cases.json'), 'utf8'));
const version = execFileSync('tcpdump', ['--version'], { encoding: 'utf8' }).split('\n')[0];
if (!version.includes('4.99')) throw new Error(`expected tcpdump 4.99, found: ${version}`);

mkdirSync(resolve(here, 'expected'), { recursive: true });
for (const c of cases) {
  const out = execFileSync('tcpdump', ['-r', resolve(repo, c.capture), ...c.flags], {
    env: { ...process.env, TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 << 20,
  });
  writeFileSync(resolve(here, 'expected', `${c.name}.txt`), out);
  console.log(`${c.name}: ${out.toString('latin1').split('\n').length - 1} lines`);
}
writeFileSync(resolve(here, 'expected', 'VERSION'), version + '\n');

/** One WebSocket frame as tshark's JSON tree gives it (fields under websocket.payload). */
function frameOf(ws) {
  const payload = ws['websocket.payload'] ?? {};
  const close = payload['websocket.payload.close'] ?? {};
  const f = { opcode: Number(ws['websocket.opcode']), fin: ws['websocket.fin'] === '1', mask: ws['websocket.mask'] === '1' };
  if (payload['websocket.payload.text'] !== undefined) f.text = payload['websocket.payload.text'];
  if (close['websocket.payload.close.status_code'] !== undefined) f.closeCode = Number(close['websocket.payload.close.status_code']);
  if (close['websocket.payload.close.reason'] !== undefined) f.closeReason = close['websocket.payload.close.reason'];
  for (const k of ['ping', 'pong']) {
    if (payload[`websocket.payload.${k}`] !== undefined) f[k] = payload[`websocket.payload.${k}`].replaceAll(':', '');
  }
  return f;
}

for (const w of websocket) {
  const json = execFileSync('tshark', ['-r', resolve(repo, w.capture), '-d', `tcp.port==${w.port},http`, '-T', 'json',
    '-J', 'frame websocket', '--no-duplicate-keys', '-Y', 'websocket'], { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  const packets = JSON.parse(json).map((p) => {
    const layers = p._source.layers;
    const frameLayer = Array.isArray(layers.frame) ? layers.frame[0] : layers.frame;
    const ws = Array.isArray(layers.websocket) ? layers.websocket : [layers.websocket];
    return { frame: Number(frameLayer['frame.number']), frames: ws.map(frameOf) };
  });
  writeFileSync(resolve(here, 'expected', `ws-${w.name}.json`), JSON.stringify(packets, null, 1) + '\n');
  console.log(`ws-${w.name}: ${packets.length} packets with WebSocket frames`);
}
