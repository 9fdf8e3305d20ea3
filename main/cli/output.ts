/**
 * Buffered writing to stdout: text is encoded as it comes into one large
 * buffer (no string of the whole batch is built), written out in large
 * writes, and the reader waits for the pipe to drain so a slow consumer holds
 * back the dissection instead of letting output pile up in memory. A closed
 * pipe (`paquet read big.pcap | head`) ends the run quietly, as tshark does.
 */
import type { Writable } from 'node:stream';

const FLUSH_AT = 64 * 1024;

export class BufferedOutput {
  /** A fresh buffer after each flush: the stream may still hold the last one (a pipe queues what it cannot take yet). */
  private buf = Buffer.allocUnsafe(2 * FLUSH_AT);
  private size = 0;
  /** Set once the consumer went away; the reader stops producing. */
  closed = false;

  constructor(private readonly stream: Writable) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') {
        this.closed = true;
        return;
      }
      throw err;
    });
  }

  write(text: string): void {
    if (this.closed) return;
    this.room(text.length * 3);
    this.size += this.buf.write(text, this.size);
  }

  line(text: string): void {
    if (this.closed) return;
    this.room(text.length * 3 + 1);
    this.size += this.buf.write(text, this.size);
    this.buf[this.size++] = 0x0a;
  }

  /** Bytes already encoded (a split read's lines, made in other threads). */
  bytes(data: Uint8Array): void {
    if (this.closed) return;
    this.room(data.length);
    this.buf.set(data, this.size);
    this.size += data.length;
  }

  /**
   * Make room for `bytes` more (Buffer.write stops silently at the end of the buffer; a UTF-16
   * unit takes at most 3 bytes in UTF-8). Only output larger than a flush between two flushes grows it.
   */
  private room(bytes: number): void {
    if (this.size + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.size + bytes));
    this.buf.copy(bigger, 0, 0, this.size);
    this.buf = bigger;
  }

  /** Write out what is gathered when there is enough of it, waiting for the pipe if it is full. */
  maybeFlush(): Promise<void> | undefined {
    return this.size >= FLUSH_AT ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.closed || this.size === 0) {
      this.size = 0;
      return;
    }
    const bytes = this.buf.subarray(0, this.size);
    this.buf = Buffer.allocUnsafe(2 * FLUSH_AT);
    this.size = 0;
    const ok = this.stream.write(bytes);
    if (!ok && !this.closed) await this.drained();
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
  }

  /** Flush and wait until the stream has handed everything to the OS. */
  async end(): Promise<void> {
    await this.flush();
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      this.stream.write('', () => resolve());
    });
  }
}
