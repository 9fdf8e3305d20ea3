/**
 * Where a live capture's packets live until the user saves or drops them:
 * `<stateDir>/captures/<pid>-<random>/live.pcapng`, with a small marker file
 * beside it (`capture.json`: interface, filter, start time, and who owns it).
 * The state folder is the app's own (Electron's userData), not os.tmpdir(),
 * so the packets survive a crash of the app and a reboot (/tmp is often a
 * tmpfs, emptied at boot).
 *
 * The marker is written when the capture starts and removed when its packets
 * are saved; the whole folder goes when the user drops the capture (or moves
 * on after saving). So a folder whose marker names a process that no longer
 * runs holds packets nobody saved: the app offers to recover it at start
 * (recovery.ts). The owner's pid is also in the folder's name, so a folder
 * left without a marker (saved, then the app died before removing it) can be
 * told apart from one being set up right now by a running process.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { identityOf, type ProcessIdentity } from './process-identity.js';

/** Under the state folder. */
export const CAPTURES_DIR_NAME = 'captures';
export const MARKER_NAME = 'capture.json';
export const CAPTURE_FILE_NAME = 'live.pcapng';

/** What `capture.json` holds. */
export interface CaptureMarker {
  readonly version: 1;
  /** The interface captured on; null when not known (a damaged marker). */
  readonly interface: string | null;
  readonly filter: string;
  /** When the capture started, ms since the epoch. */
  readonly startedMs: number;
  /** The Paquet process that owns the capture (the app's main process), with boot id and start time on Linux. */
  readonly pid: number;
  readonly boot?: string;
  readonly started?: string;
  /** paquet-dumpcap, once it runs: it may still be finishing the file for a moment after the app died. */
  readonly program?: ProcessIdentity;
}

export function capturesDir(stateDir: string): string {
  return join(stateDir, CAPTURES_DIR_NAME);
}

/** The owner pid a folder's name starts with (`1234-a1b2c3`), if it has one. */
export function pidOfFolderName(name: string): number | undefined {
  const m = /^(\d{1,10})-/.exec(name);
  return m ? Number(m[1]) : undefined;
}

function isIdentity(v: unknown): v is ProcessIdentity {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    Number.isSafeInteger(o.pid) && (o.boot === undefined || typeof o.boot === 'string') && (o.started === undefined || typeof o.started === 'string')
  );
}

/** A marker read from disk; undefined when the text is not one (damaged, foreign, half-written by hand). */
export function parseMarker(text: string): CaptureMarker | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (o.version !== 1 || !Number.isSafeInteger(o.pid) || typeof o.startedMs !== 'number' || !Number.isFinite(o.startedMs)) return undefined;
  if (o.interface !== null && typeof o.interface !== 'string') return undefined;
  if (typeof o.filter !== 'string') return undefined;
  if (o.program !== undefined && !isIdentity(o.program)) return undefined;
  return {
    version: 1,
    interface: o.interface,
    filter: o.filter,
    startedMs: o.startedMs,
    pid: o.pid as number,
    ...(typeof o.boot === 'string' ? { boot: o.boot } : {}),
    ...(typeof o.started === 'string' ? { started: o.started } : {}),
    ...(o.program !== undefined ? { program: o.program } : {}),
  };
}

/** The marker's owner as a ProcessIdentity. */
export function ownerOf(m: CaptureMarker): ProcessIdentity {
  return { pid: m.pid, ...(m.boot !== undefined ? { boot: m.boot } : {}), ...(m.started !== undefined ? { started: m.started } : {}) };
}

/** A marker saying this process owns the capture now. */
function ownedByThisProcess(info: { interface: string | null; filter: string; startedMs: number }): CaptureMarker {
  const me = identityOf();
  return {
    version: 1,
    interface: info.interface,
    filter: info.filter,
    startedMs: info.startedMs,
    pid: me.pid,
    ...(me.boot !== undefined ? { boot: me.boot } : {}),
    ...(me.started !== undefined ? { started: me.started } : {}),
  };
}

async function writeMarker(dir: string, marker: CaptureMarker): Promise<void> {
  await writeFileAtomic(join(dir, MARKER_NAME), `${JSON.stringify(marker, null, 1)}\n`);
}

/** A fresh folder name owned by this process (not created). */
function freshName(parent: string): string {
  return join(parent, `${process.pid}-${randomBytes(6).toString('hex')}`);
}

export class CaptureFolder {
  private constructor(
    readonly dir: string,
    private marker: CaptureMarker,
  ) {}

  /** The pcapng file the capture program writes (or wrote). */
  get file(): string {
    return join(this.dir, CAPTURE_FILE_NAME);
  }

  get startedMs(): number {
    return this.marker.startedMs;
  }

  get interface(): string | null {
    return this.marker.interface;
  }

  get filter(): string {
    return this.marker.filter;
  }

  /** A new folder for a capture starting now, its marker written before the program starts. */
  static async create(stateDir: string, info: { interface: string; filter: string }): Promise<CaptureFolder> {
    const parent = capturesDir(stateDir);
    // Captures hold other people's traffic: the folder is the user's alone.
    await mkdir(parent, { recursive: true, mode: 0o700 });
    const dir = await mkdtemp(join(parent, `${process.pid}-`));
    const marker = ownedByThisProcess({ interface: info.interface, filter: info.filter, startedMs: Date.now() });
    try {
      await writeMarker(dir, marker);
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
    return new CaptureFolder(dir, marker);
  }

  /**
   * Take over a folder another process left (recovery): rename it to a name
   * of this process first (rename is atomic, so of two windows recovering the
   * same capture only one gets it; the other sees ENOENT), then write a marker
   * naming this process. `release()` undoes both, for when opening it fails.
   */
  static async claim(
    stateDir: string,
    dir: string,
    info: { interface: string | null; filter: string; startedMs: number },
  ): Promise<{ folder: CaptureFolder; release(): Promise<void> }> {
    const previousText = await readFile(join(dir, MARKER_NAME), 'utf8').catch(() => undefined);
    const target = freshName(capturesDir(stateDir));
    await rename(dir, target);
    const marker = ownedByThisProcess(info);
    try {
      await writeMarker(target, marker);
    } catch (e) {
      await rename(target, dir).catch(() => undefined);
      throw e;
    }
    const folder = new CaptureFolder(target, marker);
    return {
      folder,
      release: async () => {
        if (previousText !== undefined) await writeFileAtomic(join(target, MARKER_NAME), previousText);
        await rename(target, dir);
      },
    };
  }

  /** The capture program runs: note it, so a recovery waits until it has finished the file. */
  async noteProgram(pid: number): Promise<void> {
    this.marker = { ...this.marker, program: identityOf(pid) };
    await writeMarker(this.dir, this.marker);
  }

  /** The packets are saved elsewhere: nothing here needs recovering any more. */
  async removeMarker(): Promise<void> {
    await rm(join(this.dir, MARKER_NAME), { force: true });
  }

  /** The user dropped the capture (or moved on after saving it): delete the folder. */
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
