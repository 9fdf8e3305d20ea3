/**
 * `paquet capture`: live capture from the command line, with dumpcap/tshark's
 * flags. paquet-dumpcap writes the pcapng file (a temporary one without -w);
 * without -w this command follows that file and prints each packet's summary
 * line; with -w it prints a running count. SIGINT/SIGTERM stop it cleanly and
 * it ends with tcpdump's closing lines.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Dissection } from '../../shared/dissect/engine.js';
import type { FrameInput } from '../../shared/dissect/packet.js';
import { frameInputFrom } from '../../shared/dissect/frame-input.js';
import type { CaptureRecord, InterfaceInfo } from '../../shared/capture/types.js';
import { CaptureError, type CaptureCounts, type Device } from '../capture/events.js';
import { PcapngFollower } from '../capture/follow.js';
import { DEFAULT_BUFFER_MIB, type CaptureOptions, type RingOptions, type StopConditions } from '../capture/options.js';
import { listDevices, startCapture, type CaptureResult, type CaptureSession } from '../capture/supervisor.js';

const PROGRAM = 'paquet';
const FOLLOW_INTERVAL_MS = 200;

export const CAPTURE_HELP = `Usage: paquet capture -D
       paquet capture [-i IFACE] [-f BPF] [-s SNAPLEN] [-p] [-c N] [-a duration:S|filesize:KB]
                      [-b filesize:KB|duration:S|files:N] [-w FILE] [options] [BPF...]

Capture packets live (as dumpcap/tshark do). Without -w, prints one summary line per
packet (the packets go to a temporary file, removed at the end); with -w, writes pcapng
and prints a running count. Ctrl-C or SIGTERM stops the capture cleanly.

Options:
  -D                       list the interfaces and exit
  -i IFACE                 interface to capture on (default: the first one up; 'any' on Linux)
  -f BPF                   capture filter (libpcap syntax); words after the options work too
  -s SNAPLEN               bytes kept of each packet (default 262144)
  -p                       do not put the interface in promiscuous mode
  -c N                     stop after N packets
  -a duration:S            stop after S seconds
  -a filesize:KB           stop once KB kilobytes (1000 bytes) are written
  -b filesize:KB           with -w: switch to a new file every KB kilobytes
  -b duration:S            with -w: switch to a new file every S seconds
  -b files:N               with -w: keep only the last N files
  -w FILE                  write the packets to this pcapng file
  -B MiB                   kernel buffer size (default 16: libpcap's 2 MiB drops packets in bursts)
  -y LINKTYPE              link-layer type (EN10MB, LINUX_SLL, LINUX_SLL2...)
  -q                       do not print packets (only the closing counts)
  --nano                   nanosecond timestamps
  --immediate              hand each packet over at once (lower latency, more wake-ups)
  -h, --help               show this help and exit
`;

export interface CaptureIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Aborting it stops the capture cleanly; without it, SIGINT and SIGTERM do. */
  readonly signal?: AbortSignal;
  /** paquet-dumpcap's path, instead of looking for it. */
  readonly program?: string;
}

interface CaptureArgs {
  list: boolean;
  help: boolean;
  quiet: boolean;
  iface?: string;
  file?: string;
  options: Omit<CaptureOptions, 'interface' | 'file'>;
}

class UsageError extends Error {}

const VALUE_FLAGS = new Set(['-i', '-f', '-s', '-c', '-a', '-b', '-w', '-B', '-y']);

function intArg(flag: string, v: string, min: number): number {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) < min) {
    throw new UsageError(`invalid value for ${flag}: '${v}'`);
  }
  return Number(v);
}

function secondsArg(flag: string, v: string): number {
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0)) throw new UsageError(`invalid duration for ${flag}: '${v}'`);
  return n;
}

