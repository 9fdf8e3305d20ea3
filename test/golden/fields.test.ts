/**
 * Golden comparison with tshark: every cell of `tshark -T fields` (expected/, made by
 * generate.mjs) against Paquet's dissection of the same capture. Reviewed exceptions
 * live in known-differences.json, each with its reason; anything else fails, and so
 * does an exception whose cells have come to agree (it would hide a later regression).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Dissected } from '../../shared/dissect/engine.js';
import { dissectFile, fieldOccurrences } from '../support/dissect-file.js';

interface GoldenCase { capture: string; fields: string[]; columns?: boolean; decodeAs?: string[] }
interface KnownDifference { capture: string; field: string; frames?: number[]; why: string }

const here = import.meta.dirname;
const known: KnownDifference[] = JSON.parse(readFileSync(join(here, 'known-differences.json'), 'utf8'));

function slug(path: string): string {
  return path.replace(/^(\.\.\/)+/, '').replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** What Paquet puts in a cell: every occurrence in tree order, joined like `-E occurrence=a`. */
function cell(p: Dissected, field: string): string {
  switch (field) {
    case '_ws.col.Protocol': return p.protocol;
    case '_ws.col.Info': return p.info;
    case '_ws.col.Source': return p.src;
    case '_ws.col.Destination': return p.dst;
  }
  return fieldOccurrences(p, field);
}

function isKnown(capture: string, field: string, frame: number): boolean {
  return known.some((k) => k.capture === capture && k.field === field && (!k.frames || k.frames.includes(frame)));
}

const areas = readdirSync(join(here, 'cases')).filter((f) => f.endsWith('.json')).sort();

for (const file of areas) {
  const area = basename(file, '.json');
  const cases: GoldenCase[] = JSON.parse(readFileSync(join(here, 'cases', file), 'utf8'));
  describe(`golden ${area}`, () => {
    for (const c of cases) {
      const expectedPath = join(here, 'expected', area, slug(c.capture) + '.tsv');
      it(`${c.capture} matches tshark`, () => {
        expect(existsSync(expectedPath), `${expectedPath} missing: run node test/golden/generate.mjs ${area}`).toBe(true);
        const lines = readFileSync(expectedPath, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
        const header = lines[0]!.split('\t');
        const rows = lines.slice(1).map((l) => l.split('\t'));
        const { packets } = dissectFile(c.capture);
        expect(packets.length, 'packet count').toBe(rows.length);
        const diffs: string[] = [];
        /** Known differences (field and frame) met in this capture. */
        const met = new Set<string>();
        let cells = 0;
        let equal = 0;
        rows.forEach((row, i) => {
          const p = packets[i]!;
          header.forEach((field, j) => {
            cells++;
            const want = row[j] ?? '';
            const got = cell(p, field);
            if (got === want) equal++;
            else if (isKnown(c.capture, field, p.num)) met.add(`${field} ${p.num}`);
            else diffs.push(`frame ${p.num} ${field}: paquet ${JSON.stringify(got)} tshark ${JSON.stringify(want)}`);
          });
        });
        console.log(`golden ${area} ${c.capture}: ${equal}/${cells} cells equal`);
        for (const d of diffs.slice(0, 40)) console.log(`  differs: ${d}`);
        expect(diffs.slice(0, 15), `${diffs.length} differences`).toEqual([]);
        const stale = known
          .filter((k) => k.capture === c.capture && header.includes(k.field))
          .flatMap((k) => (k.frames ?? [undefined]).map((f) => ({ field: k.field, frame: f })))
          .filter(({ field, frame }) => (frame === undefined ? ![...met].some((m) => m.startsWith(field + ' ')) : !met.has(`${field} ${frame}`)))
          .map(({ field, frame }) => `${field}${frame === undefined ? '' : ` frame ${frame}`}`);
        expect(stale, 'known differences that no longer differ: remove them from known-differences.json').toEqual([]);
      });
    }
  });
}
