/**
 * Incremental reader for pcap and pcapng. Feed it the file's bytes in chunks
 * with push(); it returns each record as soon as its last byte arrived and keeps
 * only the unparsed tail. The section/interface state it builds lets
 * decodeAt() decode one record again later from its file offset alone
 * (random access through an offset index, without re-reading the file).
 *
 * Damage never throws: a corrupt length stops the parser with a warning naming
 * the offset (records read so far stay valid), and an incomplete tail is
 * reported by end(). The only throw is NotACaptureError, for bytes that are no
 * capture at all.
 *
 * With `guessPcapVariant`, a pcap file whose magic fits several record layouts
 * is read as tshark reads it (see pcap-variants.ts): the choice needs the first
 * three records or the end of the file, so the caller must then call finish()
 * at the end of the data to get records still held back.
 */
import type { CaptureFormat, CaptureRecord, CaptureWarning, InterfaceInfo } from './types.js';
import { hexPrefix, maxPacketSize, viewOf } from './bytes.js';
import {
  PCAP_FILE_HEADER_LEN, parsePcapHeader, pcapMagic, readPcapLengths, readPcapRecordHeader, recordHeaderLength,
  type PcapHeader, type PcapVariant,
} from './pcap.js';
import { choosePcapVariant } from './pcap-variants.js';
import {
  BT_EPB, BT_IDB, BT_PB, BT_SHB, BT_SPB, MAX_BLOCK_LEN, decodeIdb, decodePacketOptions, shbByteOrder, walkOptions,
} from './pcapng.js';
import { splitTimestamp, type Resolution } from './timestamp.js';

/** A record plus what an offset index needs to find and decode it again. */
export interface ParsedRecord extends CaptureRecord {
  /** pcapng section the record belongs to (0 for pcap). */
  readonly section: number;
  /** Bytes the record header + data (pcap) or the whole block (pcapng) occupy in the file. */
  readonly byteLength: number;
}

export class NotACaptureError extends Error {
  override name = 'NotACaptureError';
}

interface Section {
  readonly littleEndian: boolean;
  /** Interface id within the section -> index into the parser's interface list. */
  readonly interfaces: number[];
}

interface InterfaceClock { readonly resolution: Resolution; readonly tsOffset: number }

type Decoded = ParsedRecord | string;

export interface ParserOptions {
  /** Choose among pcap record layouts like tshark; requires finish() at the end of the data. */
  readonly guessPcapVariant?: boolean;
}

export class CaptureParser {
  format: CaptureFormat | undefined;
  readonly interfaces: InterfaceInfo[] = [];
  readonly warnings: CaptureWarning[] = [];
  private readonly clocks: InterfaceClock[] = [];
  private readonly sections: Section[] = [];
  private pcap: PcapHeader | undefined;
  private variant: PcapVariant | undefined;
  private pcapRecordLen = 16;
  /** True at finish(): the data seen so far is all there is. */
  private atEof = false;
  private pending: Uint8Array[] = [];
  private pendingLen = 0;
  /** File offset of the first unparsed byte. */
  private base = 0;
  /** Bytes needed from `base` before another step can make progress. */
  private need = 4;
  private what = 'the file header';
  private count = 0;
  private stoppedAt: number | undefined;

  constructor(private readonly options: ParserOptions = {}) {}

  /** File offset up to which everything has been parsed. */
  get offset(): number { return this.base; }
  /** Number of records produced so far. */
  get recordCount(): number { return this.count; }
  /** True once damage stopped the parser; later pushes are ignored. */
  get stopped(): boolean { return this.stoppedAt !== undefined; }
  /** pcap only: the record layout in use, once known. */
  get pcapVariant(): PcapVariant | undefined { return this.variant; }

