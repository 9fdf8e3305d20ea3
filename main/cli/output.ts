/**
 * Buffered writing to stdout: lines are gathered into large writes, and the
 * reader waits for the pipe to drain so a slow consumer holds back the
 * dissection instead of letting output pile up in memory. A closed pipe
 * (`paquet read big.pcap | head`) ends the run quietly, as tshark does.
 */
import type { Writable } from 'node:stream';

const FLUSH_AT = 64 * 1024;

export class BufferedOutput {
  private parts: string[] = [];
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
    this.parts.push(text);
    this.size += text.length;
  }

  line(text: string): void {
    this.write(text + '\n');
  }

  /** Write out what is gathered when there is enough of it, waiting for the pipe if it is full. */
  maybeFlush(): Promise<void> | undefined {
    return this.size >= FLUSH_AT ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.closed || this.size === 0) {
      this.parts = [];
      this.size = 0;
      return;
    }
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    const ok = this.stream.write(text);
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
