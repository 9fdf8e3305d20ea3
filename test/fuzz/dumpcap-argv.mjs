/**
 * Fuzzing paquet-dumpcap's command line: the program carries capture
 * privileges, so whatever argv it is given it must exit 0, 1 or 2 (never a
 * signal, never a sanitizer report), print only well-formed JSON lines on
 * stdout and one-line messages on stderr, stop when asked, and write no file
 * but the one it was told to (and its ring files).
 *
 * Each case runs in a fresh directory (its cwd) through bash's $'\xHH'
 * quoting, so arguments may hold any byte but NUL. File names in arguments
 * cannot leave that directory: a '/' survives only in the few outside paths
 * listed in OUTSIDE_PATHS. Captures that start are bounded: a stop condition
 * in the seeds, and SIGTERM after TERM_AFTER_MS once it has started (which
 * must then stop the program cleanly); anything still running at HANG_MS hangs. As root the program really captures on lo/any while the
 * harness sends itself UDP datagrams; -B on an interface that exists is held to
 * MAX_ROOT_BUFFER_MIB.
 *
 * Used by test/fuzz/dumpcap-argv.test.ts (fixed seed, a few hundred cases)
 * and `npm run fuzz -- --target dumpcap-argv --minutes N` (test/fuzz/run.mjs).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from './mutate.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD = join(REPO, 'main', 'capture', 'build.mjs');

const TERM_AFTER_MS = 1500;
const HANG_MS = 10_000;
const MAX_ROOT_BUFFER_MIB = 64;
const CORPUS_CAP = 2000;
const isRoot = process.getuid?.() === 0;

// ------------------------------------------------------------------ building

/**
 * The program twice, into `dir`: as build.mjs builds it, and with AddressSanitizer and
 * UndefinedBehaviorSanitizer (Debian's gcc carries both runtimes). Returns the paths, or
 * { skip } saying why they cannot be built here.
 */
export function buildDumpcapVariants(dir) {
  if (process.platform !== 'linux') return { skip: 'the argv fuzzer runs on Linux' };
  mkdirSync(dir, { recursive: true });
  const variants = {
    plain: { out: join(dir, 'paquet-dumpcap'), cflags: '' },
    sanitized: {
      out: join(dir, 'paquet-dumpcap-asan'),
      cflags: '-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -U_FORTIFY_SOURCE',
    },
  };
  const built = {};
  for (const [name, v] of Object.entries(variants)) {
    const r = spawnSync(process.execPath, [BUILD], {
      env: { ...process.env, PAQUET_CAPTURE_REQUIRED: '1', PAQUET_CAPTURE_OUT: v.out, PAQUET_CAPTURE_CFLAGS: v.cflags },
      encoding: 'utf8',
    });
    if (r.status !== 0) return { skip: `paquet-dumpcap (${name}) did not build: ${(r.stderr || r.stdout).trim().split('\n').pop()}` };
    built[name] = v.out;
  }
  return built;
}

// ------------------------------------------------------------------ the program's option syntax

const VALUE_OPTIONS = 'iwfsBycab';
const FLAG_OPTIONS = 'Dp';
const LONG_OPTIONS = ['--immediate', '--nano', '--validate-filter', '--version', '--help'];

/**
 * How the program splits argv (the same rules as its parse_args): the options with their
 * values and where each value sits, the long options, and the structural error, if any
 * (values are not checked here: the program may still refuse them).
 * @param {Buffer[]} args
 */
function splitOptions(args) {
  const opts = [];
  const longs = new Set();
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a.equals(Buffer.from('--'))) { i++; break; }
    if (a[0] !== 0x2d || a.length === 1) break;
    if (a[1] === 0x2d) {
      const name = a.toString('latin1');
      if (!LONG_OPTIONS.includes(name)) return { opts, longs, error: 'unknown option' };
      longs.add(name);
      continue;
    }
    for (let k = 1; k < a.length; k++) {
      const o = String.fromCharCode(a[k]);
      if (FLAG_OPTIONS.includes(o)) { opts.push({ opt: o }); continue; }
      if (!VALUE_OPTIONS.includes(o)) return { opts, longs, error: 'unknown option' };
      if (k + 1 < a.length) opts.push({ opt: o, value: a.subarray(k + 1), arg: i, at: k + 1 });
      else if (i + 1 < args.length) { i++; opts.push({ opt: o, value: args[i], arg: i, at: 0 }); }
      else return { opts, longs, error: 'missing value' };
      break;
    }
  }
  if (i < args.length) return { opts, longs, error: 'unexpected argument' };
  return { opts, longs };
}

