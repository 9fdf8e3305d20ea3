#!/usr/bin/env node
// Regenerates the display-filter oracles from tshark 4.0:
//   expected.json        for each case in cases.json: the frame numbers `tshark -r CAP -Y FILTER` keeps;
//   errors-expected.json for each filter in error-cases.json: tshark's error message, column and length.
// Run from anywhere: node test/filter/generate-expected.mjs
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const CHAT = '../shared/captures/workerman-chat-7272.pcap';

function tshark(capture, filter, extra = []) {
  const r = spawnSync('tshark', ['-r', resolve(repo, capture), '-Y', filter, ...extra], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' },
  });
  const stderr = r.stderr.split('\n').filter((l) => l && !l.startsWith('Running as user')).join('\n');
  return { status: r.status, stdout: r.stdout, stderr };
}

const version = spawnSync('tshark', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
if (!/TShark \(Wireshark\) 4\.0\./.test(version)) throw new Error(`expected tshark 4.0, found: ${version}`);

// Golden filters: the packets each one keeps.
const cases = JSON.parse(readFileSync(resolve(here, 'cases.json'), 'utf8'));
const expected = [];
for (const { capture, filters } of cases) {
  for (const filter of filters) {
    const r = tshark(capture, filter, ['-T', 'fields', '-e', 'frame.number']);
    if (r.status !== 0 || r.stderr) throw new Error(`tshark rejected ${JSON.stringify(filter)} on ${capture}: ${r.stderr}`);
    const frames = r.stdout.split('\n').filter(Boolean).map(Number);
    expected.push({ capture, filter, frames });
  }
}
writeFileSync(resolve(here, 'expected.json'), '[\n' + expected.map((e) => '  ' + JSON.stringify(e)).join(',\n') + '\n]\n');

// Invalid filters: tshark prints "tshark: MESSAGE", then the filter and a caret line, both indented by 4.
const errorCases = JSON.parse(readFileSync(resolve(here, 'error-cases.json'), 'utf8'));
const errors = [];
for (const { filter } of errorCases) {
  const r = tshark(CHAT, filter);
  if (r.status === 0) throw new Error(`tshark accepted ${JSON.stringify(filter)}`);
  const lines = r.stderr.split('\n');
  const message = lines[0].replace(/^tshark: /, '');
  const caret = lines.find((l, i) => i > 0 && /^ {4}[ ]*\^~*$/.test(l));
  const column = caret ? caret.indexOf('^') - 4 : null;
  const length = caret ? caret.trim().length : null;
  errors.push({ filter, message, column, length, lines: lines.slice(1) });
}
writeFileSync(resolve(here, 'errors-expected.json'), '[\n' + errors.map((e) => '  ' + JSON.stringify(e)).join(',\n') + '\n]\n');
console.log(`${expected.length} golden filters, ${errors.length} error filters (${version})`);
