/**
 * One live capture as a session sees it: a capture folder in the state folder
 * (capture-folder.ts) holding the pcapng file that paquet-dumpcap writes, the
 * program's counters, and the moment it ends, asked or not. The folder
 * outlives the capture: the decoder reads the packets from it until the
 * session moves on, so the user can still save them, and it outlives a crash
 * of the app, which then offers to recover them.
 */
import { captureGuidance } from '../capture/permission-setup.js';
import { CaptureError, startCapture, type CaptureResult, type CaptureSession } from '../capture/index.js';
import { DEFAULT_BUFFER_MIB } from '../capture/options.js';
import { CaptureFolder } from './capture-folder.js';
import { SessionError } from './errors.js';

export interface LiveCaptureOptions {
  readonly interface: string;
  readonly filter: string;
  readonly snapLen?: number;
  readonly promiscuous?: boolean;
  /** paquet-dumpcap's path; found by main/capture/locate.ts when absent. */
  readonly program?: string;
  /** The state folder: the capture goes to its captures/ folder. */
  readonly stateDir: string;
}

/**
 * How the kernel hands packets over. Not libpcap's immediate mode: there each packet gets a slot of
 * about the interface's MTU (64 KiB on loopback), so even 16 MiB holds ~250 packets, and a burst of
 * 200,000 datagrams on lo lost 60% of them (test/bench/live-app-bench.mjs). Without it, packets are
 * packed end to end in blocks handed over within 100 ms, which shows them no later in the window: the
 * program writes its file every 250 ms.
 */
export const LIVE_CAPTURE_BUFFERING = { immediate: false, bufferMiB: DEFAULT_BUFFER_MIB } as const;

export interface LiveCaptureEvents {
  /** Counters changed. */
  changed(): void;
  /** The program ended without being asked to (crash, disk full, interface gone...). */
  died(capture: LiveCapture, problem: { message: string; fix?: string }): void;
}

/**
 * A capture failure as the user should see it: a missing privilege (code
 * 'permission') or a missing capture program gets the platform's and the
 * packaging's guidance (permission-guidance.ts); `program` is the path asked for.
 */
export function captureFailure(e: unknown, program?: string): SessionError {
  if (e instanceof CaptureError) {
    const g = captureGuidance(e, program);
    if (!g) return new SessionError('capture', e.message, e.fix);
    return new SessionError(g.problem === 'permission' ? 'permission' : 'capture', g.message, g.fix, g.action);
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
    readonly folder: CaptureFolder,
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

  /** Start capturing into a new capture folder; rejects with a SessionError once the program has refused. */
  static async start(options: LiveCaptureOptions, events: LiveCaptureEvents): Promise<LiveCapture> {
    let folder: CaptureFolder;
    try {
      folder = await CaptureFolder.create(options.stateDir, { interface: options.interface, filter: options.filter });
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === 'ENOSPC' ? 'the disk is full' : (e as Error).message;
      throw new SessionError('file', `the capture cannot be stored in ${options.stateDir}: ${why}`);
    }
    const file = folder.file;
    let session: CaptureSession | undefined;
    try {
      session = startCapture(
        {
          interface: options.interface,
          file,
          filter: options.filter,
          ...(options.snapLen !== undefined ? { snapLen: options.snapLen } : {}),
          ...(options.promiscuous !== undefined ? { promiscuous: options.promiscuous } : {}),
          ...LIVE_CAPTURE_BUFFERING,
        },
        options.program !== undefined ? { program: options.program } : undefined,
      );
      const started = await session.started;
      // A recovery must wait for the program too: it may outlive the app by a second, finishing the file.
      await folder.noteProgram(started.pid || session.pid || 0);
    } catch (e) {
      if (session) await session.stop(1000);
      await folder.remove();
      throw captureFailure(e, options.program);
    }
    return new LiveCapture(options, folder, session, events);
  }

  /** The pcapng file the program writes. */
  get file(): string {
    return this.folder.file;
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

  /** Whole seconds from Start to now, or to the end once it ended. */
  get elapsed(): number {
    return Math.floor(((this.endedAt ?? Date.now()) - this.startedAt) / 1000);
  }

  /** Stop the program cleanly (the last packets are written) and wait for it to exit. */
  async stop(): Promise<CaptureResult> {
    this.stopRequested = true;
    return this.session.stop();
  }

  /** Delete the capture folder (the capture must have ended). */
  async removeFiles(): Promise<void> {
    await this.folder.remove();
  }
}

function diedProblem(result: CaptureResult): { message: string; fix?: string } {
  if (result.signal && !result.stopped) {
    // Killed (kill -9, the OOM killer...): it writes whole blocks at least once a second, so the file
    // holds everything up to its last write.
    return {
      message: `The capture program was killed (${result.signal}). The packets it had written are kept; those of its last second may be missing.`,
    };
  }
  const error = result.errors[0];
  if (error) return { message: error.message, ...(error.fix ? { fix: error.fix } : {}) };
  const why = result.stopped ? `it stopped (${result.stopped.reason})` : `it exited with status ${result.exitCode}`;
  return { message: `The capture program ended on its own: ${why}. The packets captured so far are kept.` };
}