// ------------------------------------------------------------------ inputs

const b = (s) => Buffer.from(s, 'latin1');

/** Paths outside the case's directory the program may be told to write: devices and places that cannot be written. */
const OUTSIDE_PATHS = ['/dev/full', '/dev/null', '/nonexistent-paquet-fuzz/x.pcapng', '/proc/self/no-such/x.pcapng', '/proc/version'];
/** Paths inside it, made before each case: a sub-directory, a file that exists, a directory where a file is expected. */
const INSIDE_PATHS = ['out.pcapng', 'out', 'sub/x.pcapng', 'missing/x.pcapng', 'existing.pcapng', 'adir.pcapng', 'sub/', '.', '..', '.hidden', 'a.b.c', 'x.', '-', `${'d/'.repeat(2100)}x`, 'n'.repeat(300)];
const SAFE_SLASHED = new Set([...OUTSIDE_PATHS, ...INSIDE_PATHS].filter((p) => p.includes('/')));

const DICTIONARY = {
  flag: ['-D', '-p', '-i', '-w', '-f', '-s', '-B', '-y', '-c', '-a', '-b', '--immediate', '--nano', '--validate-filter', '--version', '--help', '--', '-', '-Z', '--bogus', '--immediate=1', '--ver', '-pD', '-pp', '-ilo', '-c1', '-h', '-?', '-\u00ff'],
  number: ['0', '1', '5', '-1', '+1', ' 5', '5 ', '0x10', '1e3', '07', '2147483647', '2147483648', '2047', '2048', '4096', '65535', '65536', '4294967296', '18446744073709551615', '18446744073709551616', '99999999999999999999999', '', 'abc', '1.5'],
  seconds: ['0', '0.2', '.2', '0.', '1e-3', '1e-300', '1e9', '1e10', 'inf', 'nan', '-1', '0x1p3', '5s', '', '0.0001'],
  condition: ['duration:', 'filesize:', 'files:', 'duration', ':1', 'x:1', 'duration:0.2:1', 'Duration:1', 'filesize:1', 'files:2', 'files:100001', 'files:100000'],
  iface: ['lo', 'any', 'nosuch0', 'ifb0', '', 'lo ', 'LO', 'l'.repeat(300), 'lo\n', 'eth0\u0000x'],
  filter: ['udp', 'tcp port 80', 'port 99999', 'ip[0:4] =', '((((', 'not', `${'udp or '.repeat(400)}udp`, 'ether host zz:zz', 'host ::1', 'vlan and vlan and vlan and vlan', 'ip6 and ip', 'udp dst port 9', '%s%n%x', '"', '\\', 'ip proto \\tcp', ''],
  linktype: ['EN10MB', 'LINUX_SLL2', 'LINUX_SLL', 'RAW', '1', '276', '0', '65535', '65536', '-1', 'BOGUS', '', 'en10mb'],
  path: [...OUTSIDE_PATHS, ...INSIDE_PATHS],
  odd: ['%s', '%n', '%99999999d', '\u001b[31m', '\r\n', '\u007f', '\u00c3', '\u00e9', '\ufffd', '"', '\\', "'", '\t'],
};

