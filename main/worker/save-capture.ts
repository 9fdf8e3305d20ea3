/**
 * Save as pcapng, atomically: the bytes go to a temporary file in the same
 * folder (tempName), are flushed to disk (fsync), and only then renamed over
 * the target; the folder is flushed too, so the rename itself survives a power
 * cut. A crash, a kill or a full disk never leaves a half-written capture under
 * the user's name. On any failure the temporary file is removed and the error
 * says what went wrong in plain words; one left by a process that was killed
 * mid-save is removed by the next save into that folder (removeStaleTemps).
 *
 * The file: a section header naming Paquet (with the view, see saved-view.ts),
 * one interface block per interface of the source, then one Enhanced Packet
 * Block per packet with its comments (edited ones win) and flags.
 */
import { randomBytes } from 'node:crypto';
import { lstat, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { uptime } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { CaptureRecord, InterfaceInfo } from '../../shared/capture/types.js';
import { PcapngWriter } from '../../shared/capture/pcapng-writer.js';
import type { ViewState } from '../../shared/ipc/contract.js';
import { stillRunning } from '../session/process-identity.js';
import { DecoderError } from './decoder-api.js';
import { errorText } from './capture-index.js';
import { sectionHeader } from './saved-view.js';

/** Bytes gathered before each write. */
const WRITE_CHUNK = 1 << 20;

export interface SaveInput {
  readonly interfaces: readonly InterfaceInfo[];
  /** The packets to write, in file order. */
  readonly records: AsyncIterable<CaptureRecord>;
  /** The comments a packet is saved with (edited ones win over the file's). */
  commentsOf(rec: CaptureRecord): readonly string[] | undefined;
  readonly view: ViewState | null;
  /** shb_userappl. */
  readonly application: string;
}

/**
 * `<target>.paquet-<pid>-<12 hex>.tmp`: recognisable beside the target, and the
 * pid says whether the process writing it may still be at work.
 */
function tempName(path: string): string {
  return `${path}.paquet-${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
}

const TEMP_NAME = /^.+\.paquet-(\d+)-[0-9a-f]{12}\.tmp$/;

export async function saveCapture(path: string, input: SaveInput): Promise<void> {
  const folder = dirname(path);
  await removeStaleTemps(folder);
  const temp = tempName(path);
  let fh: FileHandle | undefined;
  try {
    fh = await open(temp, 'wx');
  } catch (e) {
    throw new DecoderError('file', `Could not save ${basename(path)}: ${fsMessage(e)}`);
  }
  const file = fh;
  try {
    const out = new ChunkedWriter(async (bytes) => {
      for (let at = 0; at < bytes.length;) at += (await file.write(bytes, at, bytes.length - at)).bytesWritten;
    });
    // The section header is Paquet's own (it carries the view); the interface and packet blocks are PcapngWriter's.
    const writer = new PcapngWriter({ userAppl: input.application });
    await out.add(sectionHeader(input.application, input.view));
    for (const iface of input.interfaces) await out.add(writer.addInterface(iface));
    for await (const rec of input.records) {
      const comments = input.commentsOf(rec);
      await out.add(writer.packet({
        interface: rec.interface, tsSec: rec.tsSec, tsNsec: rec.tsNsec, origLen: rec.origLen, data: rec.data,
        ...(comments && comments.length > 0 ? { comments } : {}),
        ...(rec.epbFlags !== undefined ? { epbFlags: rec.epbFlags } : {}),
      }));
    }
    await out.flush();
    await file.sync();
    await file.close();
    fh = undefined;
    await rename(temp, path);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    if (e instanceof DecoderError) throw e;
    throw new DecoderError('file', `Could not save ${basename(path)}: ${fsMessage(e)}`);
  }
  try {
    await syncFolder(folder);
  } catch (e) {
    throw new DecoderError('file', `${basename(path)} was written, but the disk did not confirm it is stored: ${fsMessage(e)}`);
  }
}

/**
 * Flush the folder's entry list, so that after a power cut the target names the
 * new file rather than nothing or the old one (fsync of the file alone does not
 * cover the rename on Linux file systems).
 */
async function syncFolder(folder: string): Promise<void> {
  let dir: FileHandle;
  try {
    dir = await open(folder, 'r');
  } catch (e) {
    if (folderSyncUnsupported(e)) return;
    throw e;
  }
  try {
    await dir.sync();
  } catch (e) {
    if (!folderSyncUnsupported(e)) throw e;
  } finally {
    await dir.close();
  }
}

/**
 * Errors that mean "a folder cannot be flushed here", not "the disk failed":
 * Windows cannot open a folder as a file (EISDIR, EPERM), so there is no
 * folder to flush there; some file systems (network, FUSE) refuse fsync on a folder
 * (EINVAL, ENOTSUP); a folder the user may write into but not list (mode -wx)
 * cannot be opened for reading (EACCES). The file is saved in every case; only
 * the extra guarantee against a power cut is not available.
 */
function folderSyncUnsupported(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'ENOTSUP' || code === 'EACCES';
}

/**
 * Remove the temporary files a save left in `folder` when its process was killed
 * (or the machine lost power) before it could clean up. Only regular files named
 * by tempName count, and only when their writer is certainly gone: the pid in the
 * name runs no more, or the file was last written before this boot. A save still
 * running in another window (same pid) or another Paquet is left alone.
 */
async function removeStaleTemps(folder: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return; // an unreadable or missing folder: the save's own open reports it in words
  }
  const bootedMs = Date.now() - uptime() * 1000;
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m) continue;
    const file = join(folder, name);
    try {
      const st = await lstat(file);
      if (!st.isFile()) continue;
      if (st.mtimeMs >= bootedMs && stillRunning({ pid: Number(m[1]) })) continue;
      await rm(file);
    } catch {
      // Gone meanwhile, or not ours to delete: it only takes space, and its name says what it is.
    }
  }
}

/** Node's fs messages ("ENOSPC: no space left on device, write") made into a sentence. */
function fsMessage(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ENOENT': return 'the folder does not exist';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ENOSPC': return 'the disk is full';
    case 'EROFS': return 'the disk is read-only';
    case 'EISDIR': return 'a folder has that name';
    case 'EXDEV': return 'the temporary file is on another disk';
    default: return errorText(e);
  }
}

class ChunkedWriter {
  private parts: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly write: (bytes: Uint8Array) => Promise<void>) {}

  async add(bytes: Uint8Array): Promise<void> {
    this.parts.push(bytes);
    this.size += bytes.length;
    if (this.size >= WRITE_CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const all = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) { all.set(p, at); at += p.length; }
    this.parts = [];
    this.size = 0;
    await this.write(all);
  }
}
