/**
 * paquet-dumpcap's command line, fuzzed (test/fuzz/dumpcap-argv.mjs): a fixed-seed run on the
 * sanitized and the plain build, then the argv that once broke it, each with what it must now do.
 * Longer runs: `npm run fuzz -- --target dumpcap-argv --minutes N`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDumpcapVariants, fuzzArgv, runArgvCase, startTraffic } from './dumpcap-argv.mjs';

const work = mkdtempSync(join(tmpdir(), 'paquet-dumpcap-fuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const programs = buildDumpcapVariants(join(work, 'build'));
const skip = 'skip' in programs ? programs.skip : undefined;
if (skip) console.log(`dumpcap argv fuzzing skipped: ${skip}`);
const isRoot = process.getuid?.() === 0;
if (!skip && !isRoot) console.log('dumpcap argv fuzzing: not root, so captures stop at the permission error (the capture path is fuzzed as root)');

const arg = (s: string) => Buffer.from(s, 'latin1');

async function run(variant: 'plain' | 'sanitized', argv: string[]) {
  const p = programs as { plain: string; sanitized: string };
  const r = await runArgvCase(p[variant], argv.map(arg), join(work, `case-${variant}`));
  return r;
}

describe.skipIf(skip !== undefined)('paquet-dumpcap argv, fuzzed', () => {
  it('a fixed-seed run: every exit is 0, 1 or 2, output well formed, no stray files, no sanitizer report', async () => {
    const r = await fuzzArgv({ seed: 20261125, cases: 240, programs, workDir: work });
    const report = r.crashes.map((c: { case: number; variant: string; argv: string[]; error: string }) => `case ${c.case} [${c.variant}] ${JSON.stringify(c.argv).slice(0, 200)}: ${c.error}`);
    console.log(`dumpcap-argv: ${r.cases} cases, corpus ${r.corpus}, features ${r.features}`);
    expect(report).toEqual([]);
    expect(r.cases).toBe(240);
    // The run reached past option parsing: usage errors, device/permission errors, filter results
    // (and as root captures, rotations and stops); fewer outcomes exist without root.
    expect(r.features).toBeGreaterThan(isRoot ? 30 : 20);
  }, 150_000);
});

/** argv that once misbehaved, what each now must do (both builds). */
const REGRESSIONS: { why: string; argv: string[]; root?: boolean; flood?: boolean; check: (r: Awaited<ReturnType<typeof run>>, out: string) => void }[] = [
  {
    why: '-B 2048 multiplied into an int overflow (UBSan: signed integer overflow)',
    argv: ['-i', 'nosuch0', '-w', 'out.pcapng', '-B', '2048'],
    check: (r, out) => { expect(r.code).toBe(2); expect(out).toContain('1 to 2047'); },
  },
  {
    why: "-c ' -5' was read by strtoull as 2^64-5 packets",
    argv: ['-i', 'nosuch0', '-w', 'out.pcapng', '-c', ' -5'],
    check: (r, out) => { expect(r.code).toBe(2); expect(out).toContain("invalid packet count ' -5'"); },
  },
  {
    why: 'an unknown option inside a group was reported as the program path',
    argv: ['-Zp'],
    check: (r, out) => { expect(r.code).toBe(2); expect(out).toContain("unknown option '-Z' in '-Zp'"); },
  },
  {
    why: '--validate-filter with -y and no interface refused any link type but Ethernet',
    argv: ['-y', 'LINUX_SLL2', '-f', 'ip', '--validate-filter'],
    check: (r, out) => { expect(r.code).toBe(0); expect(JSON.parse(out)).toEqual({ event: 'filter-ok', linktype: 276, filter: 'ip' }); },
  },
  {
    why: 'an unknown -y was a usage error with exit status 1',
    argv: ['-i', 'nosuch0', '-w', 'out.pcapng', '-y', 'BOGUS'],
    check: (r, out) => { expect(r.code).toBe(2); expect(out).toContain("unknown link-layer type 'BOGUS'"); },
  },
  {
    why: 'bytes that are not UTF-8 went into the JSON line as they were',
    argv: ['-\xff'],
    check: (r, out) => { expect(r.code).toBe(2); expect(JSON.parse(out).message).toBe("unknown option '-\ufffd' in '-\ufffd'"); },
  },
  {
    why: 'a newline in a value split the stderr message into lines that were not the program\'s',
    argv: ['-s', '5\nx'],
    check: (r) => { expect(r.code).toBe(2); },
  },
  {
    why: '-w "" with a ring buffer wrote _00001_<time> in the working directory',
    argv: ['-i', 'lo', '-w', '', '-b', 'filesize:1', '-a', 'duration:0.2'],
    check: (r, out) => { expect(r.code).toBe(2); expect(out).toContain('-w needs a file name'); },
  },
  {
    why: 'every capture leaked its 1 MiB write buffer and the ring names (LeakSanitizer)',
    argv: ['-i', 'lo', '-w', 'ring.pcapng', '-b', 'filesize:1', '-b', 'files:2', '-a', 'duration:0.3'],
    root: true,
    check: (r, out) => { expect(r.code).toBe(0); expect(out).toContain('"event":"stopped"'); },
  },
  {
    why: 'under a flood, a rotation per packet kept it past -a duration (and SIGTERM) for seconds: whole kernel buffers per dispatch',
    argv: ['-i', 'lo', '-w', 'ring.pcapng', '-b', 'filesize:1', '-b', 'files:2', '-a', 'duration:0.5'],
    root: true,
    flood: true,
    check: (r, out) => { expect(r.ms).toBeLessThan(4000); expect(out).toContain('"reason":"duration"'); },
  },
  {
    why: '-s above libpcap\'s maximum was written into the file and the report although libpcap used 262144',
    argv: ['-i', 'lo', '-w', 'out.pcapng', '-s', '2147483647', '-a', 'duration:0.1'],
    root: true,
    check: (r, out) => { expect(r.code).toBe(0); expect(JSON.parse(out.split('\n')[0]).snaplen).toBe(262144); },
  },
];

describe.skipIf(skip !== undefined)('paquet-dumpcap argv that once misbehaved', () => {
  for (const reg of REGRESSIONS) {
    for (const variant of ['sanitized', 'plain'] as const) {
      it.skipIf(reg.root && !isRoot)(`${variant}: ${reg.why}`, async () => {
        const stopFlood = reg.flood ? startTraffic(400) : undefined;
        const r = await run(variant, reg.argv).finally(() => stopFlood?.());
        expect(r.problems).toEqual([]);
        reg.check(r, r.stdout);
      }, 20_000);
    }
  }
});