/** Commands that each reach a different part of the program. Captures carry a bound. */
function argvSeeds() {
  const seeds = [
    ['-D'],
    ['--version'],
    ['--help'],
    ['-f', 'udp', '--validate-filter'],
    ['-i', 'any', '-f', 'udp port 53', '--validate-filter'],
    ['-y', 'LINUX_SLL2', '-f', 'ip', '--validate-filter'],
    ['-i', 'lo', '-w', 'out.pcapng', '-c', '3', '-a', 'duration:0.2'],
    ['-i', 'lo', '-w', 'out.pcapng', '-a', 'duration:0.2', '-f', 'udp', '-s', '64', '-p', '--immediate', '--nano'],
    ['-i', 'any', '-w', 'out.pcapng', '-a', 'duration:0.2', '-B', '4', '-y', 'LINUX_SLL'],
    ['-i', 'lo', '-w', 'ring.pcapng', '-b', 'filesize:1', '-b', 'files:2', '-a', 'duration:0.3'],
    ['-i', 'lo', '-w', 'ring', '-b', 'duration:0.05', '-b', 'files:3', '-a', 'duration:0.3'],
    ['-i', 'lo', '-w', 'out.pcapng', '-a', 'filesize:2', '-a', 'duration:0.3'],
    ['-i', 'nosuch0', '-w', 'out.pcapng', '-c', '1'],
    ['-i', 'lo', '-w', '/dev/full', '-a', 'duration:0.2'],
    ['-i', 'lo', '-w', 'missing/x.pcapng', '-a', 'duration:0.2'],
    ['-ilo', '-wout.pcapng', '-c5', '-aduration:0.2', '-pD'],
  ];
  return seeds.map((s) => s.map(b));
}

/** One to three edits of an argv: tokens inserted, dropped, swapped, joined or split, values replaced, bytes changed. */
function mutateArgv(input, r, other) {
  let args = input.map((a) => Buffer.from(a));
  const edits = 1 + r.int(3);
  for (let e = 0; e < edits; e++) {
    const k = args.length > 0 ? r.int(args.length) : 0;
    switch (r.int(10)) {
      case 0: args.splice(r.int(args.length + 1), 0, b(r.pick(DICTIONARY.flag))); break;
      case 1: if (args.length > 0) args.splice(k, 1); break;
      case 2: if (args.length > 0) args.splice(k, 0, Buffer.from(args[k])); break;
      case 3: if (args.length > 1) { const j = r.int(args.length); [args[k], args[j]] = [args[j], args[k]]; } break;
      case 4: if (k + 1 < args.length) args.splice(k, 2, Buffer.concat([args[k], args[k + 1]])); break;
      case 5: if (args.length > 0 && args[k].length > 1) { const at = 1 + r.int(args[k].length - 1); args.splice(k, 1, args[k].subarray(0, at), args[k].subarray(at)); } break;
      case 6: {
        const kind = r.pick(['number', 'seconds', 'condition', 'iface', 'filter', 'linktype', 'path']);
        let v = r.pick(DICTIONARY[kind]);
        if (kind === 'seconds') v = `${r.pick(['duration:', 'duration:', ''])}${v}`;
        if (kind === 'number' && r.chance(0.5)) v = `${r.pick(['filesize:', 'files:'])}${v}`;
        if (args.length > 0) args[k] = b(v); else args.push(b(v));
        break;
      }
      case 7: if (args.length > 0) args[k] = oddBytes(args[k], r); break;
      case 8: if (args.length > 0) args[k] = args[k].subarray(0, r.int(args[k].length + 1)); break;
      default:
        if (other && other.length > 0) { const at = r.int(other.length); args.splice(k, 0, ...other.slice(at, at + 1 + r.int(3))); }
    }
  }
  if (args.length > 40) args = args.slice(0, 40);
  return confine(args);
}

function oddBytes(a, r) {
  const at = r.int(a.length + 1);
  const insert = r.chance(0.5) ? b(r.pick(DICTIONARY.odd)) : Buffer.from([1 + r.int(255)]);
  if (r.chance(0.3) && a.length > 0) return Buffer.concat([a.subarray(0, at), insert, a.subarray(Math.min(a.length, at + 1))]);
  if (r.chance(0.1)) return Buffer.concat([a, Buffer.alloc(2000 + r.int(6000), r.chance(0.5) ? 0x41 : 0xc3)]);
  return Buffer.concat([a.subarray(0, at), insert, a.subarray(at)]);
}

