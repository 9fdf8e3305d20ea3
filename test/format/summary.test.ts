/**
 * The summary line's layout against tshark: tshark's own column values
 * (from -T fields -e _ws.col.*) laid out by formatSummary must give tshark's
 * line byte for byte, on captures with IPv4, IPv6 and MAC addresses, long
 * Info, 6- and 9-digit times and out-of-order timestamps.
 */
import { describe, expect, it } from 'vitest';
import type { Dissected } from '../../shared/dissect/engine.js';
import {
  TIME_FORMATS, digitsForResolution, formatSummary, relativeTimeColumn, summaryColumns, timeColumn,
} from '../../shared/format/summary.js';
import { CAPTURES, expected, fakeDissected, lines, records, tsharkColumns } from './support.js';

describe('summary line layout', () => {
  for (const c of CAPTURES) {
    it(`lays out tshark's columns as tshark does: ${c.slug}`, () => {
      const want = lines(expected(c.slug, 'summary.txt'));
      const got = tsharkColumns(c.slug).map(formatSummary);
      expect(got).toEqual(want);
    });
  }

  it('covers addresses wider than the 12-character minimum and narrower ones', () => {
    const widths = CAPTURES.flatMap((c) => tsharkColumns(c.slug)).map((col) => col.source.length);
    expect(Math.max(...widths)).toBeGreaterThan(12);
    expect(Math.min(...widths)).toBeLessThan(12);
  });
});

describe('Time column', () => {
  for (const c of CAPTURES) {
    it(`matches tshark's relative times: ${c.slug}`, () => {
      const recs = records(c.path);
      const digits = c.slug === 'nanosecs' ? digitsForResolution(9) : digitsForResolution(6);
      const first = recs[0];
      const got = recs.map((r) => {
        let sec = r.tsSec - first!.tsSec;
        let nsec = r.tsNsec - first!.tsNsec;
        if (nsec < 0) { sec -= 1; nsec += 1e9; }
        return relativeTimeColumn(sec, nsec, digits);
      });
      expect(got).toEqual(tsharkColumns(c.slug).map((col) => col.time));
    });
  }

  it('maps timestamp resolutions to Wireshark precisions', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 9].map((e) => digitsForResolution(e))).toEqual([0, 1, 2, 3, 6, 6, 6, 9, 9]);
    // 2^-20 ticks are finer than microseconds
    expect(digitsForResolution(20, true)).toBe(9);
  });
});

describe('column length limits', () => {
  it("cuts Info to the 4095 bytes tshark keeps", () => {
    const info = tsharkColumns('long-info')[0]!.info;
    expect(Buffer.byteLength(info)).toBe(4095);
    const d = fakeDissected(null, 1, 0);
    const longer = { ...d, info: info + '10.0.1.70 A 10.0.1.71', src: '10.0.0.1', ctx: { frame: { origLen: 1 } } } as unknown as Dissected;
    expect(summaryColumns(longer).info).toBe(info);
  });
});

describe('-t time formats', () => {
  const diff = (aSec: number, aNsec: number, bSec: number, bNsec: number): [number, number] =>
    aNsec >= bNsec ? [aSec - bSec, aNsec - bNsec] : [aSec - bSec - 1, aNsec - bNsec + 1e9];

  for (const c of CAPTURES) {
    it(`formats every -t as tshark does: ${c.slug}`, () => {
      const recs = records(c.path);
      const digits = c.slug === 'nanosecs' ? 9 : 6;
      for (const format of TIME_FORMATS) {
        const got = recs.map((r, i) => {
          const first = recs[0]!;
          const prev = recs[i - 1] ?? r;
          const [relSec, relNsec] = diff(r.tsSec, r.tsNsec, first.tsSec, first.tsNsec);
          const [deltaSec, deltaNsec] = diff(r.tsSec, r.tsNsec, prev.tsSec, prev.tsNsec);
          return timeColumn(format, { absSec: r.tsSec, absNsec: r.tsNsec, relSec, relNsec, deltaSec, deltaNsec }, digits);
        });
        expect([format, ...got]).toEqual([format, ...lines(expected(c.slug, `times/${format}.txt`))]);
      }
    });
  }
});
