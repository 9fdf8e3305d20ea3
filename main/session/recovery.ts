/**
 * Finding the live captures that earlier runs left unsaved (a crash, a kill
 * -9, a power cut), for the app to offer at start. A capture folder (see
 * capture-folder.ts) is offered when:
 * - its marker names a process that no longer runs (nor does its capture
 *   program, which may still be finishing the file for a second after the app
 *   died); a folder of a running process is another window's or another app's
 *   current capture and is never offered; and
 * - its pcapng file holds at least a section header (else there is nothing to
 *   recover).
 * Folders that can never be offered (no marker because their packets were
 * saved, or no packets at all) and whose owner is gone are deleted here, so
 * the state folder does not fill up with them.
 */
import { open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecoverableCapture } from '../../shared/ipc/contract.js';
import { CAPTURE_FILE_NAME, capturesDir, MARKER_NAME, ownerOf, parseMarker, pidOfFolderName, type CaptureMarker } from './capture-folder.js';
import { stillRunning } from './process-identity.js';

/** A recoverable capture with what the session needs to take it over. */
export interface FoundCapture extends RecoverableCapture {
  readonly dir: string;
  /** The marker as read; null when it was damaged (the capture is still offered: nothing is dropped unasked). */
  readonly marker: CaptureMarker | null;
}

/** The smallest pcapng section header block: type, length, byte-order magic, version, section length, length. */
const MIN_SHB = 28;
const SHB_TYPE = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** True when `path` starts with a whole pcapng section header block. */
export async function hasPcapngHeader(path: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(12);
    const { bytesRead } = await fh.read(head, 0, 12, 0);
    if (bytesRead < 12 || head.readUInt32LE(0) !== SHB_TYPE) return false;
    const little = head.readUInt32LE(8) === BYTE_ORDER_MAGIC;
    if (!little && head.readUInt32BE(8) !== BYTE_ORDER_MAGIC) return false;
    const length = little ? head.readUInt32LE(4) : head.readUInt32BE(4);
    return length >= MIN_SHB && length % 4 === 0 && (await fh.stat()).size >= length;
  } finally {
    await fh.close();
  }
}

type Verdict = 'owned' | 'offer' | 'sweep';

/** What to do with one folder, from its name, its marker and its file. */
async function judge(name: string, dir: string, marker: CaptureMarker | null | 'missing'): Promise<Verdict> {
  const namePid = pidOfFolderName(name);
  if (marker === 'missing') {
    // Being set up by a running process (the marker comes right after the folder), or saved and left behind.
    return namePid !== undefined && stillRunning({ pid: namePid }) ? 'owned' : 'sweep';
  }
  if (marker !== null) {
    // A name naming another, running process: that process is taking the folder over right now.
    if (namePid !== undefined && namePid !== marker.pid && stillRunning({ pid: namePid })) return 'owned';
    if (stillRunning(ownerOf(marker))) return 'owned';
    if (marker.program && stillRunning(marker.program)) return 'owned';
  } else if (namePid !== undefined && stillRunning({ pid: namePid })) {
    return 'owned';
  }
  return (await hasPcapngHeader(join(dir, CAPTURE_FILE_NAME))) ? 'offer' : 'sweep';
}

/** Unsaved captures of processes that are gone, newest first. */
export async function findRecoverable(stateDir: string, log: (message: string) => void): Promise<FoundCapture[]> {
  const parent = capturesDir(stateDir);
  let names: string[];
  try {
    names = (await readdir(parent, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return []; // no capture was ever started with this state folder
  }
  const found: FoundCapture[] = [];
  for (const name of names) {
    const dir = join(parent, name);
    const text = await readFile(join(dir, MARKER_NAME), 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : ''));
    const marker = text === null ? 'missing' : (parseMarker(text) ?? null);
    const verdict = await judge(name, dir, marker);
    if (verdict === 'owned') continue;
    if (verdict === 'sweep') {
      await rm(dir, { recursive: true, force: true }).catch((e: Error) => log(`removing ${dir}: ${e.message}`));
      continue;
    }
    const file = join(dir, CAPTURE_FILE_NAME);
    let info;
    try {
      info = await stat(file);
    } catch {
      continue; // gone meanwhile (another window discarded it)
    }
    const m = marker === 'missing' ? null : marker;
    if (m === null) log(`the marker of ${dir} is damaged; the capture is offered anyway`);
    found.push({
      path: file,
      startedMs: m?.startedMs ?? Math.round(info.mtimeMs),
      bytes: info.size,
      interface: m?.interface ?? null,
      dir,
      marker: m,
    });
  }
  return found.sort((a, b) => b.startedMs - a.startedMs);
}
