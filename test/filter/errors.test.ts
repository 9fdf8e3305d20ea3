/**
 * Invalid filters: the message and the column must be tshark 4.0's
 * (errors-expected.json, made by generate-expected.mjs), except where
 * error-cases.json records a reviewed difference with its reason.
 * "Unexpected end of filter expression." has no column in tshark; Paquet
 * points at the end of the text.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caretLines, compileFilter } from '../../shared/filter/index.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import type { Registry } from '../../shared/dissect/registry.js';
import { testRegistry } from './support.js';

interface Expected { message: string; column: number | null; length: number | null; lines?: string[] }
interface Case { filter: string; paquet?: Expected; why?: string }

const here = import.meta.dirname;
const cases = JSON.parse(readFileSync(resolve(here, 'error-cases.json'), 'utf8')) as Case[];
const fromTshark = new Map(
  (JSON.parse(readFileSync(resolve(here, 'errors-expected.json'), 'utf8')) as (Expected & { filter: string })[]).map((e) => [e.filter, e]),
);
const registry = testRegistry();

function errorTable(registry: Registry): void {
  for (const c of cases) {
    it(c.filter, () => {
      const tshark = fromTshark.get(c.filter);
      expect(tshark, 'errors-expected.json is stale: run node test/filter/generate-expected.mjs').toBeDefined();
      const want = c.paquet ?? tshark!;
      const r = compileFilter(c.filter, registry);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.message).toBe(want.message);
      if (want.column === null) {
        expect([r.error.column, r.error.length]).toEqual([c.filter.length, 0]);
      } else {
        expect([r.error.column, r.error.length]).toEqual([want.column, want.length]);
      }
      // What the CLI prints under the message: tshark's own two lines.
      if (!c.paquet) expect(caretLines(c.filter, r.error)).toEqual(tshark!.lines);
    });
  }
}

describe('invalid filters report what tshark reports, where it reports it (hand-built registry)', () => {
  errorTable(registry);
});

// The same table against the fields the dissectors declare: their names and types must be Wireshark's.
describe('invalid filters, with the dissectors\' registry', () => {
  errorTable(defaultRegistry());
});

describe('unknown names come with the nearest known field', () => {
  const cases: [string, string][] = [
    ['tcp.prot == 80', 'tcp.port'],
    ['tcp.srcprot', 'tcp.srcport'],
    ['ip.sr == 1.2.3.4', 'ip.src'],
    ['http.request.methd == "GET"', 'http.request.method'],
    ['websocket.opcod', 'websocket.opcode'],
    ['ip.adr', 'ip.addr'],
    ['ipp', 'ip'],
    ['websoket', 'websocket'],
    ['frame.len-8 == 72', 'frame.len'],
  ];
  for (const [filter, suggestion] of cases) {
    it(filter, () => {
      const r = compileFilter(filter, registry);
      expect(!r.ok && r.error.suggestion).toBe(suggestion);
    });
  }
  it('suggests nothing for numbers', () => {
    const r = compileFilter('-5', registry);
    expect(!r.ok && r.error.suggestion).toBeUndefined();
  });
  it('suggests nothing for a name far from every field', () => {
    const r = compileFilter('zzzzzzzzzz.qqqq', registry);
    expect(!r.ok && r.error.message).toBe('zzzzzzzzzz.qqqq is neither a field nor a protocol name.');
    expect(!r.ok && r.error.suggestion).toBeUndefined();
  });
});
