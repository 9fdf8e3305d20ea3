/**
 * The app dissects every packet once in order (indexing), then any single packet
 * again when the user clicks it. Both must give the same columns and tree, but
 * for the items pointing at later frames that only the revisit knows.
 * Checked on every capture the golden tables use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Dissected } from '../../shared/dissect/engine.js';
import type { TreeNode } from '../../shared/dissect/tree.js';
import { fieldText } from '../../shared/format/field-text.js';
import { dissectFile, REPO } from '../support/dissect-file.js';

/** Items only a revisit can add: they point at later frames (tshark shows them with -2 only). */
const LATER_FRAMES = new Set(['http.response_in', 'http.next_request_in', 'http.next_response_in']);
/** Items whose label a revisit completes: `HTTP request 2/5` once the stream's count is known (2/2 on the first pass). */
const LATER_TOTALS = new Set(['http.request_number', 'http.response_number']);

function render(nodes: readonly TreeNode[] | null, depth = 0, out: string[] = []): string[] {
  for (const n of nodes ?? []) {
    if (LATER_FRAMES.has(n.def.abbrev)) continue;
    const text = LATER_TOTALS.has(n.def.abbrev) ? n.text?.replace(/\/\d+$/, '/total') : n.text;
    out.push(`${' '.repeat(depth)}${n.def.abbrev}@${n.source}:${n.offset}+${n.length}=${fieldText(n)}|${text ?? ''}${n.suffix ?? ''}`);
    render(n.children, depth + 1, out);
  }
  return out;
}

function summary(d: Dissected): string {
  return [d.src, d.dst, d.protocol, d.info, d.protocols].join(' | ');
}

const captures = new Set<string>();
for (const f of readdirSync(join(REPO, 'test/golden/cases')).filter((n) => n.endsWith('.json'))) {
  for (const c of JSON.parse(readFileSync(join(REPO, 'test/golden/cases', f), 'utf8')) as { capture: string }[]) captures.add(c.capture);
}

describe('a revisited packet is dissected as on the first pass', () => {
  for (const capture of [...captures].sort()) {
    it(capture, () => {
      const { dissection, packets, frames } = dissectFile(capture);
      // Revisit in reverse, so no frame benefits from its predecessor having just been dissected.
      for (let i = frames.length - 1; i >= 0; i--) {
        const again = dissection.dissect(frames[i]!, true);
        const first = packets[i]!;
        expect(summary(again), `frame ${i + 1} columns`).toBe(summary(first));
        expect(render(again.tree), `frame ${i + 1} tree`).toEqual(render(first.tree));
      }
    });
  }
});

it('the summary path gives the same columns as the tree path', () => {
  for (const capture of [...captures].sort()) {
    const withTree = dissectFile(capture, true).packets.map(summary);
    const fast = dissectFile(capture, false).packets.map(summary);
    expect(fast, capture).toEqual(withTree);
  }
});
