// http.response_in and the other frames an HTTP packet names, in the worker's details: tshark shows
// "[Response in frame: N]" in a request, the next request and response, and "[HTTP request n/total]"
// only on its second pass (-2), once they went by; the worker revisits every frame after indexing, so
// its details must show what tshark -2 shows (test/worker/expected/http-response-in.json, made by
// generate-response-in.mjs), and a filter on the field must keep those requests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/dissect-file.js';
import { inProcessDecoder, settled, type TestDecoder } from './harness.js';

/** Per HTTP packet: its number, FRAME_FIELDS' frames, its TCP stream, its request number and its response number. */
type Row = [string, string, string, string, string, string, string, string, string, string];
const expected = JSON.parse(readFileSync(join(REPO, 'test/worker/expected/http-response-in.json'), 'utf8')) as {
  captures: Record<string, Row[]>;
};
const FRAME_FIELDS = ['http.response_in', 'http.request_in', 'http.prev_request_in', 'http.prev_response_in', 'http.next_request_in', 'http.next_response_in'];

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

    it('each HTTP packet names its answer or request, and the exchanges around it, as tshark -2 does', async () => {
      for (const row of rows) {
        const num = row[0];
        const detail = await d.detail(Number(num));
        const item = detail.items.find((i) => i.field === 'http.response_in');
        if (item) expect(item).toMatchObject({ generated: true, label: `[Response in frame: ${row[1]}]` });
        expect([num, ...FRAME_FIELDS.map((f) => framesOf(detail.items, f))]).toEqual(row.slice(0, 1 + FRAME_FIELDS.length));
      }
    });

    it('numbers each request and response out of the stream\'s total, as tshark -2 does', async () => {
      const [stream, request, response] = [7, 8, 9];
      const total = (column: number, s: string): number => Math.max(...rows.filter((r) => r[stream] === s).map((r) => Number(r[column]) || 0));
      for (const row of rows) {
        const labels = (await d.detail(Number(row[0]))).items.map((i) => i.label);
        if (row[request]) expect(labels).toContain(`[HTTP request ${row[request]}/${total(request, row[stream])}]`);
        if (row[response]) expect(labels).toContain(`[HTTP response ${row[response]}/${total(response, row[stream])}]`);
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
