/**
 * Save as pcapng, atomically: the bytes go to `<path>.<random>.tmp` in the
 * same folder, are flushed to disk (fsync), and only then renamed over the
 * target, so a crash or a full disk never leaves a half-written capture under
 * the user's name. On any failure the temporary file is removed and the error
 * says what went wrong in plain words.
 *
 * The file: a section header naming Paquet (with the view, see saved-view.ts),
 * one interface block per interface of the source, then one Enhanced Packet
 * Block per packet with its comments (edited ones win) and flags.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CaptureRecord, InterfaceInfo } from '../../shared/capture/types.js';
import { PcapngWriter } from '../../shared/capture/pcapng-writer.js';
import type { ViewState } from '../../shared/ipc/contract.js';
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

export async function saveCapture(path: string, input: SaveInput): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
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
