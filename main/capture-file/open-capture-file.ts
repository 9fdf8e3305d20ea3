/**
 * A capture file on disk, indexed for random access: open it once (streaming
 * through the incremental parser, never loading it whole), then read packet N
 * by its offset with one positioned read.
 *
 * Gzip files cannot be read at an offset (a deflate stream must be inflated
 * from its start), so they are inflated once into a temporary file, which is
 * indexed and read instead, and removed by close(). Opened with `firstBytes`,
 * the inflation goes on in the background and the temporary file is read as
 * it grows (`complete` says when it is whole), so a big gzip file shows its
 * first packets as soon as a plain one does.
 *
 * Follow mode: the parser keeps its state and its unparsed tail, so refresh()
 * can parse whatever a live capture appended since the last look.
 */
import { createReadStream, readSync, type ReadStream } from 'node:fs';
import { mkdtemp, open, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { CaptureParser } from '../../shared/capture/parser.js';
import type { CaptureFormat, CaptureRecord, CaptureWarning, InterfaceInfo } from '../../shared/capture/types.js';
import { PacketIndex } from './packet-index.js';

const CHUNK = 1 << 20;
/** records() reads runs of packets in slices of about this size. */
const BATCH = 1 << 20;
/**
 * batchesOf() reads two wanted packets in one slice when fewer bytes than this lie between them:
 * reading a gap from the page cache costs less than another read call and its wait.
 */
const GAP = 64 << 10;
/** A refresh of a gzip file still being inflated waits for up to this many new bytes (fewer reads of a few KiB each). */
const READ_AHEAD = 8 << 20;

export interface CaptureFileReader {
  /** The file the packets are read from (the temporary copy for a gzip file). */
  readonly dataPath: string;
  readonly gzip: boolean;
  /** Undefined only when opened with `follow` before the file header has been written. */
  readonly format: CaptureFormat | undefined;
  readonly interfaces: readonly InterfaceInfo[];
  /** Damage found so far; an incomplete last record shows up here until refresh() completes it. */
  readonly warnings: readonly CaptureWarning[];
  readonly packetCount: number;
  /** Packet n (0-based), read from disk by its offset. */
  readPacket(n: number): Promise<CaptureRecord>;
  /** The same, blocking (for a dissection that needs another frame's bytes mid-packet). */
  readPacketSync(n: number): CaptureRecord;
  /** Packets from..packetCount-1 in order (the count at the time each batch is read). */
  records(from?: number): AsyncGenerator<CaptureRecord>;
  /** The same, a batch at a time (one await per read of about a megabyte, not per packet). */
  batches(from?: number): AsyncGenerator<CaptureRecord[]>;
  /**
   * The given packets (ascending, below packetCount), in that order and in batches: packets near
   * each other are read in one slice of the file, the bytes between them skipped.
   */
  batchesOf(packets: ArrayLike<number>): AsyncGenerator<CaptureRecord[]>;
  /**
   * Parse bytes not parsed yet: appended since the last look (live capture), or left for later by
   * `firstBytes`; at most `maxBytes` of them when given (about: whole chunks). Returns how many packets were added.
   */
  refresh(maxBytes?: number): Promise<number>;
  /** Bytes of the data file parsed so far, and its size at the last look: the indexing progress of a big file. */
  readonly bytesParsed: number;
  readonly bytesKnown: number;
  /** False while a gzip file is still being inflated into dataPath: refresh() will find more bytes. */
  readonly complete: boolean;
  /** 0..1: the share of a gzip file inflated so far, by its compressed bytes (1 for any other file). */
  readonly inflatedShare: number;
  /**
   * Nothing is left to parse until the file grows: every byte known is parsed, or damage stopped the
   * parser (the bytes after it are never read), and a gzip file is whole.
   */
  readonly atEnd: boolean;
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * The file is a live capture still being written: an empty or too short file is
   * accepted (the format is found by a later refresh()); wrong magic still fails.
   */
  readonly follow?: boolean;
  /**
   * Parse only about this many bytes before returning (the rest through refresh()): the app shows a
   * big file's first rows without waiting for a scan of the whole file. Default: the whole file.
   * A gzip file is then inflated in the background, only this many bytes of it waited for.
   */
  readonly firstBytes?: number;
}

/** Open and index a capture. Rejects with NotACaptureError for a file that is no capture, or fs errors. */
export async function openCaptureFile(path: string, options: OpenOptions = {}): Promise<CaptureFileReader> {
  const gzip = await startsWithGzipMagic(path);
  let tempDir: string | undefined;
  let dataPath = path;
  const extraWarnings: CaptureWarning[] = [];
  let inflation: Inflation | undefined;
  if (gzip) {
    tempDir = await mkdtemp(join(tmpdir(), 'paquet-'));
    dataPath = join(tempDir, basename(path).replace(/\.gz$/i, '') || 'capture');
    try {
      inflation = await Inflation.start(path, dataPath, extraWarnings);
    } catch (e) {
      await rm(tempDir, { recursive: true, force: true });
      throw e;
    }
    // Without firstBytes the caller expects the whole file parsed on return: it waits for all of it.
    if (options.firstBytes === undefined || options.follow) await inflation.finished;
  }
  let fh: FileHandle | undefined;
  try {
    fh = await open(dataPath, 'r');
    const reader = new Reader(fh, dataPath, gzip, tempDir, extraWarnings, inflation);
    await reader.refresh(options.firstBytes);
    if (!options.follow) reader.checkIsCapture();
    return reader;
  } catch (e) {
    await inflation?.stop();
    await fh?.close();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
    throw e;
  }
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = new Uint8Array(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * A gzip file being inflated into the temporary file, in the background: how many bytes are
 * written (whole writes only), and a wait for more. A damaged or cut gzip stream keeps what
 * inflated before it, with a warning added to `warnings` when the inflation ends.
 */
class Inflation {
  written = 0;
  done = false;
  /** Resolves when the inflation has ended (whole, broken or stopped); never rejects. */
  readonly finished: Promise<void>;
  private readonly gunzip = createGunzip();
  private readonly input: ReadStream;
  private waiting: (() => void)[] = [];
  private stopped = false;

  private constructor(src: string, private readonly out: FileHandle, private readonly srcBytes: number, warnings: CaptureWarning[]) {
    const input = (this.input = createReadStream(src, { highWaterMark: CHUNK }));
    input.on('error', (e) => this.gunzip.destroy(e));
    input.pipe(this.gunzip);
    this.finished = this.run(warnings).finally(() => {
      this.done = true;
      this.notify();
    });
  }

  static async start(src: string, dest: string, warnings: CaptureWarning[]): Promise<Inflation> {
    const srcBytes = (await stat(src)).size;
    return new Inflation(src, await open(dest, 'w'), srcBytes, warnings);
  }

  /** The share of the compressed file handed to the inflater so far (a chunk at a time: a little ahead of what is written). */
  get share(): number {
    return this.done || this.srcBytes === 0 ? 1 : Math.min(1, this.gunzip.bytesWritten / this.srcBytes);
  }

  /** Resolves once at least `bytes` bytes are written or the inflation has ended. */
  async waitFor(bytes: number): Promise<void> {
    while (!this.done && this.written < bytes) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Ends the inflation early (the file is closed) and waits for it to let go of the files. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.gunzip.destroy();
    await this.finished;
  }

  private notify(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }

  private async run(warnings: CaptureWarning[]): Promise<void> {
    try {
      for await (const chunk of this.gunzip as AsyncIterable<Buffer>) {
        await this.out.write(chunk);
        this.written += chunk.length;
        this.notify();
      }
    } catch (e) {
      if (this.stopped) return;
      const message = (e as Error).message;
      warnings.push({
        offset: this.written,
        message: `gzip data breaks after ${this.written} decompressed bytes (${message}): the capture is read up to there`,
        kind: /unexpected end/i.test(message) ? 'truncated' : 'corrupt',
      });
    } finally {
      // A destroyed inflater leaves the compressed file's stream paused, its descriptor open: close it too.
      this.input.destroy();
      await this.out.close();
    }
  }
}

class Reader implements CaptureFileReader {
  private readonly parser = new CaptureParser({ guessPcapVariant: true });
  private readonly index = new PacketIndex();
  /** Bytes of the data file handed to the parser so far. */
  private fed = 0;
  private size = 0;
  private refreshing: Promise<number> | undefined;

  constructor(
    private readonly fh: FileHandle,
    readonly dataPath: string,
    readonly gzip: boolean,
    private readonly tempDir: string | undefined,
    private readonly extraWarnings: CaptureWarning[],
    private readonly inflation: Inflation | undefined,
  ) {}

  get complete(): boolean {
    return this.inflation?.done ?? true;
  }

  get inflatedShare(): number {
    return this.inflation?.share ?? 1;
  }

  get atEnd(): boolean {
    return this.complete && (this.fed >= this.size || this.parser.stopped);
  }

  get format(): CaptureFormat | undefined { return this.parser.format; }
  get interfaces(): readonly InterfaceInfo[] { return this.parser.interfaces; }
  get packetCount(): number { return this.index.count; }
  get bytesParsed(): number { return this.fed; }
  get bytesKnown(): number { return this.size; }

  get warnings(): readonly CaptureWarning[] {
    // Bytes not read yet (firstBytes, or still being inflated) are not a cut-short record: the tail is judged once the end is reached.
    const tail = this.parser.format === undefined || !this.atEnd ? undefined : this.parser.end();
    return [...this.parser.warnings, ...(tail ? [tail] : []), ...this.extraWarnings];
  }

  /** Throws NotACaptureError when what was read so far shows no capture magic. */
  checkIsCapture(): void {
    if (this.parser.format === undefined) this.parser.end();
  }

  refresh(maxBytes = Infinity): Promise<number> {
    // One refresh at a time: the parser must see the bytes in order.
    this.refreshing ??= this.readNewBytes(maxBytes).finally(() => { this.refreshing = undefined; });
    return this.refreshing;
  }

  private async readNewBytes(maxBytes: number): Promise<number> {
    const before = this.index.count;
    const inflation = this.inflation;
    // A file still being inflated: wait for a step's worth of new bytes (or the end), and read only whole writes.
    if (inflation) await inflation.waitFor(this.fed + Math.min(maxBytes, READ_AHEAD));
    const size = inflation && !inflation.done ? inflation.written : (await this.fh.stat()).size;
    this.size = size;
    const stop = Math.min(size, this.fed + Math.max(CHUNK, maxBytes));
    while (this.fed < stop && !this.parser.stopped) {
      // A fresh buffer per chunk: the parser may keep a view of its tail.
      const buf = new Uint8Array(Math.min(CHUNK, stop - this.fed));
      const { bytesRead } = await this.fh.read(buf, 0, buf.length, this.fed);
      if (bytesRead === 0) break;
      this.fed += bytesRead;
      for (const r of this.parser.push(buf.subarray(0, bytesRead))) this.index.add(r.fileOffset, r.byteLength, r.section);
    }
    // What the file holds now is all there is for decisions that look ahead (pcap layout guess); a
    // partial read leaves them to the read that reaches the end.
    if ((this.fed >= size && this.complete) || this.parser.stopped) for (const r of this.parser.finish()) this.index.add(r.fileOffset, r.byteLength, r.section);
    return this.index.count - before;
  }

  async readPacket(n: number): Promise<CaptureRecord> {
    const offset = this.index.offset(n);
    const bytes = await this.readAt(offset, this.index.length(n));
    return this.parser.decodeAt(bytes, offset, this.index.section(n), n);
  }

  readPacketSync(n: number): CaptureRecord {
    const offset = this.index.offset(n);
    const length = this.index.length(n);
    const bytes = new Uint8Array(length);
    for (let got = 0; got < length;) {
      const bytesRead = readSync(this.fh.fd, bytes, got, length - got, offset + got);
      if (bytesRead === 0) throw new Error(`${this.dataPath}: ends before byte ${offset + length} (the file shrank?)`);
      got += bytesRead;
    }
    return this.parser.decodeAt(bytes, offset, this.index.section(n), n);
  }

  async *records(from = 0): AsyncGenerator<CaptureRecord> {
    for await (const batch of this.batches(from)) yield* batch;
  }

  async *batches(from = 0): AsyncGenerator<CaptureRecord[]> {
    let i = from;
    while (i < this.index.count) {
      // Read a run of packets in one slice, then decode each from it.
      const start = this.index.offset(i);
      let j = i;
      let end = start + this.index.length(i);
      while (j + 1 < this.index.count && this.index.offset(j + 1) + this.index.length(j + 1) - start <= BATCH) {
        j++;
        end = this.index.offset(j) + this.index.length(j);
      }
      const slice = await this.readAt(start, end - start);
      const batch: CaptureRecord[] = [];
      for (; i <= j; i++) {
        const off = this.index.offset(i) - start;
        const bytes = slice.subarray(off, off + this.index.length(i));
        batch.push(this.parser.decodeAt(bytes, start + off, this.index.section(i), i));
      }
      yield batch;
    }
  }

  async *batchesOf(packets: ArrayLike<number>): AsyncGenerator<CaptureRecord[]> {
    const index = this.index;
    for (let k = 0; k < packets.length;) {
      const start = index.offset(packets[k]!);
      let last = k;
      let end = start + index.length(packets[k]!);
      while (last + 1 < packets.length) {
        const next = packets[last + 1]!;
        const nextEnd = index.offset(next) + index.length(next);
        if (index.offset(next) - end > GAP || nextEnd - start > BATCH) break;
        last++;
        end = Math.max(end, nextEnd);
      }
      const slice = await this.readAt(start, end - start);
      const batch: CaptureRecord[] = [];
      for (; k <= last; k++) {
        const n = packets[k]!;
        const off = index.offset(n) - start;
        batch.push(this.parser.decodeAt(slice.subarray(off, off + index.length(n)), start + off, index.section(n), n));
      }
      yield batch;
    }
  }

  private async readAt(offset: number, length: number): Promise<Uint8Array> {
    const buf = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await this.fh.read(buf, got, length - got, offset + got);
      if (bytesRead === 0) throw new Error(`${this.dataPath}: ends before byte ${offset + length} (the file shrank?)`);
      got += bytesRead;
    }
    return buf;
  }

  async close(): Promise<void> {
    await this.inflation?.stop();
    // A refresh waiting for inflated bytes goes on once the inflation stops: let it end before the file does.
    await this.refreshing?.catch(() => 0);
    await this.fh.close();
    if (this.tempDir) await rm(this.tempDir, { recursive: true, force: true });
  }
}