  /**
   * Parse a chunk that directly follows the previous one. The returned records'
   * data may be views into `chunk`: do not reuse or modify it afterwards.
   */
  push(chunk: Uint8Array): ParsedRecord[] {
    const out: ParsedRecord[] = [];
    if (this.stopped || chunk.length === 0) return out;
    this.pending.push(chunk);
    this.pendingLen += chunk.length;
    if (this.pendingLen < this.need) return out;
    return this.run(out);
  }

  /**
   * Treat the data seen so far as complete for decisions that wait for more
   * (the pcap layout guess) and return the records this releases. Reading may
   * continue with push() afterwards (a growing file).
   */
  finish(): ParsedRecord[] {
    if (this.stopped || this.variant !== undefined || !this.pcap) return [];
    this.atEof = true;
    try {
      return this.run([]);
    } finally {
      this.atEof = false;
    }
  }

  private run(out: ParsedRecord[]): ParsedRecord[] {
    // Once at least (finish() steps on what there is), then for as long as the next unit is all here.
    if (this.pendingLen === 0) return out;
    do {
      const buf = this.takePending();
      const view = viewOf(buf);
      let pos = 0;
      try {
        while (!this.stopped) {
          const used = this.step(buf, view, pos, out);
          if (used === 0) break;
          pos += used;
          this.base += used;
        }
      } catch (e) {
        // Not a capture: keep the bytes so that end() describes them too.
        this.pending.unshift(buf);
        this.pendingLen += buf.length;
        throw e;
      }
      if (!this.stopped && pos < buf.length) {
        // Copy the tail so the (possibly large) buffer it came from can be freed.
        this.pending.unshift(buf.slice(pos));
        this.pendingLen += buf.length - pos;
      }
    } while (!this.stopped && this.pendingLen >= this.need);
    return out;
  }

  /**
   * Call at the (current) end of the data. Throws NotACaptureError when the
   * bytes never showed a capture magic; returns a warning when the data ends
   * inside a header, record or block. Does not change the state, so reading
   * can resume with push() when a live file grows.
   */
  end(): CaptureWarning | undefined {
    if (this.format === undefined && !this.stopped) {
      const head = this.pending[0] ?? new Uint8Array(0);
      throw new NotACaptureError(this.pendingLen === 0
        ? 'not a capture file (pcap or pcapng): the file is empty'
        : `not a capture file (pcap or pcapng): only ${this.pendingLen} byte(s): ${hexPrefix(head)}`);
    }
    if (this.stopped || this.pendingLen === 0) return undefined;
    return {
      offset: this.base,
      message: `file ends inside ${this.what} at byte offset ${this.base}: ${this.pendingLen} of ${this.need} bytes present (truncated file)`,
      kind: 'truncated',
    };
  }

  /**
   * Decode the record whose bytes (exactly `byteLength` of them, as reported
   * when it was first parsed) start at `fileOffset`, using the section and
   * interface state gathered so far. Throws an Error if they do not decode.
   */
  decodeAt(bytes: Uint8Array, fileOffset: number, section: number, index: number): ParsedRecord {
    const view = viewOf(bytes);
    let r: Decoded;
    if (this.pcap) {
      r = this.decodePcapRecord(bytes, view, 0, fileOffset, index);
    } else {
      const s = this.sections[section];
      if (!s) throw new Error(`no section ${section} in this capture`);
      if (bytes.length < 12) throw new Error(`block at byte offset ${fileOffset} is too short`);
      const le = s.littleEndian;
      const len = view.getUint32(4, le);
      if (len > bytes.length || len < 12) throw new Error(`block at byte offset ${fileOffset} has a bad length ${len}`);
      r = this.decodePacketBlock(bytes, view, 0, len, view.getUint32(0, le), section, fileOffset, index);
    }
    if (typeof r === 'string') throw new Error(r);
    return r;
  }

