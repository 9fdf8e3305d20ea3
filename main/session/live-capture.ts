/**
 * One live capture as a session sees it: a temporary folder holding the pcapng
 * file that paquet-dumpcap writes, the program's counters, and the moment it
 * ends, asked or not. The folder outlives the capture: the decoder reads the
 * packets from it until the session moves on, so the user can still save them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureError, startCapture, type CaptureResult, type CaptureSession } from '../capture/index.js';
import { SessionError } from './errors.js';

export interface LiveCaptureOptions {
  readonly interface: string;
  readonly filter: string;
  readonly snapLen?: number;
  readonly promiscuous?: boolean;
  /** paquet-dumpcap's path; found by main/capture/locate.ts when absent. */
  readonly program?: string;
}

export interface LiveCaptureEvents {
  /** Counters changed. */
  changed(): void;
  /** The program ended without being asked to (crash, disk full, interface gone...). */
  died(capture: LiveCapture, problem: { message: string; fix?: string }): void;
}

/** A capture failure as the user should see it: a missing privilege gets its own code and the fix. */
export function captureFailure(e: unknown): SessionError {
  if (e instanceof CaptureError) {
    return new SessionError(e.code === 'permission' ? 'permission' : 'capture', e.message, e.fix);
  }
  if (e instanceof RangeError) return new SessionError('bad-argument', e.message);
  return new SessionError('capture', `the capture could not start: ${(e as Error)?.message ?? String(e)}`);
}

export class LiveCapture {
  private stopRequested = false;
  private readonly startedAt = Date.now();
  private endedAt: number | undefined;
  private latestCaptured = 0;
  private latestDropped = 0;

  private constructor(
    readonly options: LiveCaptureOptions,
    readonly dir: string,
    readonly file: string,
    private readonly session: CaptureSession,
    events: LiveCaptureEvents,
  ) {
    session.on((e) => {
      if (e.type !== 'stats' && e.type !== 'stopped') return;
      this.latestCaptured = e.counts.packets;
      this.latestDropped = (e.counts.dropped ?? 0) + (e.counts.ifDropped ?? 0);
      events.changed();
    });
    void session.done.then((result) => {
      this.endedAt = Date.now();
      if (!this.stopRequested) events.died(this, diedProblem(result));
    });
  }

  /** Start capturing into a new temporary folder; rejects with a SessionError once the program has refused. */
  static async start(options: LiveCaptureOptions, events: LiveCaptureEvents): Promise<LiveCapture> {
    const dir = await mkdtemp(join(tmpdir(), 'paquet-live-'));
    const file = join(dir, 'live.pcapng');
    let session: CaptureSession | undefined;
    try {
      session = startCapture(
        {
          interface: options.interface,
          file,
          filter: options.filter,
          ...(options.snapLen !== undefined ? { snapLen: options.snapLen } : {}),
          ...(options.promiscuous !== undefined ? { promiscuous: options.promiscuous } : {}),
          immediate: true,
        },
        options.program !== undefined ? { program: options.program } : undefined,
      );
      await session.started;
    } catch (e) {
      if (session) await session.stop(1000);
      await rm(dir, { recursive: true, force: true });
      throw captureFailure(e);
    }
    return new LiveCapture(options, dir, file, session, events);
  }

  get running(): boolean {
    return this.session.running;
  }

  get captured(): number {
    return this.latestCaptured;
  }

  get dropped(): number {
    return this.latestDropped;
  }

  get startTime(): Date {
    return new Date(this.startedAt);
  }

  /** Whole seconds from Start to now, or to the end once it ended. */
  get elapsed(): number {
    return Math.floor(((this.endedAt ?? Date.now()) - this.startedAt) / 1000);
  }

  /** Stop the program cleanly (the last packets are written) and wait for it to exit. */
  async stop(): Promise<CaptureResult> {
    this.stopRequested = true;
    return this.session.stop();
  }

  /** Delete the temporary folder (the capture must have ended). */
  async removeFiles(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

function diedProblem(result: CaptureResult): { message: string; fix?: string } {
  const error = result.errors[0];
  if (error) return { message: error.message, ...(error.fix ? { fix: error.fix } : {}) };
  const why = result.stopped ? `it stopped (${result.stopped.reason})` : `it exited with status ${result.exitCode}`;
  return { message: `The capture program ended on its own: ${why}. The packets captured so far are kept.` };
}
