#!/usr/bin/env node
// Writes test/capture/expected/: per corpus capture, what tshark 4.0 reads from it
// (one TSV row per frame, plus the SHA-256 of the frame's bytes) and, in index.json,
// tshark's exit status and error line; cuts/ holds the same for copies of a few
// captures cut short at many offsets (the cut files themselves are not kept: the
// test cuts the same bytes again).
// Run from the repository root: node test/capture/generate-expected.mjs
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const shared = join(root, '..', 'shared');
const outDir = join(root, 'test', 'capture', 'expected');

const FIELDS = [
  'frame.number', 'frame.time_epoch', 'frame.len', 'frame.cap_len', 'frame.interface_id',
  'frame.interface_name', 'frame.packet_flags', 'frame.comment',
];
// Between several comments of one frame; tshark prints this character as is.
const AGGREGATOR = '\x1f';
/** Column added after the tshark fields: SHA-256 (hex) of the frame's captured bytes. */
const DATA_HASH = 'paquet:data_sha256';

/** Captures copied cut short, at the offsets cutOffsets() gives. */
const CUT_SOURCES = [
  'captures/workerman-chat-7272.pcap',
  'corpus/pcap-format/arkime/bigendian.pcap',
  'corpus/pcap-format/pcapplusplus/nanosecs.pcap',
  'corpus/pcapng/output_le/difficult/test202.pcapng',
  'corpus/pcapng/output_be/advanced/test102.pcapng',
];
/** Every 7th byte of the first 700, then one every 997. */
function cutOffsets(size) {
  const out = [];
  for (let at = 0; at < Math.min(size, 700); at += 7) out.push(at);
  for (let at = 700; at < size; at += 997) out.push(at);
  return out;
}

const notCaptures = /\.(txt|md|out|tsv|json|yaml|rules|log|test|sh)$|LICENSE|TESTLIST|__out$/;

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

function corpusFiles() {
  const files = [join(shared, 'captures', 'workerman-chat-7272.pcap')];
  for (const d of ['pcapng', 'pcap-format', 'malformed', 'tcpdump', 'linktypes']) {
    files.push(...walk(join(shared, 'corpus', d)).filter((f) => !notCaptures.test(f)));
  }
  return files;
}

const slug = (rel) => rel.replace(/^\.\.\//, '').replace(/[^A-Za-z0-9._-]+/g, '_');

function tshark(args) {
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  return r;
}

/** The file type Wireshark's reader chose, as capinfos names it ('' when it could not open the file). */
function fileTypeOf(file) {
  const r = spawnSync('capinfos', ['-t', file], { encoding: 'utf8' });
  return /^File type:\s+(.*)$/m.exec(r.stdout)?.[1]?.trim() ?? '';
}

/** tshark's verdict on one file: TSV text (fields + data hash), exit status, error line, file type. */
function readWithTshark(file) {
  const r = tshark(['-r', file, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f]),
    '-E', 'separator=/t', '-E', 'occurrence=a', '-E', `aggregator=${AGGREGATOR}`]);
  const error = r.stderr.split('\n').filter((l) => l && !l.startsWith('Running as user')).join(' ').trim();
  // Frame bytes, in frame order, from the JSON output's frame_raw.
  const json = tshark(['-r', file, '-T', 'json', '-x', '-j', 'frame']).stdout;
  // One "_index" object per frame. A frame of 0 bytes has no frame_raw; for some damaged
  // frames tshark prints "field length invalid!" instead of the bytes: no hash then.
  const rows = r.stdout.split('\n').filter((l) => l !== '');
  const capLenColumn = FIELDS.indexOf('frame.cap_len');
  const hashes = json.split('"_index":').slice(1).map((frame, i) => {
    const raw = /"frame_raw": \[\s*"([^"]*)"/.exec(frame)?.[1] ?? (rows[i]?.split('\t')[capLenColumn] === '0' ? '' : undefined);
    return raw !== undefined && /^([0-9a-f]{2})*$/.test(raw) ? createHash('sha256').update(Buffer.from(raw, 'hex')).digest('hex') : '';
  });
  if (hashes.length !== rows.length) throw new Error(`${file}: ${rows.length} frames but ${hashes.length} frame_raw`);
  const tsv = rows.map((row, i) => `${row}\t${hashes[i]}\n`).join('');
  return { tsv, exit: r.status, error, frames: rows.length, fileType: fileTypeOf(file) };
}

function main() {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'cuts'), { recursive: true });
  const index = [];
  for (const file of corpusFiles()) {
    const rel = relative(root, file);
    const { tsv: text, ...verdict } = readWithTshark(file);
    const tsv = `${slug(rel)}.tsv`;
    writeFileSync(join(outDir, tsv), text);
    index.push({ file: rel, tsv, ...verdict });
  }
  writeFileSync(join(outDir, 'index.json'), JSON.stringify({ fields: [...FIELDS, DATA_HASH], files: index }, null, 1) + '\n');
  console.log(`${index.length} files, ${index.filter((e) => e.exit !== 0).length} refused or damaged`);

  const scratch = mkdtempSync(join(tmpdir(), 'paquet-cuts-'));
  const cuts = [];
  try {
    for (const source of CUT_SOURCES) {
      const bytes = readFileSync(join(shared, source));
      for (const at of cutOffsets(bytes.length)) {
        const path = join(scratch, 'cut');
        writeFileSync(path, bytes.subarray(0, at));
        const { tsv: text, ...verdict } = readWithTshark(path);
        const tsv = `cuts/${slug(source)}@${at}.tsv`;
        writeFileSync(join(outDir, tsv), text);
        cuts.push({ source, at, tsv, ...verdict, error: verdict.error.replace(path, 'FILE') });
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  writeFileSync(join(outDir, 'cuts', 'index.json'), JSON.stringify({ fields: [...FIELDS, DATA_HASH], cuts }, null, 1) + '\n');
  console.log(`${cuts.length} cut files`);
}

main();