  /**
   * The pending bytes in one piece: the first part as it is, or, when the unit at `base` runs on
   * into the next part, a copy of just its `need` bytes (or of all there is, short of that) (the rest stays pending, as a view, and
   * is read in place next): joining every chunk to the tail of the one before would copy them all.
   */
  private takePending(): Uint8Array {
    const parts = this.pending;
    const first = parts[0]!;
    const want = Math.min(this.need, this.pendingLen);
    if (parts.length === 1 || first.length >= want) {
      parts.shift();
      this.pendingLen -= first.length;
      return first;
    }
    const buf = new Uint8Array(want);
    let at = 0;
    while (at < buf.length) {
      const p = parts[0]!;
      const n = Math.min(p.length, buf.length - at);
      buf.set(n === p.length ? p : p.subarray(0, n), at);
      at += n;
      if (n === p.length) parts.shift();
      else parts[0] = p.subarray(n);
    }
    this.pendingLen -= buf.length;
    return buf;
  }

  private stop(offset: number, message: string, kind: 'corrupt' | 'unsupported' = 'corrupt'): number {
    this.stoppedAt = offset;
    this.warnings.push({ offset, message, kind });
    this.pending = [];
    this.pendingLen = 0;
    return 0;
  }

  /** One unit of work at `pos`: returns bytes consumed, or 0 when more data is needed (or on stop). */
  private step(buf: Uint8Array, view: DataView, pos: number, out: ParsedRecord[]): number {
    const avail = buf.length - pos;
    if (this.pcap) return this.stepPcap(buf, view, pos, avail, out);
    if (this.format === 'pcapng') return this.stepBlock(buf, view, pos, avail, out);
    // Also re-entered when a pcap file header arrives in pieces.
    return this.stepMagic(buf, view, pos, avail);
  }

  private needMore(n: number, what: string): number {
    this.need = n;
    this.what = what;
    return 0;
  }

  private stepMagic(buf: Uint8Array, view: DataView, pos: number, avail: number): number {
    if (avail < 4) return this.needMore(4, 'the file header');
    const first = view.getUint32(pos, false);
    const magic = pcapMagic(first);
    if (magic) {
      this.format = magic.resolution.unitsPerSec === 1e9 ? 'pcap-ns' : 'pcap';
      if (avail < PCAP_FILE_HEADER_LEN) return this.needMore(PCAP_FILE_HEADER_LEN, 'the pcap file header');
      const h = parsePcapHeader(new DataView(buf.buffer, buf.byteOffset + pos, PCAP_FILE_HEADER_LEN), magic);
      if (typeof h === 'string') return this.stop(this.base, h, 'unsupported');
      this.pcap = h;
      if (h.candidates.length === 1 || !this.options.guessPcapVariant) this.useVariant(h.candidates[0]!);
      this.interfaces.push({ linkType: h.linkType, snapLen: h.snapLen, tsResolution: h.resolution.text, section: 0 });
      this.clocks.push({ resolution: h.resolution, tsOffset: 0 });
      this.need = 16;
      return PCAP_FILE_HEADER_LEN;
    }
    if (first === BT_SHB) {
      this.format = 'pcapng';
      return this.stepBlock(buf, view, pos, avail, []);
    }
    const gz = buf[pos] === 0x1f && buf[pos + 1] === 0x8b ? ' (gzip data: decompress it first)' : '';
    throw new NotACaptureError(`not a capture file (pcap or pcapng): starts with ${hexPrefix(buf.subarray(pos))}${gz}`);
  }

  private useVariant(v: PcapVariant): void {
    this.variant = v;
    this.pcapRecordLen = recordHeaderLength(v);
  }

  private stepPcap(buf: Uint8Array, view: DataView, pos: number, avail: number, out: ParsedRecord[]): number {
    const h = this.pcap!;
    if (this.variant === undefined) {
      const choice = choosePcapVariant(view, pos, buf.length, h, this.atEof);
      if ('need' in choice) return this.needMore(choice.need, 'the first records');
      this.useVariant(choice.variant);
    }
    const headerLen = this.pcapRecordLen;
    if (avail < headerLen) return this.needMore(headerLen, 'a record header');
    const { capLen } = readPcapLengths(view, pos, h);
    const max = maxPacketSize(h.linkType);
    if (capLen > max) {
      return this.stop(this.base, `record at byte offset ${this.base} claims ${capLen} captured bytes, more than the maximum of ${max}: file is corrupt, reading stopped`);
    }
    const total = headerLen + capLen;
    if (avail < total) return this.needMore(total, 'a record');
    const r = this.decodePcapRecord(buf, view, pos, this.base, this.count);
    if (typeof r === 'string') return this.stop(this.base, r);
    out.push(r);
    this.count++;
    this.need = headerLen;
    return total;
  }

