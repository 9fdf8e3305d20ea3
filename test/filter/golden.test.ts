/**
 * Display filters on real captures: Paquet must keep exactly the packets
 * tshark 4.0 keeps (expected.json, made by generate-expected.mjs from
 * cases.json). Depends on the dissectors providing the fields each filter names.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Dissected } from '../../shared/dissect/engine.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import { compileFilter } from '../../shared/filter/index.js';
import { dissectFile } from '../support/dissect-file.js';

interface Row { capture: string; filter: string; frames: number[] }

const rows = JSON.parse(readFileSync(resolve(import.meta.dirname, 'expected.json'), 'utf8')) as Row[];
const byCapture = new Map<string, Row[]>();
for (const r of rows) {
  let list = byCapture.get(r.capture);
  if (!list) byCapture.set(r.capture, (list = []));
  list.push(r);
}

for (const [capture, list] of byCapture) {
  describe(capture, () => {
    let packets: Dissected[] | undefined;
    const load = (): Dissected[] => (packets ??= dissectFile(capture, true).packets);
    for (const row of list) {
      it(row.filter, () => {
        const r = compileFilter(row.filter, defaultRegistry());
        if (!r.ok) throw new Error(`${r.error.message} (column ${r.error.column})`);
        const kept = load().filter((p) => r.filter.matches(p)).map((p) => p.num);
        expect(kept).toEqual(row.frames);
      });
    }
  });
}
