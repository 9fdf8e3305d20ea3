/**
 * Runs paquet-dumpcap and supervises it: list devices, validate a filter,
 * start a capture, follow its events, stop it (SIGTERM, or closing its stdin on
 * Windows: spawn-program.ts; SIGKILL after a grace period). The capture program writes the pcapng file itself, so this
 * process may die without losing packets: the program notices its control pipe
 * closing and stops cleanly.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { findCaptureProgram } from './locate.js';
import { captureArgs, type CaptureOptions } from './options.js';
import { requestStop, spawnCaptureProgram } from './spawn-program.js';
import {
  CaptureError,
  parseEventLine,
  type CaptureCounts,
  type CaptureEvent,
  type Device,
  type ErrorEvent,
  type StartedEvent,
  type StoppedEvent,
} from './events.js';

export interface ProgramChoice {
  /** Path of paquet-dumpcap; found with findCaptureProgram() when absent. */
  readonly program?: string;
}

export interface CaptureResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The program's closing report; absent when it was killed or crashed. */
  readonly stopped?: StoppedEvent;
  readonly errors: readonly ErrorEvent[];
  /** Every capture file the program opened, in order (ring files may since have been deleted). */
  readonly files: readonly string[];
  readonly stderr: string;
}

function requireProgram(choice?: ProgramChoice): string {
  const p = choice?.program ?? findCaptureProgram();
  if (!p) {
    throw new CaptureError(
      'not-built',
      'the capture program is not built: run `node main/capture/build.mjs` (it needs a C compiler and libpcap, e.g. apt-get install gcc libpcap-dev)',
    );
  }
  return p;
}

function errorFrom(e: ErrorEvent): CaptureError {
  return new CaptureError(e.code, e.message, e.fix);
}

/** Run the program to completion, collecting its events (for -D and --validate-filter). */
function runToEnd(program: string, args: string[]): Promise<{ events: CaptureEvent[]; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnCaptureProgram(program, args);
    const events: CaptureEvent[] = [];
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const e = parseEventLine(line);
      if (e) events.push(e);
    });
    child.on('error', (err) => reject(new CaptureError('not-built', `cannot run ${program}: ${err.message}`)));
    child.on('close', (code) => resolve({ events, code, stderr }));
  });
}

/** The interfaces libpcap can open, `any` included on Linux. */
export async function listDevices(choice?: ProgramChoice): Promise<Device[]> {
  const { events, stderr } = await runToEnd(requireProgram(choice), ['-D']);
  for (const e of events) {
    if (e.type === 'devices') return [...e.devices];
    if (e.type === 'error') throw errorFrom(e);
  }
  throw new CaptureError('crashed', `the capture program listed no devices${stderr ? `: ${stderr.trim()}` : ''}`);
}

export type FilterCheck = { readonly ok: true; readonly linkType: number } | { readonly ok: false; readonly message: string };

/**
 * Compile a capture filter without capturing: against the interface's link type
 * when it can be opened, else against Ethernet.
 */
export async function validateFilter(
  filter: string,
  opts: ProgramChoice & { readonly interface?: string; readonly linkType?: string } = {},
): Promise<FilterCheck> {
  const args = ['-f', filter, '--validate-filter'];
  if (opts.interface) args.push('-i', opts.interface);
  if (opts.linkType) args.push('-y', opts.linkType);
  const { events, stderr } = await runToEnd(requireProgram(opts), args);
  for (const e of events) {
    if (e.type === 'filter-ok') return { ok: true, linkType: e.linkType };
    if (e.type === 'error') return { ok: false, message: e.message };
  }
  return { ok: false, message: stderr.trim() || 'the capture program gave no answer' };
}

/** Start capturing; events arrive through on(), the end through `done`. */
export function startCapture(options: CaptureOptions, choice?: ProgramChoice): CaptureSession {
  return new CaptureSession(requireProgram(choice), captureArgs(options));
}

