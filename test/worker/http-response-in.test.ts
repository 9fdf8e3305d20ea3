// http.response_in in the worker's details: tshark shows "[Response in frame: N]" in a request only on
// its second pass (-2), once the answer went by; the worker revisits every frame after indexing, so its
// details must show what tshark -2 shows (test/worker/expected/http-response-in.json, made by
// generate-response-in.mjs), and a filter on the field must keep those requests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/dissect-file.js';
import { inProcessDecoder, settled, type TestDecoder } from './harness.js';

const expected = JSON.parse(readFileSync(join(REPO, 'test/worker/expected/http-response-in.json'), 'utf8')) as {
  captures: Record<string, [string, string, string][]>;
};

/** The frame number an item of `field` names in its label ("[Response in frame: 11]"), '' when there is none. */
function framesOf(items: readonly { field: string; label: string }[], field: string): string {
  return items.filter((i) => i.field === field).map((i) => /(\d+)\]?$/.exec(i.label)?.[1] ?? '?').join(',');
}

for (const [path, rows] of Object.entries(expected.captures)) {
  describe(`http.response_in in the worker: ${path}`, () => {
    let d: TestDecoder;
    beforeAll(async () => {
      d = inProcessDecoder();
      await d.open(join(REPO, path), { follow: false });
      await settled(d, (c) => c.progress === 1 && c.busy === null);
    });
    afterAll(async () => d.terminate());

    it('each HTTP packet names its answer or request as tshark -2 does', async () => {
      for (const [num, responseIn, requestIn] of rows) {
        const detail = await d.detail(Number(num));
        const item = detail.items.find((i) => i.field === 'http.response_in');
        if (item) expect(item).toMatchObject({ generated: true, label: `[Response in frame: ${responseIn}]` });
        expect([num, framesOf(detail.items, 'http.response_in'), framesOf(detail.items, 'http.request_in')]).toEqual([num, responseIn, requestIn]);
      }
    });

    it('a filter on http.response_in keeps the requests that were answered', async () => {
      const answered = rows.filter((r) => r[1] !== '').map((r) => Number(r[0]));
      const r = await d.applyFilter('http.response_in');
      expect(r.ok).toBe(true);
      const shown = (await d.rows(0, 2000)).map((row) => row.num);
      expect(shown).toEqual(answered);
      await d.applyFilter('');
    });
  });
}
