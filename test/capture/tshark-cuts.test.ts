// Captures cut short at many offsets (re-cut here from the same files), against what
// tshark 4.0 read from the same cuts (expected/cuts/, written by generate-expected.mjs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { expectedDir, repoRoot } from './corpus-files.js';
import { expectLikeTshark, type TsharkVerdict } from './tshark-compare.js';

interface Cut extends TsharkVerdict { source: string; at: number; tsv: string }
const cutIndex = JSON.parse(readFileSync(join(expectedDir, 'cuts', 'index.json'), 'utf8')) as { fields: string[]; cuts: Cut[] };

const sources = new Map<string, Uint8Array>();
const source = (rel: string) => {
  let b = sources.get(rel);
  if (!b) sources.set(rel, (b = new Uint8Array(readFileSync(join(repoRoot, '..', 'shared', rel)))));
  return b;
};

describe('cut captures read like tshark reads them', () => {
  for (const c of cutIndex.cuts) {
    it(`${c.source} cut at ${c.at}`, () => {
      const tsv = readFileSync(join(expectedDir, c.tsv), 'utf8');
      expectLikeTshark(source(c.source).subarray(0, c.at), cutIndex.fields, tsv, c);
    });
  }
});