  private decodePcapRecord(buf: Uint8Array, view: DataView, pos: number, fileOffset: number, index: number): Decoded {
    const h = this.pcap!;
    const headerLen = this.pcapRecordLen;
    if (buf.length - pos < headerLen) return `record at byte offset ${fileOffset} is cut short`;
    const rh = readPcapRecordHeader(view, pos, h);
    const byteLength = headerLen + rh.capLen;
    if (buf.length - pos < byteLength) return `record at byte offset ${fileOffset} is cut short`;
    const data = buf.subarray(pos + headerLen, pos + byteLength);
    return {
      index, fileOffset, interface: 0, tsSec: rh.tsSec, tsNsec: rh.tsNsec,
      capLen: rh.capLen, origLen: rh.origLen, data, section: 0, byteLength,
    };
  }

  private stepBlock(buf: Uint8Array, view: DataView, pos: number, avail: number, out: ParsedRecord[]): number {
    const at = this.base;
    if (avail < 8) return this.needMore(8, 'a block header');
    const section = this.sections[this.sections.length - 1];
    let le = section?.littleEndian ?? true;
    const type = view.getUint32(pos, le);
    if (type === BT_SHB) {
      if (avail < 12) return this.needMore(12, 'a section header block');
      const order = shbByteOrder(view, pos);
      if (order === undefined && this.sections.length === 0) {
        throw new NotACaptureError(`not a capture file (pcap or pcapng): pcapng magic without a byte-order magic (${hexPrefix(buf.subarray(pos + 8), 4)})`);
      }
      if (order === undefined) return this.stop(at, `section header block at byte offset ${at} has no valid byte-order magic: reading stopped`);
      le = order;
    }
    const len = view.getUint32(pos + 4, le);
    const min = type === BT_SHB ? 28 : 12;
    if (len < min || len % 4 !== 0 || len > MAX_BLOCK_LEN) {
      return this.stop(at, `block at byte offset ${at} (type 0x${type.toString(16)}) has an invalid length ${len}: reading stopped`);
    }
    if (avail < len) return this.needMore(len, 'a block');
    const trailer = view.getUint32(pos + len - 4, le);
    if (trailer !== len) {
      return this.stop(at, `block at byte offset ${at} has a length of ${len} at its start but ${trailer} at its end: reading stopped`);
    }
    if (type === BT_SHB) {
      const major = view.getUint16(pos + 12, le);
      const minor = view.getUint16(pos + 14, le);
      // Versions 1.0 and 1.2 are the same format; nothing else is readable.
      if (major !== 1 || (minor !== 0 && minor !== 2)) {
        return this.stop(at, `section header block at byte offset ${at} has unsupported version ${major}.${minor}: reading stopped`, 'unsupported');
      }
      const bad = walkOptions(view, pos + 24, pos + len - 4, le, () => {});
      if (bad) return this.stop(at, `section header block at byte offset ${at}: ${bad}: reading stopped`);
      this.sections.push({ littleEndian: le, interfaces: [] });
    } else if (!section) {
      return this.stop(at, `block at byte offset ${at} precedes any section header`);
    } else if (type === BT_IDB) {
      const idb = decodeIdb(buf, view, pos, len, le);
      if (typeof idb === 'string') return this.stop(at, `interface description block at byte offset ${at}: ${idb}: reading stopped`);
      section.interfaces.push(this.interfaces.length);
      const info: InterfaceInfo = {
        linkType: idb.linkType, snapLen: idb.snapLen, tsResolution: idb.resolution.text,
        section: this.sections.length - 1, idInSection: section.interfaces.length - 1,
      };
      this.interfaces.push(Object.assign(info,
        idb.name !== undefined ? { name: idb.name } : {},
        idb.description !== undefined ? { description: idb.description } : {},
        idb.filter !== undefined ? { filter: idb.filter } : {}));
      this.clocks.push({ resolution: idb.resolution, tsOffset: idb.tsOffset });
    } else if (type === BT_EPB || type === BT_PB || type === BT_SPB) {
      const r = this.decodePacketBlock(buf, view, pos, len, type, this.sections.length - 1, at, this.count);
      if (typeof r === 'string') return this.stop(at, `${r}: reading stopped`);
      out.push(r);
      this.count++;
    }
    // Anything else (NRB, ISB, DSB, custom, unknown) carries no packet: skipped.
    this.need = 8;
    return len;
  }