/**
 * What the harness never lets the program be asked: a NUL (argv cannot carry it), a '/'
 * outside the listed paths (it would write anywhere), a kernel buffer of gigabytes as root.
 */
function confine(args) {
  const out = args.map((a) => {
    let x = Buffer.from(a);
    for (let i = 0; i < x.length; i++) if (x[i] === 0) x[i] = 1;
    const text = x.toString('latin1');
    const attached = text.startsWith('-') && !text.startsWith('--') ? text.slice(2) : undefined;
    if (x.includes(0x2f) && !SAFE_SLASHED.has(text) && !(attached !== undefined && SAFE_SLASHED.has(attached))) {
      for (let i = 0; i < x.length; i++) if (x[i] === 0x2f) x[i] = 0x5f;
    }
    return x;
  });
  const opts = splitOptions(out).opts;
  if (opts.some((o) => o.opt === 'b')) {
    // Ring files are named after -w: next to /dev/null they would be created in /dev.
    for (const o of opts) if (o.opt === 'w' && o.value.toString('latin1').startsWith('/dev/')) out[o.arg] = Buffer.concat([out[o.arg].subarray(0, o.at), b('out.pcapng')]);
  }
  // Only an interface that exists allocates the buffer (a name that does not stops at activation).
  const iface = opts.filter((o) => o.opt === 'i').pop()?.value.toString('latin1');
  if (isRoot && (iface === undefined || interfaceExists(iface))) {
    for (const o of opts) {
      if (o.opt !== 'B' || !/^\d+$/.test(o.value.toString('latin1')) || Number(o.value.toString('latin1')) <= MAX_ROOT_BUFFER_MIB) continue;
      out[o.arg] = Buffer.concat([out[o.arg].subarray(0, o.at), b(String(MAX_ROOT_BUFFER_MIB))]);
    }
  }
  return out;
}

function interfaceExists(name) {
  return name === 'any' || (name !== '' && !name.includes('/') && !name.startsWith('.') && existsSync(join('/sys/class/net', name)));
}

/** argv as bytes for a crash file: arguments separated by NUL, which no argument holds. */
function argvBytes(args) {
  return Buffer.concat(args.flatMap((a, i) => (i === 0 ? [a] : [Buffer.from([0]), a])));
}

// ------------------------------------------------------------------ running one case

const EVENTS = new Set(['started', 'stats', 'rotated', 'warning', 'error', 'stopped', 'devices', 'filter-ok', 'version']);
const ERROR_CODES = new Set(['usage', 'no-such-device', 'permission', 'interface-down', 'bad-filter', 'file', 'disk-full', 'pcap']);
const STOP_REASONS = new Set(['signal', 'count', 'duration', 'filesize', 'control-closed', 'error']);

function bashQuote(a) {
  return `$'${[...a].map((c) => `\\x${c.toString(16).padStart(2, '0')}`).join('')}'`;
}

/** dir/rel as bytes: names may hold any byte, kept as latin1 strings (one char per byte). */
const under = (dir, rel) => Buffer.concat([Buffer.from(dir), Buffer.from(`/${rel}`, 'latin1')]);

/** Files under dir (relative names), with sizes and times, to see what a case created or changed. */
function listFiles(dir, base = '', out = new Map()) {
  for (const entry of readdirSync(base ? under(dir, base) : dir, { encoding: 'buffer' })) {
    const name = entry.toString('latin1');
    const rel = base ? `${base}/${name}` : name;
    const st = statSync(under(dir, rel));
    if (st.isDirectory()) listFiles(dir, rel, out);
    out.set(rel, `${st.isDirectory() ? 'd' : st.size}:${st.mtimeMs}`);
  }
  return out;
}

function prepareCaseDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'sub'), { recursive: true });
  mkdirSync(join(dir, 'adir.pcapng'));
  writeFileSync(join(dir, 'existing.pcapng'), 'not yet a capture');
  return listFiles(dir);
}

