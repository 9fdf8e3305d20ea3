/**
 * tcpdump's own test cases (shared/corpus/tcpdump: inputs, expected outputs
 * and TESTLIST flags, each reproducing byte for byte with tcpdump 4.99.3,
 * run as `TZ=GMT0 tcpdump -# -n -r INPUT FLAGS`), for the ones in the
 * view's scope; the fuzzer crashers must print without throwing.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHARED } from '../support/dissect-file.js';
import { compareLines, expectedLines, optionsFromFlags, share, tcpdumpView } from './view.js';

const SUITE = resolve(SHARED, 'corpus/tcpdump');

/** Every line must match: link layers, IP, TCP, UDP, ICMPv6, DNS, BOOTP and the payload dumps. */
const EXACT = new Set([
  'print-x', 'print-xx', 'print-X', 'print-XX', 'print-A', 'print-AA',
  'icmpv6-length-zero', 'icmpv6-rfc7112', 'ipv6-bad-version', 'loopback', 'empty-pcapng',
  'dns_tcp', 'dns_tcp-v', 'dns_udp', 'dns_udp-v', 'dhcp-rfc3004', 'dhcp-rfc5859', 'ipv6-routing-header',
]);
/**
 * tcpdump decodes more here than the view does (ICMPv6 node-information
 * queries, repeated jumbo options): the share of matching lines is reported
 * and the packets must line up one for one.
 */
const HEADERS = new Set(['icmpv6-ni-flags', 'ipv6-too-long-jumbo']);

interface SuiteCase { name: string; input: string; output: string; flags: string[] }

const cases: SuiteCase[] = readFileSync(resolve(SUITE, 'TESTLIST'), 'utf8')
  .split('\n')
  .map((l) => l.trim().split(/\s+/))
  .filter((f) => f.length >= 3 && f[0])
  .map(([name, input, output, ...flags]) => ({ name: name!, input: input!, output: output!, flags }));

/** Lines that start a packet under -#: the number right-aligned in five columns, two spaces. */
const packetLines = (lines: readonly string[]) => lines.filter((l) => /^ {0,4}\d+ {2}/.test(l)).length;

const report: string[] = [];

describe("tcpdump's own tests", () => {
  it('lists the cases it reads', () => {
    expect(cases.length).toBeGreaterThan(30);
    for (const n of [...EXACT, ...HEADERS]) expect(cases.map((c) => c.name)).toContain(n);
  });

  for (const c of cases) {
    const kind = EXACT.has(c.name) ? 'exact' : HEADERS.has(c.name) ? 'headers' : 'survive';
    it(`${c.name} (${kind}, -n -# ${c.flags.join(' ')})`, () => {
      const expected = expectedLines(resolve(SUITE, c.output));
      const actual = tcpdumpView(resolve(SUITE, c.input), { ...optionsFromFlags(c.flags), number: true });
      const cmp = compareLines(actual, expected);
      report.push(`${c.name.padEnd(26)} ${kind.padEnd(8)} ${c.flags.join(' ').padEnd(9)} ${String(cmp.matching).padStart(4)}/${String(cmp.total).padEnd(4)} ${share(cmp)}`);
      if (kind === 'exact') expect(cmp.diffs.join('\n'), `${c.name}: ${share(cmp)} of lines match`).toBe('');
      else expect(packetLines(actual)).toBe(packetLines(expected));
    });
  }

  afterAll(() => {
    console.log("tcpdump's own tests, lines matching:\n" + report.join('\n'));
  });
});