  private decodePacketBlock(
    buf: Uint8Array, view: DataView, pos: number, len: number, type: number,
    sectionIndex: number, fileOffset: number, index: number,
  ): Decoded {
    const section = this.sections[sectionIndex]!;
    const le = section.littleEndian;
    const end = pos + len - 4; // start of the trailing length
    const where = `block at byte offset ${fileOffset}`;
    let localId: number;
    let tsHigh = 0;
    let tsLow = 0;
    let capLen = 0;
    let origLen: number;
    let dataStart: number;
    if (type === BT_SPB) {
      if (len < 16) return `${where}: simple packet block too short`;
      localId = 0;
      origLen = view.getUint32(pos + 8, le);
      dataStart = pos + 12;
    } else {
      if (len < 32) return `${where}: packet block too short`;
      localId = type === BT_EPB ? view.getUint32(pos + 8, le) : view.getUint16(pos + 8, le);
      tsHigh = view.getUint32(pos + 12, le);
      tsLow = view.getUint32(pos + 16, le);
      capLen = view.getUint32(pos + 20, le);
      origLen = view.getUint32(pos + 24, le);
      dataStart = pos + 28;
    }
    const global = section.interfaces[localId];
    if (global === undefined) {
      return `${where} refers to interface ${localId}, but its section defines ${section.interfaces.length}`;
    }
    const iface = this.interfaces[global]!;
    if (type === BT_SPB) {
      // No captured length is stored: it is the original length, cut to the snaplen and the block.
      capLen = Math.min(origLen, end - dataStart);
      if (iface.snapLen > 0) capLen = Math.min(capLen, iface.snapLen);
    }
    if (dataStart + capLen > end) return `${where}: captured length ${capLen} is larger than the block`;
    const max = maxPacketSize(iface.linkType);
    if (capLen > max) return `${where}: captured length ${capLen} is more than the maximum of ${max}`;
    const data = buf.subarray(dataStart, dataStart + capLen);
    let tsSec = 0;
    let tsNsec = 0;
    if (type !== BT_SPB) {
      const clock = this.clocks[global]!;
      const t = splitTimestamp(tsHigh, tsLow, clock.resolution);
      tsSec = t.sec + clock.tsOffset;
      tsNsec = t.nsec;
    }
    const record: ParsedRecord = {
      index, fileOffset, interface: global, tsSec, tsNsec, capLen, origLen, data, section: sectionIndex, byteLength: len,
    };
    if (type === BT_SPB) return Object.assign(record, { noTimestamp: true });
    const optStart = dataStart + ((capLen + 3) & ~3);
    const opts = decodePacketOptions(buf, view, optStart, end, le, 2);
    if (typeof opts === 'string') return `${where}: ${opts}`;
    return Object.assign(record, opts.comments ? { comments: opts.comments } : {},
      opts.epbFlags !== undefined ? { epbFlags: opts.epbFlags } : {});
  }
}
