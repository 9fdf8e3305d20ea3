/**
 * Reads a capture file from disk in chunks through the incremental parser,
 * so `paquet read` holds one chunk at a time, not the file. Gzip-compressed
 * captures are inflated on the way.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { CaptureParser, NotACaptureError, type ParsedRecord } from '../../shared/capture/index.js';
import type { CaptureWarning } from '../../shared/capture/types.js';

const CHUNK = 1 << 20;

/** Why a file could not be read, with tshark's wording and exit status. */
export class CaptureOpenError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'CaptureOpenError';
  }
}

export interface CaptureStream {
  readonly parser: CaptureParser;
  /** The file's size in bytes when opened (0 for what is not a regular file, such as a pipe). */
  readonly fileBytes: number;
  /** Batches of records, in file order, as the chunks arrive. */
  batches(): AsyncGenerator<ParsedRecord[]>;
  /** Damage found while reading (after batches() is exhausted): the first warning, if any. */
  problem(): CaptureWarning | undefined;
}

/** Open `path` for streaming; fails like tshark for a missing file, a folder or an unreadable one. */
export async function openCaptureStream(path: string): Promise<CaptureStream> {
  let fileBytes = 0;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new CaptureOpenError(`"${path}" is a directory (folder), not a file.`, 2);
    if (st.isFile()) fileBytes = st.size;
  } catch (e) {
    if (e instanceof CaptureOpenError) throw e;
    throw openFailure(path, e);
  }
  let gzip = false;
  try {
    const fh = await open(path, 'r');
    try {
      const head = new Uint8Array(2);
      const { bytesRead } = await fh.read(head, 0, 2, 0);
      gzip = bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw openFailure(path, e);
  }

  // Guess among the old pcap record layouts as tshark does (decided after three records or at the end).
  const parser = new CaptureParser({ guessPcapVariant: true });
  let tail: CaptureWarning | undefined;
  let gzipBroken: CaptureWarning | undefined;

  async function* batches(): AsyncGenerator<ParsedRecord[]> {
    const file = createReadStream(path, { highWaterMark: CHUNK });
    const source: AsyncIterable<Buffer> = gzip ? file.pipe(createGunzip()) : file;
    try {
      try {
        for await (const chunk of source) {
          // A plain view on the chunk (a fresh buffer each time), so dissectors may keep frame bytes.
          const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          const records = parser.push(bytes);
          if (records.length > 0) yield records;
          if (parser.stopped) break;
        }
      } catch (e) {
        if (e instanceof NotACaptureError) throw e;
        if (!gzip) throw openFailure(path, e);
        // A gzip stream that simply stops is a cut-short file, as tshark reports it; anything else is damage.
        const cut = (e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR';
        gzipBroken = { offset: parser.offset, message: `gzip stream breaks: ${(e as Error).message}`, kind: cut ? 'truncated' : 'corrupt' };
      }
      const last = parser.finish();
      if (last.length > 0) yield last;
      tail = parser.end();
    } catch (e) {
      if (e instanceof NotACaptureError) {
        throw new CaptureOpenError(`The file "${path}" isn't a capture file in a format Paquet understands.`, 2);
      }
      throw e;
    } finally {
      file.destroy();
    }
  }

  return {
    parser,
    fileBytes,
    batches,
    problem: () => parser.warnings[0] ?? gzipBroken ?? tail,
  };
}

/** tshark's message for a file that could not be opened. */
function openFailure(path: string, e: unknown): CaptureOpenError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new CaptureOpenError(`The file "${path}" doesn't exist.`, 2);
  if (code === 'EACCES' || code === 'EPERM') {
    return new CaptureOpenError(`The file "${path}" could not be opened due to lack of permission.`, 2);
  }
  if (code === 'EISDIR') return new CaptureOpenError(`"${path}" is a directory (folder), not a file.`, 2);
  return new CaptureOpenError(`The file "${path}" could not be opened: ${(e as Error)?.message ?? String(e)}.`, 2);
}

/** tshark's wording for damage found after some records were read (the reader's detail on a second line, as tshark does). */
export function damageMessage(path: string, w: CaptureWarning): string {
  const kind = w.kind ?? (/truncated|ends inside/.test(w.message) ? 'truncated' : 'corrupt');
  switch (kind) {
    case 'truncated':
      return `The file "${path}" appears to have been cut short in the middle of a packet.`;
    case 'unsupported':
      return `The file "${path}" contains record data that Paquet doesn't support.\n(${w.message})`;
    default:
      return `The file "${path}" appears to be damaged or corrupt.\n(${w.message})`;
  }
}