export function parseCaptureArgs(argv: readonly string[]): CaptureArgs {
  const out: CaptureArgs = { list: false, help: false, quiet: false, options: {} };
  const stop: { packets?: number; seconds?: number; fileSizeKB?: number } = {};
  const ring: { fileSizeKB?: number; seconds?: number; files?: number } = {};
  const o: { -readonly [K in keyof CaptureArgs['options']]: CaptureArgs['options'][K] } = {};
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    let value: string | undefined;
    // -c10 and -ilo are accepted as tshark accepts them.
    if (/^-[a-zA-Z]./.test(a) && VALUE_FLAGS.has(a.slice(0, 2))) {
      value = a.slice(2);
      a = a.slice(0, 2);
    }
    const need = (): string => {
      if (value !== undefined) return value;
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`option ${a} needs a value`);
      return v;
    };
    switch (a) {
      case '-h':
      case '--help': out.help = true; break;
      case '-D': out.list = true; break;
      case '-q': out.quiet = true; break;
      case '-p': o.promiscuous = false; break;
      case '--nano': o.nano = true; break;
      case '--immediate': o.immediate = true; break;
      case '-i': out.iface = need(); break;
      case '-w': out.file = need(); break;
      case '-f': o.filter = need(); break;
      case '-y': o.linkType = need(); break;
      case '-s': o.snapLen = intArg(a, need(), 0); break;
      case '-B': o.bufferMiB = intArg(a, need(), 1); break;
      case '-c': stop.packets = intArg(a, need(), 1); break;
      case '-a':
      case '-b': {
        const v = need();
        const m = /^(duration|filesize|files):(.+)$/.exec(v);
        const key = m?.[1];
        const val = m?.[2] ?? '';
        const target = a === '-a' ? stop : ring;
        if (key === 'duration') target.seconds = secondsArg(a, val);
        else if (key === 'filesize') target.fileSizeKB = intArg(a, val, 1);
        else if (key === 'files' && a === '-b') ring.files = intArg(a, val, 1);
        else throw new UsageError(`invalid ${a} condition '${v}' (${a === '-a' ? 'duration:S or filesize:KB' : 'filesize:KB, duration:S or files:N'})`);
        break;
      }
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
        words.push(a);
    }
  }
  if (words.length > 0) {
    if (o.filter !== undefined) throw new UsageError('a capture filter was given both with -f and as words');
    o.filter = words.join(' ');
  }
  o.bufferMiB ??= DEFAULT_BUFFER_MIB;
  if (Object.keys(stop).length) o.stop = stop as StopConditions;
  if (Object.keys(ring).length) {
    if (!out.file) throw new UsageError('-b (ring buffer) needs -w FILE');
    if (ring.files !== undefined && ring.fileSizeKB === undefined && ring.seconds === undefined) {
      throw new UsageError('-b files:N needs -b filesize:KB or -b duration:S');
    }
    o.ring = ring as RingOptions;
  }
  out.options = o;
  return out;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function describeDevice(d: Device, n: number): string {
  const extra = d.description ?? (d.loopback ? 'Loopback' : undefined);
  return `${n}. ${d.name}${extra ? ` (${extra})` : ''}`;
}

function defaultInterface(devices: readonly Device[]): string | undefined {
  const usable = devices.filter((d) => d.up && d.running && d.name !== 'any');
  return (usable.find((d) => !d.loopback && d.addresses.length > 0) ?? usable.find((d) => !d.loopback) ?? usable[0])?.name;
}

function reportError(io: CaptureIO, e: unknown): number {
  if (e instanceof CaptureError) {
    io.stderr.write(`${PROGRAM}: ${e.message}\n`);
    if (e.fix) io.stderr.write(`${PROGRAM}: to fix it: ${e.fix}\n`);
    return 2;
  }
  if (e instanceof UsageError || e instanceof RangeError) {
    io.stderr.write(`${PROGRAM}: ${e.message}; run "paquet capture --help"\n`);
    return 1;
  }
  throw e;
}

function closingLines(c: CaptureCounts): string {
  // tcpdump's closing lines
  let s = `${plural(c.packets, 'packet')} captured\n`;
  if (c.received !== undefined) {
    s += `${plural(c.received, 'packet')} received by filter\n`;
    s += `${plural(c.dropped ?? 0, 'packet')} dropped by kernel\n`;
    if (c.ifDropped) s += `${plural(c.ifDropped, 'packet')} dropped by interface\n`;
  }
  return s;
}

type SummaryLine = (d: ReturnType<Dissection['dissect']>, timeDigits: number) => string;

/**
 * The dissection engine and tshark's summary line, loaded only when packets are
 * printed: capturing to a file (-w) must work even if a dissector does not load.
 */
async function loadSummary(): Promise<{ dissection: Dissection; summaryLine: SummaryLine } | string> {
  try {
    const [{ Dissection: Engine }, { defaultRegistry }, { summaryLine }] = await Promise.all([
      import('../../shared/dissect/engine.js'),
      import('../../shared/dissect/protocols.js'),
      import('../../shared/format/summary.js'),
    ]);
    return { dissection: new Engine(defaultRegistry()), summaryLine };
  } catch (e) {
    return (e as Error).message;
  }
}

/** Prints packets as the follower finds them in the growing file. */
class LivePrinter {
  private num = 0;

  constructor(
    private readonly out: Writable,
    private readonly timeDigits: number,
    private readonly engine: { dissection: Dissection; summaryLine: SummaryLine } | undefined,
  ) {}

  print(records: readonly CaptureRecord[], ifaces: readonly InterfaceInfo[]): void {
    if (records.length === 0) return;
    const lines: string[] = [];
    for (const rec of records) {
      this.num++;
      const iface = ifaces[rec.interface];
      const frame: FrameInput = frameInputFrom(rec, ifaces, this.num);
      let line: string | undefined;
      try {
        if (this.engine) line = this.engine.summaryLine(this.engine.dissection.dissect(frame, false), this.timeDigits);
      } catch {
        // the plain line below
      }
      lines.push(line ?? this.plainLine(rec, iface));
      continue;
    }
    this.out.write(lines.join('\n') + '\n');
  }

