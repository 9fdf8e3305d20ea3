/** A Writable that keeps what is written (the CLI's stdout and stderr in tests), read back as UTF-8 text. */
import { Writable } from 'node:stream';

export class Collect extends Writable {
  private readonly chunks: Buffer[] = [];

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }

  /** Decoded once, whole: a character split between two writes stays one character. */
  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
