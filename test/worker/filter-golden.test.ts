/**
 * The worker's display filter (packet store where it answers, else the packet
 * dissected again with a pruned tree) against tshark: every golden filter of
 * test/filter/expected.json, applied through the DecoderService in this
 * process, must display exactly the frames `tshark -Y` keeps; Find by filter
 * must land on them too; and a filter set before a file is indexed must
 * select the same packets as one applied after. The same filters again with
 * the filter helper taking part.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/dissect-file.js';
import { displayed, inProcessDecoder, settled, TMP, writeBigCapture } from './harness.js';

interface Row { capture: string; filter: string; frames: number[] }

const rows = JSON.parse(readFileSync(resolve(REPO, 'test/filter/expected.json'), 'utf8')) as Row[];
const byCapture = new Map<string, Row[]>();
for (const r of rows) {
  let list = byCapture.get(r.capture);
  if (!list) byCapture.set(r.capture, (list = []));
  list.push(r);
}

for (const [capture, list] of byCapture) {
  describe(`worker filter on ${capture.split('/').pop()}`, () => {
    const d = inProcessDecoder();
    let opened: Promise<unknown> | undefined;
    const open = async (): Promise<void> => {
      opened ??= d.open(join(REPO, capture), { follow: false }).then(() => settled(d));
      await opened;
    };
    afterAll(async () => {
      await d.terminate();
    });

    for (const row of list) {
      it(row.filter, async () => {
        await open();
        expect(await d.applyFilter(row.filter)).toEqual({ ok: true });
        expect(await displayed(d)).toEqual(row.frames);
      });
    }

    it('finds by filter the frames the filter keeps', async () => {
      await open();
      await d.applyFilter('');
      const total = (await settled(d)).displayed;
      for (const row of list.slice(0, 12)) {
        const found: number[] = [];
        let after = -1;
        // Bounded: one step per displayed packet at most.
        for (let k = 0; k < total; k++) {
          const hit = await d.find({ kind: 'filter', text: row.filter, after });
          if (!hit || hit.index <= after) break;
          found.push(hit.num);
          after = hit.index;
        }
        expect(found, row.filter).toEqual(row.frames);
      }
    });
  });
}

// The same filters with the filter helper answering the front of every list (a first pass of its own,
// filter-helper-pass.ts) and the worker the back: tshark's frames still.
for (const [capture, list] of byCapture) {
  describe(`worker filter with its helper on ${capture.split('/').pop()}`, () => {
    const d = inProcessDecoder({ helperMinCandidates: 1, helperMinShare: 0, helperHeadStart: true });
    const service = d.service!;
    let answered = 0;
    afterAll(async () => {
      await d.terminate();
    });

    it('keeps tshark\'s frames', async () => {
      await d.open(join(REPO, capture), { follow: false });
      await settled(d);
      for (const row of list) {
        expect(await d.applyFilter(row.filter)).toEqual({ ok: true });
        expect(await displayed(d), row.filter).toEqual(row.frames);
        expect(service.helperProblem, row.filter).toBeNull();
        answered += service.helperAnswered;
      }
      expect(answered).toBeGreaterThan(0);
    });
  });
}

describe('a filter set while the file is indexed', () => {
  const dir = join(TMP, 'filter-golden');
  const path = join(dir, 'big.pcapng');
  beforeAll(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeBigCapture(path, 60);
  });

  it('selects what it selects once the file is indexed', async () => {
    const filters = ['websocket', 'tcp.port == 7272 && frame.len > 100', 'websocket.opcode == 1', 'tcp.flags.syn == 1 || udp', 'ip.addr == 127.0.0.1', 'ip.src#1 == 127.0.0.1'];
    let during = 0;
    for (const filter of filters) {
      const d = inProcessDecoder();
      try {
        await d.open(path, { follow: false });
        // Applied before the first pass is done: packets indexed from now on are checked as they come.
        const c = await d.counts();
        if (c.packets < 60 * 37) during++;
        expect(await d.applyFilter(filter)).toEqual({ ok: true });
        const first = await displayed(d);
        expect(await d.applyFilter('')).toEqual({ ok: true });
        expect(await d.applyFilter(filter)).toEqual({ ok: true });
        expect(first, filter).toEqual(await displayed(d));
        expect(first.length, filter).toBeGreaterThan(0);
      } finally {
        await d.terminate();
      }
    }
    expect(during).toBeGreaterThan(0);
  });
});