  /** Number, time since the first packet, length, link type: what is known without dissectors. */
  private plainLine(rec: CaptureRecord, iface: InterfaceInfo | undefined): string {
    if (this.num === 1 || this.firstSec === undefined) {
      this.firstSec = rec.tsSec;
      this.firstNsec = rec.tsNsec;
    }
    let ns = BigInt(rec.tsSec - this.firstSec) * 1_000_000_000n + BigInt(rec.tsNsec - (this.firstNsec ?? 0));
    const neg = ns < 0n;
    if (neg) ns = -ns;
    const digits = this.timeDigits;
    const frac = String(ns % 1_000_000_000n).padStart(9, '0').slice(0, digits);
    const time = `${neg ? '-' : ''}${ns / 1_000_000_000n}.${frac}`;
    return `${String(this.num).padStart(5)} ${time.padStart(10)} ${rec.origLen} bytes (${rec.capLen} captured) on ${iface?.name ?? '?'}, link type ${iface?.linkType ?? '?'}`;
  }

  private firstSec: number | undefined;
  private firstNsec: number | undefined;
}

export async function runCapture(argv: readonly string[], io: CaptureIO): Promise<number> {
  let args: CaptureArgs;
  try {
    args = parseCaptureArgs(argv);
  } catch (e) {
    return reportError(io, e);
  }
  if (args.help) {
    io.stdout.write(CAPTURE_HELP);
    return 0;
  }
  const choice = io.program ? { program: io.program } : undefined;
  try {
    if (args.list) {
      const devices = await listDevices(choice);
      io.stdout.write(devices.map((d, i) => describeDevice(d, i + 1)).join('\n') + '\n');
      return 0;
    }
    const iface = args.iface ?? defaultInterface(await listDevices(choice));
    if (!iface) throw new CaptureError('no-such-device', 'no interface is up to capture on; -D lists them');
    const tempDir = args.file ? undefined : await mkdtemp(join(tmpdir(), 'paquet-capture-'));
    const file = args.file ?? join(tempDir!, 'capture.pcapng');
    let session: CaptureSession;
    try {
      session = startCapture({ ...args.options, interface: iface, file }, choice);
    } catch (e) {
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
      throw e;
    }
    const result = await supervise(session, args, io, tempDir === undefined);
    const ok = result.exitCode === 0 && result.errors.length === 0;
    if (tempDir && (ok || (result.stopped?.counts.packets ?? 0) === 0)) {
      await rm(tempDir, { recursive: true, force: true });
    } else if (tempDir) {
      io.stderr.write(`${PROGRAM}: the packets captured are kept in ${file}\n`);
    }
    return ok ? 0 : 2;
  } catch (e) {
    return reportError(io, e);
  }
}

async function supervise(session: CaptureSession, args: CaptureArgs, io: CaptureIO, writing: boolean): Promise<CaptureResult> {
  const stop = (): void => void session.stop();
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  if (io.signal) {
    if (io.signal.aborted) stop();
    else io.signal.addEventListener('abort', stop, { once: true });
  } else {
    for (const s of signals) process.on(s, stop);
  }
  try {
    let started;
    try {
      started = await session.started;
    } catch (e) {
      await session.done;
      throw e;
    }
    io.stderr.write(`Capturing on '${started.interface}'\n`);
    for (const w of session.warnings) io.stderr.write(`${PROGRAM}: ${w}\n`);
    session.on((e) => {
      if (e.type === 'warning') io.stderr.write(`${PROGRAM}: ${e.message}\n`);
      if (e.type === 'rotated' && !args.quiet) io.stderr.write(`${PROGRAM}: now writing ${e.file}\n`);
    });

    const printing = !writing && !args.quiet;
    const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
    let shownCount = -1;
    const showCount = (n: number): void => {
      if (!writing || args.quiet || n === shownCount) return;
      shownCount = n;
      io.stderr.write(tty ? `\r${n} ` : `${plural(n, 'packet')} captured so far\n`);
    };
    session.on((e) => {
      if (e.type === 'stats') showCount(e.counts.packets);
    });

    const follower = printing ? new PcapngFollower(started.file) : undefined;
    let printer: LivePrinter | undefined;
    if (printing) {
      const engine = await loadSummary();
      if (typeof engine === 'string') io.stderr.write(`${PROGRAM}: packets are printed without dissection (${engine})\n`);
      printer = new LivePrinter(io.stdout, started.precision === 'nano' ? 9 : 6, typeof engine === 'string' ? undefined : engine);
    }
    const pull = async (): Promise<void> => {
      if (!follower || !printer) return;
      printer.print(await follower.read(), follower.interfaces);
    };
    let finished = false;
    const done = session.done.then((r) => {
      finished = true;
      return r;
    });
    while (!finished) {
      await Promise.race([done, delay(FOLLOW_INTERVAL_MS)]);
      await pull();
    }
    const result = await done;
    await pull();
    await follower?.close();
    if (tty && shownCount >= 0) io.stderr.write('\n');

    for (const e of result.errors) {
      io.stderr.write(`${PROGRAM}: ${e.message}\n`);
      if (e.fix) io.stderr.write(`${PROGRAM}: to fix it: ${e.fix}\n`);
    }
    io.stderr.write(closingLines(result.stopped?.counts ?? session.counts));
    return result;
  } finally {
    io.signal?.removeEventListener('abort', stop);
    if (!io.signal) for (const s of signals) process.off(s, stop);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}
