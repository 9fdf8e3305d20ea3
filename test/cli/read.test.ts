/**
 * `paquet read` end to end against tshark 4.0 (test/cli/expected/, made by
 * generate-expected.mjs): whole outputs for each capture and mode, then the
 * command-line mistakes (message and exit status). The whole-output
 * comparisons need every dissector the capture uses: they pass as those land.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CAPTURES, ERROR_CASES, FIELD_SETS, FILTERS, REPO, expected, makeFixtures } from '../format/support.js';
import errors from './expected/errors.json' with { type: 'json' };
import { buildCli, paquet } from './paquet-cli.js';
import outputDifferences from './known-differences.json' with { type: 'json' };

/**
 * Whole outputs that still differ from tshark, each with the reason (README lists them).
 * They are compared line by line: the share of equal lines may not fall below `minShare`.
 */
interface OutputDifference { slug: string; file: string; minShare: number; why: string }
const differing = new Map((outputDifferences as OutputDifference[]).map((d) => [`${d.slug}/${d.file}`, d]));

function lineShare(got: string, want: string): { share: number; first: string } {
  const a = got.split('\n');
  const b = want.split('\n');
  let equal = 0;
  let first = '';
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) equal++;
    else if (!first) first = `line ${i + 1}: paquet ${JSON.stringify(a[i])} tshark ${JSON.stringify(b[i])}`;
  }
  return { share: equal / Math.max(a.length, b.length), first };
}

beforeAll(() => {
  buildCli('read');
  makeFixtures(REPO);
}, 120_000);

/** The same arguments generate-expected.mjs gave tshark for each expected file. */
function modes(path: string, fieldSet: string): [string, string[]][] {
  const r = ['-r', path];
  const fields = FIELD_SETS[fieldSet]!.flatMap((f) => ['-e', f]);
  return [
    ['summary.txt', ['-n', ...r]],
    ['summary-ad.txt', ['-n', ...r, '-t', 'ad']],
    ['filtered.txt', ['-n', ...r, '-Y', FILTERS[fieldSet]!, '-t', 'dd']],
    ['details.txt', ['-n', ...r, '-V']],
    ['hex.txt', [...r, '-x']],
    ['hex-delimit.txt', [...r, '-x', '--hexdump', 'delimit']],
    ['hex-noascii.txt', [...r, '--hexdump', 'noascii']],
    ['hex-frames.txt', [...r, '-x', '--hexdump', 'frames']],
    ['details-hex.txt', ['-n', ...r, '-P', '-V', '-x']],
    ['json.json', ['-n', ...r, '-T', 'json']],
    ['fields.tsv', ['-n', ...r, '-T', 'fields', '-E', 'header=y', ...fields]],
    ['fields-json.json', ['-n', ...r, '-T', 'json', ...fields]],
  ];
}

describe('paquet read output equals tshark', () => {
  for (const c of CAPTURES.filter((x) => !x.formatOnly)) {
    for (const [file, args] of modes(c.path, c.fieldSet)) {
      it(`${c.slug}: ${file}`, async () => {
        const r = await paquet(['read', ...args]);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        const known = differing.get(`${c.slug}/${file}`);
        if (!known) {
          expect(r.stdout).toBe(expected(c.slug, file));
          return;
        }
        const { share, first } = lineShare(r.stdout, expected(c.slug, file));
        console.log(`${c.slug}/${file}: ${(share * 100).toFixed(1)}% of lines equal tshark's (known difference: ${known.why}); first: ${first.slice(0, 200)}`);
        expect(share).toBeGreaterThanOrEqual(known.minShare);
      });
    }
  }
});

interface ExpectedError { name: string; args: string[]; status: number; stderr: string; stdout: string }

/** tshark's message in Paquet's words: the program name, and "TShark understands / doesn't support". */
function asPaquet(message: string): string {
  return message.replace(/^tshark:/gm, 'paquet:').replace(/TShark (understands|doesn't support)/, 'Paquet $1');
}

describe('mistakes: message and exit status as tshark', () => {
  for (const e of errors as ExpectedError[]) {
    it(e.name, async () => {
      const r = await paquet(['read', ...e.args]);
      expect(r.status).toBe(e.status);
      // Paquet names the unknown field and suggests the nearest one, as issue 3 asks, where tshark complains about the operator's left side.
      const want = e.name === 'filter unknown field'
        ? 'paquet: tcp.prot is neither a field nor a protocol name.\n    tcp.prot == 80\n    ^~~~~~~~\n    Did you mean "tcp.port"?\n'
        : asPaquet(e.stderr);
      if (['unknown fields', 'filter unknown field', 'filter syntax error', 'filter call after a space in a set', 'filter member after a field and a space'].includes(e.name) || want === '') {
        expect(r.stderr).toBe(want);
      } else {
        // tshark may follow the message with more lines (usage, option list); the first line is the message.
        expect(r.stderr.split('\n')[0]).toBe(want.split('\n')[0]);
      }
    });
  }

  it('covers every case of cases.mjs', () => {
    expect((errors as ExpectedError[]).map((e) => e.name)).toEqual(ERROR_CASES.map((e) => e.name));
  });

  for (const name of ['count 3', 'bundled flags', 'truncated capture', 'gzip capture', 'cut gzip capture', 'filter with count', 'filter set of fields and calls']) {
    it(`prints what tshark prints: ${name}`, async () => {
      const e = (errors as ExpectedError[]).find((x) => x.name === name)!;
      const r = await paquet(['read', ...e.args]);
      expect(r.stdout).toBe(e.stdout);
    });
  }
});
