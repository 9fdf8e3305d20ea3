/**
 * Capture-file reading for Paquet: pcap (µs and ns, both byte orders) and
 * pcapng. readCapture() parses bytes already in memory; CaptureParser is the
 * incremental reader underneath (chunks in, records with offsets out), which
 * main/capture-file uses to stream files from disk.
 */
import { Gunzip } from 'fflate';
import type { CaptureFormat, CaptureRecord, CaptureWarning, InterfaceInfo } from './types.js';
import { CaptureParser, NotACaptureError } from './parser.js';

export type { CaptureFormat, CaptureRecord, CaptureWarning, InterfaceInfo } from './types.js';
export { CaptureParser, NotACaptureError, type ParsedRecord, type ParserOptions } from './parser.js';
export type { PcapVariant } from './pcap.js';
export {
  PcapngWriter, type WriterInterface, type WriterOptions, type WriterPacket, type WriterStatistics,
} from './pcapng-writer.js';

export interface CaptureFile {
  readonly format: CaptureFormat;
  readonly interfaces: InterfaceInfo[];
  records(): Iterable<CaptureRecord>;
  readonly warnings: CaptureWarning[];
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parse a whole capture held in memory (gzip-compressed or not). Throws
 * NotACaptureError (one line) for bytes that are no capture; any damage
 * after the header ends in `warnings`, keeping every complete record.
 */
export function readCapture(bytes: Uint8Array): CaptureFile {
  const warnings: CaptureWarning[] = [];
  const parser = new CaptureParser({ guessPcapVariant: true });
  const records: CaptureRecord[] = [];
  if (isGzip(bytes)) {
    // Decompress piecewise so that a damaged gzip stream still yields what came before the damage.
    const gz = new Gunzip((chunk) => { for (const r of parser.push(chunk)) records.push(r); });
    try {
      gz.push(bytes, true);
    } catch (e) {
      if (e instanceof NotACaptureError) throw e;
      const message = (e as Error).message;
      warnings.push({
        offset: parser.offset,
        message: `gzip stream ends or breaks after ${parser.offset} decompressed bytes: ${message}`,
        kind: /unexpected EOF/i.test(message) ? 'truncated' : 'corrupt',
      });
    }
  } else {
    for (const r of parser.push(bytes)) records.push(r);
  }
  for (const r of parser.finish()) records.push(r);
  const tail = parser.end();
  warnings.unshift(...parser.warnings);
  if (tail) warnings.push(tail);
  return {
    format: parser.format!,
    interfaces: parser.interfaces,
    records: () => records,
    warnings,
  };
}