/** Whole pcapng blocks from the first byte to the last: a Section Header first, the statistics block last when closed cleanly. */
function pcapngProblem(path, closedCleanly) {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    if (size === 0) return 'empty file';
    const head = Buffer.alloc(8);
    let at = 0;
    let last = -1;
    while (at < size) {
      if (readSync(fd, head, 0, 8, at) !== 8) return `a block cut short at ${at}`;
      const type = head.readUInt32LE(0);
      const len = head.readUInt32LE(4);
      if (at === 0 && type !== 0x0a0d0d0a) return 'no section header first';
      if (len < 12 || len % 4 !== 0 || at + len > size) return `a bad block length ${len} at ${at}`;
      last = type;
      at += len;
    }
    if (closedCleanly && last !== 5) return `ends with block type ${last}, not statistics`;
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** A name (latin1, one char per byte) as the program's JSON carries it: each byte outside a well-formed UTF-8 sequence becomes U+FFFD. */
function asReported(name) {
  const bytes = Buffer.from(name, 'latin1');
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const n = utf8Sequence(bytes, i);
    out += n === 0 ? '\ufffd' : bytes.subarray(i, i + n).toString('utf8');
    i += n || 1;
  }
  return out;
}

function utf8Sequence(s, i) {
  const c = s[i];
  if (c < 0x80) return 1;
  let n, cp, min;
  if (c >= 0xc2 && c <= 0xdf) [n, cp, min] = [2, c & 0x1f, 0x80];
  else if ((c & 0xf0) === 0xe0) [n, cp, min] = [3, c & 0x0f, 0x800];
  else if (c >= 0xf0 && c <= 0xf4) [n, cp, min] = [4, c & 0x07, 0x10000];
  else return 0;
  for (let k = 1; k < n; k++) {
    if (i + k >= s.length || (s[i + k] & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (s[i + k] & 0x3f);
  }
  return cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0 : n;
}

function ringPattern(path) {
  const slash = path.lastIndexOf('/');
  let dot = path.lastIndexOf('.');
  if (dot < slash || dot === 0 || dot === slash + 1) dot = -1;
  const stem = dot >= 0 ? path.slice(0, dot) : path;
  const ext = dot >= 0 ? path.slice(dot) : '';
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${esc(stem)}_\\d{5,}_\\d{14}${esc(ext)}$`);
}

/**
 * Run argv once and judge it. Returns { problems, features, ms, code, signal, stdout, stderr }.
 * @param {string} program
 * @param {Buffer[]} args
 * @param {string} dir   the case's directory (emptied and prepared here)
 */
export async function runArgvCase(program, args, dir) {
  const before = prepareCaseDir(dir);
  const split = splitOptions(args);
  const script = `exec "$0" ${args.map(bashQuote).join(' ')}`;
  const started = Date.now();
  const child = spawn('bash', ['-c', script, program], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      LANG: 'C',
      ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:exitcode=86:allocator_may_return_null=0',
      UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1:exitcode=87',
    },
  });
  const out = [];
  const err = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  // SIGTERM only once the capture has started (before that the program may not have installed
  // its handler yet, and a program that is not capturing must end by itself); SIGKILL is the hang bound.
  let termSent = false;
  let termDue = false;
  let capturing = false;
  let killed = false;
  const sendTerm = () => { termSent = true; child.kill('SIGTERM'); };
  child.stdout.on('data', () => {
    if (capturing || !Buffer.concat(out).includes('"event":"started"')) return;
    capturing = true;
    if (termDue) sendTerm();
  });
  const term = setTimeout(() => { termDue = true; if (capturing) sendTerm(); }, TERM_AFTER_MS);
  const kill = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, HANG_MS);
  const [code, signal] = await new Promise((resolve) => child.on('close', (c, s) => resolve([c, s])));
  clearTimeout(term);
  clearTimeout(kill);
  const ms = Date.now() - started;
  const stdout = Buffer.concat(out);
  const stderr = Buffer.concat(err).toString('utf8');
  const problems = [];
  const features = [];

  if (killed) problems.push(`still running after ${HANG_MS} ms${termSent ? ' (SIGTERM was sent)' : ''}`);
  else if (signal) problems.push(`killed by ${signal}`);
  else if (![0, 1, 2].includes(code)) problems.push(`exit status ${code}`);
  if (/Sanitizer|runtime error:/.test(stderr)) problems.push(`sanitizer: ${stderr.split('\n').find((l) => /Sanitizer|runtime error/.test(l))}`);

  // stdout: UTF-8, whole lines, each a JSON object with a known event.
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(stdout);
  } catch {
    problems.push('stdout is not UTF-8');
  }
  if (text && !text.endsWith('\n')) problems.push('stdout does not end with a newline');
  const events = [];
  for (const line of text.split('\n').filter((l) => l !== '')) {
    let e;
    try {
      e = JSON.parse(line);
    } catch {
      problems.push(`not JSON: ${line.slice(0, 200)}`);
      continue;
    }
    if (typeof e !== 'object' || e === null || !EVENTS.has(e.event)) problems.push(`unknown event: ${line.slice(0, 200)}`);
    else events.push(e);
  }
  const errors = events.filter((e) => e.event === 'error');
  for (const e of errors) {
    if (!ERROR_CODES.has(e.code)) problems.push(`unknown error code ${e.code}`);
    if (typeof e.message !== 'string' || e.message === '') problems.push('an error without a message');
  }
  if (!signal && !killed) {
    if (code === 2 && !errors.some((e) => e.code === 'usage')) problems.push('exit status 2 without a usage error');
    if (code !== 2 && errors.some((e) => e.code === 'usage')) problems.push(`a usage error with exit status ${code}`);
    if (code === 1 && errors.length === 0) problems.push('exit status 1 without an error event');
    if (code === 0 && errors.length > 0) problems.push('exit status 0 with an error event');
    if (split.error && code !== 2) problems.push(`argv is malformed (${split.error}) but exit status is ${code}`);
  }
  const start = events.find((e) => e.event === 'started');
  const stop = events.find((e) => e.event === 'stopped');
  if (start && !killed && !signal && events[events.length - 1]?.event !== 'stopped') problems.push('started but never reported stopped');
  if (stop && !STOP_REASONS.has(stop.reason)) problems.push(`unknown stop reason ${stop.reason}`);
  if (termSent && start && !killed && code !== 0 && stop?.reason !== 'error') problems.push(`SIGTERM during a capture: exit status ${code}`);

  // stderr: for a person, one line per message.
  const helping = split.longs.has('--help') && code === 0;
  if (!helping && !/Sanitizer|runtime error:/.test(stderr)) {
    for (const l of stderr.split('\n').filter((x) => x !== '')) {
      if (!l.startsWith('paquet-dumpcap: ')) problems.push(`stderr line not from the program: ${l.slice(0, 120)}`);
    }
  }

  // Files: only the one -w named (or its ring files), only when capturing started; each a clean pcapng.
  const after = listFiles(dir);
  const told = split.opts.filter((o) => o.opt === 'w').pop()?.value.toString('latin1');
  const announced = new Set(events.filter((e) => e.event === 'started' || e.event === 'rotated').map((e) => e.file));
  const ring = told !== undefined ? ringPattern(told) : undefined;
  for (const [name, stamp] of after) {
    if (before.get(name) === stamp) continue;
    const expected = start && (name === told || ring?.test(name));
    if (!expected) { problems.push(`wrote a file it was not told to: ${name.slice(0, 120)}`); continue; }
    if (!announced.has(asReported(name))) problems.push(`wrote ${name.slice(0, 120)} without announcing it`);
    const why = statSync(under(dir, name)).isFile() ? pcapngProblem(under(dir, name), !killed && !signal && code === 0) : undefined;
    if (why) problems.push(`${name.slice(0, 120)}: ${why}`);
  }
  for (const name of before.keys()) if (!after.has(name)) problems.push(`removed ${name} it had not written`);

  const shape = (m) => String(m).replace(/'[^']*'/g, "''").replace(/\(.*\)/g, '()').replace(/\d+/g, 'N').slice(0, 80);
  features.push(`exit:${signal ?? code}`);
  features.push(`events:${[...new Set(events.map((e) => e.event))].join(',')}`);
  for (const e of errors) features.push(`error:${e.code}:${shape(e.message)}`);
  for (const e of events.filter((x) => x.event === 'warning')) features.push(`warning:${shape(e.message)}`);
  if (stop) features.push(`stop:${stop.reason}:${stop.files > 1 ? 'ring' : 'one'}`);
  return { problems, features, ms, code, signal, stdout: text, stderr };
}

// ------------------------------------------------------------------ the loop

/** Loopback datagrams while the fuzzer runs, so captures as root see packets. */
export function startTraffic(perTick = 20) {
  const sock = createSocket('udp4');
  const payload = Buffer.alloc(200, 0x61);
  const timer = setInterval(() => {
    for (let i = 0; i < perTick; i++) sock.send(payload, 9, '127.0.0.1', () => {});
  }, 10);
  return () => { clearInterval(timer); sock.close(); };
}

/**
 * The argv fuzzer: seeds first, then mutations of the corpus, each case on the sanitized
 * build and every third also on the plain one. Stops after `cases` or at `deadline`.
 * Returns the shape run.mjs expects: { target, cases, crashes, slow, corpus, features }.
 */
export async function fuzzArgv({ seed, cases, deadline, programs, workDir, slowMs = 8000, log }) {
  const r = rng(seed);
  const corpus = argvSeeds();
  const queue = [...corpus];
  const seen = new Set();
  const crashes = [];
  const slow = [];
  const stopTraffic = startTraffic();
  const dir = mkdtempSync(join(workDir ?? tmpdir(), 'dumpcap-argv-'));
  let i = 0;
  try {
    for (; ; i++) {
      if (cases !== undefined && i >= cases) break;
      if (deadline !== undefined && Date.now() >= deadline) break;
      const args = queue.length > 0 ? queue.shift() : mutateArgv(r.pick(corpus), r, r.pick(corpus));
      const variants = i % 3 === 0 ? ['sanitized', 'plain'] : ['sanitized'];
      let fresh = false;
      for (const v of variants) {
        const res = await runArgvCase(programs[v], args, join(dir, 'case'));
        if (res.problems.length > 0) crashes.push({ case: i, variant: v, input: argvBytes(args), argv: args.map((a) => a.toString('latin1')), error: res.problems.join('\n') });
        if (res.ms > slowMs) slow.push({ case: i, input: argvBytes(args), ms: res.ms });
        for (const f of res.features) if (!seen.has(f)) { seen.add(f); fresh = true; }
      }
      if (fresh && corpus.length < CORPUS_CAP) corpus.push(args);
      if (log && i > 0 && i % 500 === 0) log(`dumpcap-argv: ${i} cases, corpus ${corpus.length}, features ${seen.size}, ${crashes.length} problems`);
    }
  } finally {
    stopTraffic();
    rmSync(dir, { recursive: true, force: true });
  }
  return { target: 'dumpcap-argv', cases: i, crashes, slow, corpus: corpus.length, features: seen.size };
}

/** For run.mjs: build both programs under test/tmp/fuzz, then fuzz until the deadline. */
export async function runDumpcapArgvTarget({ seed, minutes }) {
  const buildDir = join(REPO, 'test', 'tmp', 'fuzz', 'dumpcap-build');
  const programs = buildDumpcapVariants(buildDir);
  if (programs.skip) throw new Error(`dumpcap-argv: ${programs.skip}`);
  const r = await fuzzArgv({ seed, deadline: Date.now() + minutes * 60_000, programs, log: (m) => console.log(m) });
  for (const c of r.crashes) c.error = `[${c.variant}] argv ${JSON.stringify(c.argv).slice(0, 300)}\n${c.error}`;
  return r;
}
