/**
 * Paquet's tcpdump view against tcpdump 4.99's own output (expected/*.txt,
 * made by generate-expected.mjs) on the shared captures.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareLines, expectedLines, optionsFromFlags, share, tcpdumpView } from './view.js';

interface Case {
  name: string;
  capture: string;
  flags: string[];
  scope: 'all' | 'headers';
}

const here = import.meta.dirname;
const { cases } = JSON.parse(readFileSync(resolve(here, 'cases.json'), 'utf8')) as { cases: Case[] };
const report: string[] = [];

describe('tcpdump view matches tcpdump -r', () => {
  for (const c of cases) {
    it(`${c.name} (tcpdump ${c.flags.join(' ')})`, () => {
      const expected = expectedLines(resolve(here, 'expected', `${c.name}.txt`));
      const actual = tcpdumpView(c.capture, optionsFromFlags(c.flags));
      const cmp = compareLines(actual, expected);
      report.push(`${c.name.padEnd(22)} ${c.flags.join(' ').padEnd(18)} ${String(cmp.matching).padStart(4)}/${String(cmp.total).padEnd(4)} ${share(cmp)}`);
      if (c.scope === 'all') {
        expect(cmp.diffs.join('\n'), `${c.name}: ${share(cmp)} of lines match`).toBe('');
      } else {
        // tcpdump decodes an application protocol here that the view leaves out: the packet lines must still line up.
        expect(actual.length).toBe(expected.length);
      }
    });
  }
  it('prints the same from a dissection without a tree (headers read from the bytes)', () => {
    for (const c of cases.filter((x) => x.scope === 'all')) {
      expect(tcpdumpView(c.capture, optionsFromFlags(c.flags), false), c.name).toEqual(expectedLines(resolve(here, 'expected', `${c.name}.txt`)));
    }
  });

  afterAll(() => {
    console.log('tcpdump view, lines matching tcpdump 4.99:\n' + report.join('\n'));
  });
});
