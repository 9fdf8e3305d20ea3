/**
 * The fuzzer's starting inputs: every capture under ../shared (the tutorial's
 * chat, the public corpus with tcpdump's crash cases) and the regressions
 * committed here, the filter tables of the filter tests, and deflate streams
 * of the kind permessage-deflate carries.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'fflate';
import { readCapture } from '../../dist/shared/capture/index.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = join(here, '..', '..');
export const SHARED = join(REPO, '..', 'shared');
export const REGRESSIONS = join(here, 'regressions');

const CAPTURE = /\.(pcap|pcapng|cap|ntar)(\.gz)?$/i;
const MAX_SEED_BYTES = 2 * 1024 * 1024;

function filesUnder(dir, out = []) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) filesUnder(p, out);
    else if (CAPTURE.test(name) && st.size <= MAX_SEED_BYTES) out.push(p);
  }
  return out;
}

export function captureSeedPaths() {
  return [...filesUnder(join(SHARED, 'captures')), ...filesUnder(join(SHARED, 'corpus')), ...filesUnder(REGRESSIONS)];
}

/** Whole files, as bytes. */
export function fileSeeds() {
  return captureSeedPaths().map((path) => ({ path, bytes: new Uint8Array(readFileSync(path)) }));
}

/** Runs of up to 12 consecutive packets per file, with the file's interfaces (the packet fuzzer mutates one of them). */
export function packetSeeds() {
  const seeds = [];
  for (const { path, bytes } of fileSeeds()) {
    let file;
    try {
      file = readCapture(bytes);
    } catch {
      continue;
    }
    const records = [...file.records()];
    for (let at = 0; at < records.length && at < 240; at += 12) {
      seeds.push({ path, interfaces: file.interfaces, records: records.slice(at, at + 12) });
    }
  }
  return seeds;
}

export function filterSeeds() {
  const cases = JSON.parse(readFileSync(join(REPO, 'test', 'filter', 'cases.json'), 'utf8'));
  const errors = JSON.parse(readFileSync(join(REPO, 'test', 'filter', 'error-cases.json'), 'utf8'));
  const texts = cases.flatMap((c) => c.filters);
  for (const e of Array.isArray(errors) ? errors : Object.values(errors)) {
    if (typeof e === 'string') texts.push(e);
    else if (e && typeof e.filter === 'string') texts.push(e.filter);
  }
  return texts;
}

export function inflateSeeds() {
  const enc = new TextEncoder();
  const texts = ['{"type":"say","to_client_id":"all","content":"hi, all !"}', 'a'.repeat(5000), 'Hello', ''];
  const seeds = texts.map((t) => deflateSync(enc.encode(t)).subarray(0, -4));
  // A small bomb: a megabyte of zeros is a few hundred bytes deflated.
  seeds.push(deflateSync(new Uint8Array(1 << 20)));
  return seeds;
}
