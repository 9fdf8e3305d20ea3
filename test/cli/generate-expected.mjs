#!/usr/bin/env node
// Regenerates test/cli/expected/ from tshark 4.0: what `paquet read` must print.
// Run from anywhere: `node test/cli/generate-expected.mjs`. Needs tshark on PATH.
// Every tshark run uses TZ=UTC (as vitest does) and the repository root as cwd,
// so relative paths in messages match the ones the tests pass to paquet.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAPTURES, CHAT, ERROR_CASES, FILTERS, TIME_FORMATS, LABEL_FIELDS, LABEL_FRAME, FIELD_SETS, OPTION_VARIANTS, RAW_AGGREGATOR, RAW_SEPARATOR, COLUMN_FIELDS, makeFixtures } from './cases.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const outDir = join(here, 'expected');
const env = { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' };

function tshark(args) {
  const r = spawnSync('tshark', args, { cwd: repo, env, maxBuffer: 1 << 30 });
  const stderr = r.stderr.toString('utf8').split('\n').filter((l) => !l.startsWith('Running as user')).join('\n');
  return { stdout: r.stdout, stderr, status: r.status };
}

function ok(args) {
  const r = tshark(args);
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const version = execFileSync('tshark', ['--version'], { env }).toString().split('\n')[0];
if (!/^TShark \(Wireshark\) 4\.0\./.test(version)) throw new Error(`expected tshark 4.0, found: ${version}`);

rmSync(outDir, { recursive: true, force: true });
makeFixtures(repo);

for (const c of CAPTURES) {
  const dir = join(outDir, c.slug);
  mkdirSync(dir, { recursive: true });
  const r = ['-r', c.path];
  writeFileSync(join(dir, 'summary.txt'), ok(['-n', ...r]));
  writeFileSync(join(dir, 'details.txt'), ok(['-n', ...r, '-V']));
  writeFileSync(join(dir, 'hex.txt'), ok([...r, '-x']));
  writeFileSync(join(dir, 'hex-delimit.txt'), ok([...r, '-x', '--hexdump', 'delimit']));
  writeFileSync(join(dir, 'hex-noascii.txt'), ok([...r, '--hexdump', 'noascii']));
  writeFileSync(join(dir, 'hex-frames.txt'), ok([...r, '-x', '--hexdump', 'frames']));
  writeFileSync(join(dir, 'details-hex.txt'), ok(['-n', ...r, '-P', '-V', '-x']));
  writeFileSync(join(dir, 'json.json'), ok(['-n', ...r, '-T', 'json']));
  writeFileSync(join(dir, 'columns.tsv'), ok(['-n', ...r, '-T', 'fields', '-E', `separator=${RAW_SEPARATOR}`, ...COLUMN_FIELDS.flatMap((f) => ['-e', f])]));
  const fields = FIELD_SETS[c.fieldSet];
  writeFileSync(join(dir, 'fields.tsv'), ok(['-n', ...r, '-T', 'fields', '-E', 'header=y', ...fields.flatMap((f) => ['-e', f])]));
  writeFileSync(join(dir, 'fields-json.json'), ok(['-n', ...r, '-T', 'json', ...fields.flatMap((f) => ['-e', f])]));
  // Every occurrence of each field, cells and occurrences split by bytes that never occur in values:
  // the tests rebuild trees from this to check -E options without needing the dissectors.
  writeFileSync(join(dir, 'fields-raw.txt'), ok(['-n', ...r, '-T', 'fields', '-E', 'occurrence=a', '-E', `aggregator=${RAW_AGGREGATOR}`, '-E', `separator=${RAW_SEPARATOR}`, ...fields.flatMap((f) => ['-e', f])]));
  writeFileSync(join(dir, 'summary-ad.txt'), ok(['-n', ...r, '-t', 'ad']));
  writeFileSync(join(dir, 'filtered.txt'), ok(['-n', ...r, '-Y', FILTERS[c.fieldSet], '-t', 'dd']));
  mkdirSync(join(dir, 'times'), { recursive: true });
  for (const t of TIME_FORMATS) {
    writeFileSync(join(dir, 'times', `${t}.txt`), ok([...r, '-t', t, '-T', 'fields', '-e', '_ws.col.Time']));
  }
  mkdirSync(join(dir, 'options'), { recursive: true });
  for (const v of OPTION_VARIANTS) {
    writeFileSync(join(dir, 'options', `${v.slug}.txt`), ok(['-n', ...r, '-T', 'fields', ...v.options.flatMap((o) => ['-E', o]), ...fields.flatMap((f) => ['-e', f])]));
  }
}

// Tree labels of single fields, from PDML (showname is the tree line, show the value).
const pdml = ok(['-n', '-r', CHAT, '-T', 'pdml', '-Y', `frame.number==${LABEL_FRAME}`]).toString('utf8');
const unxml = (s) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const labels = {};
for (const name of LABEL_FIELDS) {
  const m = new RegExp(`<field name="${name.replace(/\./g, '\\.')}" showname="([^"]*)"[^>]* show="([^"]*)"`).exec(pdml);
  if (!m) throw new Error(`no ${name} in frame ${LABEL_FRAME}`);
  labels[name] = { showname: unxml(m[1]), show: unxml(m[2]) };
}
// A zero-length bytes field (an empty GREASE extension).
const tls = ok(['-n', '-r', '../shared/corpus/tls/arkime/tls-split-client-hello.pcap', '-T', 'pdml']).toString('utf8');
const empty = /<field name="tls\.handshake\.extension\.data" showname="([^"]*)" size="0"[^>]* show=""/.exec(tls);
if (!empty) throw new Error('no empty tls.handshake.extension.data');
labels['tls.handshake.extension.data'] = { showname: unxml(empty[1]), show: '' };
writeFileSync(join(outDir, 'labels.json'), JSON.stringify(labels, null, 1) + '\n');

const errors = ERROR_CASES.map((e) => {
  const res = tshark(e.args);
  // The message only: tshark follows some with its whole usage text, after a blank line.
  const message = res.stderr.split('\n\n')[0].replace(/\n?$/, '\n');
  return { name: e.name, args: e.args, status: res.status, stderr: res.stderr === '' ? '' : message, stdout: res.stdout.toString('utf8') };
});
writeFileSync(join(outDir, 'errors.json'), JSON.stringify(errors, null, 1) + '\n');
writeFileSync(join(outDir, 'README.md'), `Generated by test/cli/generate-expected.mjs with ${version}; do not edit.\n`);
console.log(`wrote ${CAPTURES.length} captures and ${errors.length} error cases to ${outDir}`);
