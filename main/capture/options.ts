/** What a capture is asked to do, and the capture program's command line for it. */

export interface CaptureOptions {
  readonly interface: string;
  /** The pcapng file to write (the first ring file's name is derived from it when rotating). */
  readonly file: string;
  /** BPF capture filter, compiled by libpcap. */
  readonly filter?: string;
  /** Bytes kept of each packet; 0 or absent: 262144, as tcpdump. */
  readonly snapLen?: number;
  /** false: do not put the interface in promiscuous mode (-p). */
  readonly promiscuous?: boolean;
  /** Kernel buffer in MiB (libpcap's default when absent). */
  readonly bufferMiB?: number;
  /** Hand each packet over at once instead of in batches. */
  readonly immediate?: boolean;
  /** Nanosecond timestamps where the platform gives them. */
  readonly nano?: boolean;
  /** Link-layer type name or number (EN10MB, LINUX_SLL, LINUX_SLL2...). */
  readonly linkType?: string;
  readonly stop?: StopConditions;
  readonly ring?: RingOptions;
}

/**
 * Kernel buffer when the user names none: bursts of 200,000 datagrams of 1000 bytes on loopback lost up
 * to 17% with libpcap's default 2 MiB, none with 16 (main/capture/README.md, BENCHMARKS.md).
 */
export const DEFAULT_BUFFER_MIB = 16;

export interface StopConditions {
  readonly packets?: number;
  readonly seconds?: number;
  /** kB of 1000 bytes, as dumpcap. */
  readonly fileSizeKB?: number;
}

export interface RingOptions {
  readonly fileSizeKB?: number;
  readonly seconds?: number;
  /** Keep only the last N files. */
  readonly files?: number;
}

function positiveInt(v: number | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || v <= 0) throw new RangeError(`${what} must be a positive integer, not ${v}`);
  return v;
}

function positiveSeconds(v: number | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${what} must be a positive number of seconds, not ${v}`);
  return v;
}

/** The capture program's arguments for these options (throws RangeError on a bad value). */
export function captureArgs(o: CaptureOptions): string[] {
  const args = ['-i', o.interface, '-w', o.file];
  if (o.filter !== undefined && o.filter.trim() !== '') args.push('-f', o.filter);
  if (o.snapLen !== undefined) {
    if (!Number.isSafeInteger(o.snapLen) || o.snapLen < 0) throw new RangeError(`snapshot length must be >= 0, not ${o.snapLen}`);
    args.push('-s', String(o.snapLen));
  }
  if (o.promiscuous === false) args.push('-p');
  const buf = positiveInt(o.bufferMiB, 'kernel buffer size');
  if (buf !== undefined) args.push('-B', String(buf));
  if (o.immediate) args.push('--immediate');
  if (o.nano) args.push('--nano');
  if (o.linkType) args.push('-y', o.linkType);
  const count = positiveInt(o.stop?.packets, 'packet count');
  if (count !== undefined) args.push('-c', String(count));
  const secs = positiveSeconds(o.stop?.seconds, 'duration');
  if (secs !== undefined) args.push('-a', `duration:${secs}`);
  const size = positiveInt(o.stop?.fileSizeKB, 'file size');
  if (size !== undefined) args.push('-a', `filesize:${size}`);
  const ringSize = positiveInt(o.ring?.fileSizeKB, 'ring file size');
  if (ringSize !== undefined) args.push('-b', `filesize:${ringSize}`);
  const ringSecs = positiveSeconds(o.ring?.seconds, 'ring duration');
  if (ringSecs !== undefined) args.push('-b', `duration:${ringSecs}`);
  const files = positiveInt(o.ring?.files, 'ring file count');
  if (files !== undefined) args.push('-b', `files:${files}`);
  return args;
}