export class CaptureSession {
  /** Resolves once the program has opened the interface and the file; rejects with a CaptureError otherwise. */
  readonly started: Promise<StartedEvent>;
  /** Resolves when the program has exited (never rejects). */
  readonly done: Promise<CaptureResult>;
  readonly files: string[] = [];
  /** Warnings so far (a listener added after `started` has missed the early ones). */
  readonly warnings: string[] = [];
  private readonly child: ChildProcess;
  private readonly listeners = new Set<(e: CaptureEvent) => void>();
  private readonly errors: ErrorEvent[] = [];
  private stoppedEvent: StoppedEvent | undefined;
  private latest: CaptureCounts = { packets: 0, bytes: 0, fileBytes: 0 };
  private exited = false;

  constructor(
    readonly program: string,
    readonly args: readonly string[],
  ) {
    const child = spawnCaptureProgram(program, args);
    this.child = child;
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      if (stderr.length < 65536) stderr += s;
    });
    let resolveStarted!: (e: StartedEvent) => void;
    let rejectStarted!: (e: CaptureError) => void;
    this.started = new Promise<StartedEvent>((res, rej) => {
      resolveStarted = res;
      rejectStarted = rej;
    });
    this.started.catch(() => undefined); // observed through `done` when nobody awaits it
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const e = parseEventLine(line);
      if (!e) return;
      if (e.type === 'started') {
        this.files.push(e.file);
        resolveStarted(e);
      } else if (e.type === 'rotated') {
        this.files.push(e.file);
      } else if (e.type === 'stats') {
        this.latest = e.counts;
      } else if (e.type === 'stopped') {
        this.latest = e.counts;
        this.stoppedEvent = e;
      } else if (e.type === 'warning') {
        this.warnings.push(e.message);
      } else if (e.type === 'error') {
        this.errors.push(e);
        rejectStarted(errorFrom(e));
      }
      for (const l of this.listeners) l(e);
    });
    const linesClosed = new Promise<void>((res) => lines.on('close', res));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
      child.on('error', (err) => {
        const e: ErrorEvent = { type: 'error', code: 'not-built', message: `cannot run ${program}: ${err.message}` };
        this.errors.push(e);
        rejectStarted(errorFrom(e));
        res({ code: null, signal: null });
      });
      child.on('exit', (code, signal) => res({ code, signal }));
    });
    // The last lines may still be in the pipe when the process exits; wait for them (not forever:
    // a descendant could hold the pipe open).
    const settled = exited.then(async (how) => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([linesClosed, new Promise<void>((r) => (timer = setTimeout(r, 2000)))]);
      clearTimeout(timer);
      return how;
    });
    this.done = settled.then(({ code, signal }) => {
      this.exited = true;
      if (!this.stoppedEvent && this.errors.length === 0) {
        const why = signal ? `was killed by ${signal}` : `exited with status ${code}`;
        const e: ErrorEvent = {
          type: 'error',
          code: 'crashed',
          message: `the capture program ${why}${stderr.trim() ? `: ${stderr.trim()}` : ''}`,
        };
        this.errors.push(e);
        rejectStarted(errorFrom(e));
      }
      return {
        exitCode: code,
        signal,
        ...(this.stoppedEvent ? { stopped: this.stoppedEvent } : {}),
        errors: this.errors,
        files: this.files,
        stderr,
      };
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The file being written now (undefined before `started`). */
  get file(): string | undefined {
    return this.files[this.files.length - 1];
  }

  /** The latest counts the program reported. */
  get counts(): CaptureCounts {
    return this.latest;
  }

  get running(): boolean {
    return !this.exited;
  }

  /** Listen to every event; returns the function that stops listening. */
  on(listener: (e: CaptureEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stop cleanly (last packets written, statistics block, file closed); SIGKILL after graceMs. */
  async stop(graceMs = 5000): Promise<CaptureResult> {
    if (!this.exited) {
      requestStop(this.child);
      const timer = setTimeout(() => {
        if (!this.exited) this.child.kill('SIGKILL');
      }, graceMs);
      try {
        return await this.done;
      } finally {
        clearTimeout(timer);
      }
    }
    return this.done;
  }
}
