/** Checks on the paths a session is given, and the names it suggests in Save dialogs. */
import { stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { SessionError } from './errors.js';

/** Throws a SessionError unless `path` names an existing regular file this process may look at. */
export async function checkCaptureFile(path: string): Promise<void> {
  if (!isAbsolute(path)) throw new SessionError('bad-argument', `"${path}" is not an absolute path`);
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new SessionError('file', `${path} does not exist`);
    if (code === 'EACCES' || code === 'EPERM') throw new SessionError('file', `${path} cannot be read: permission denied`);
    throw new SessionError('file', `${path} cannot be opened: ${(e as Error).message}`);
  }
  if (info.isDirectory()) throw new SessionError('file', `${path} is a folder, not a capture file`);
  if (!info.isFile()) throw new SessionError('file', `${path} is not a regular file (a device, pipe or socket cannot be opened as a capture)`);
}

/** A path chosen in a Save dialog must be absolute: the session has no working folder of its own. */
export function checkSavePath(path: string): void {
  if (!isAbsolute(path) || path.includes('\0')) throw new SessionError('file', `cannot save to "${path}": not an absolute path`);
}

/** The file name without its capture extensions: `a.pcapng.gz` → `a`. */
export function captureStem(path: string): string {
  const name = basename(path).replace(/\.(gz|zst)$/i, '');
  return name.replace(/\.(pcapng|pcap|cap|ntar|dmp)$/i, '') || 'capture';
}

/** `name` in the folder of `path` with a new ending: keeps Save As next to the file it came from. */
export function besideFile(path: string, suffix: string): string {
  return join(dirname(path), captureStem(path) + suffix);
}

/** `2024-05-01T10:20:30` → `20240501-102030`, in local time, for file names. */
export function timeStamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** An interface name made safe for a file name (`\Device\NPF_{...}` on Windows). */
export function safeNamePart(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40) || 'capture';
}
