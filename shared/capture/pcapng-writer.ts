/**
 * Writes pcapng: one section (little-endian) with a Section Header Block naming
 * the application, one Interface Description Block per interface, then
 * Enhanced Packet Blocks and, optionally, Interface Statistics Blocks. Every
 * method returns the encoded bytes; the caller streams them wherever it likes.
 */
import type { CaptureRecord, InterfaceInfo } from './types.js';

const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 1;
const BT_ISB = 5;
const BT_EPB = 6;

export type WriterInterface = Pick<InterfaceInfo, 'linkType' | 'snapLen' | 'name' | 'description' | 'filter' | 'tsResolution'>;

export type WriterPacket = Pick<CaptureRecord, 'interface' | 'tsSec' | 'tsNsec' | 'origLen' | 'data' | 'comments' | 'epbFlags'>;

export interface WriterStatistics {
  readonly interface: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly startSec?: number; readonly startNsec?: number;
  readonly endSec?: number; readonly endNsec?: number;
  /** Packets the interface received / dropped, the OS dropped, delivered to the capture. */
  readonly received?: number;
  readonly dropped?: number;
  readonly osDropped?: number;
  readonly delivered?: number;
}

export interface WriterOptions {
  /** shb_userappl, e.g. "Paquet 0.1.0". */
  readonly userAppl: string;
  readonly hardware?: string;
  readonly os?: string;
  readonly comment?: string;
}

const utf8 = new TextEncoder();

/** Collects options (code, length, value padded to 4) for one block. */
class Options {
  private readonly parts: Uint8Array[] = [];

  bytes(code: number, value: Uint8Array): this {
    if (value.length > 0xffff) throw new RangeError(`pcapng option ${code} is longer than 65535 bytes`);
    const opt = new Uint8Array(4 + ((value.length + 3) & ~3));
    const v = new DataView(opt.buffer);
    v.setUint16(0, code, true);
    v.setUint16(2, value.length, true);
    opt.set(value, 4);
    this.parts.push(opt);
    return this;
  }

  text(code: number, s: string | undefined): this {
    return s === undefined ? this : this.bytes(code, utf8.encode(s));
  }

  u32(code: number, n: number | undefined): this {
    if (n === undefined) return this;
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    return this.bytes(code, b);
  }

  u64(code: number, n: number | bigint | undefined): this {
    if (n === undefined) return this;
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
    return this.bytes(code, b);
  }

  /** Timestamp options are two 32-bit halves, high first, like a packet's. */
  time(code: number, units: bigint | undefined): this {
    if (units === undefined) return this;
    const b = new Uint8Array(8);
    const v = new DataView(b.buffer);
    v.setUint32(0, Number(units >> 32n), true);
    v.setUint32(4, Number(units & 0xffffffffn), true);
    return this.bytes(code, b);
  }

  /** The options followed by opt_endofopt, or nothing when there are none. */
  encode(): Uint8Array {
    if (this.parts.length === 0) return new Uint8Array(0);
    const total = this.parts.reduce((n, p) => n + p.length, 0) + 4;
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of this.parts) { out.set(p, at); at += p.length; }
    return out; // the last 4 bytes stay zero: opt_endofopt
  }
}

/** type, total length, fixed part, options, total length. */
function block(type: number, fixed: Uint8Array, options: Uint8Array): Uint8Array {
  const len = 12 + fixed.length + options.length;
  const out = new Uint8Array(len);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, len, true);
  out.set(fixed, 8);
  out.set(options, 8 + fixed.length);
  v.setUint32(len - 4, len, true);
  return out;
}

/** Decimal exponent of a "10^-k" resolution (0..9); anything else is written as nanoseconds. */
function decimalExponent(res: string | undefined): number {
  if (res === undefined) return 6;
  const m = /^10\^-(\d)$/.exec(res);
  return m ? Number(m[1]) : 9;
}

export class PcapngWriter {
  private readonly exponents: number[] = [];

  constructor(private readonly options: WriterOptions) {}

  /** The Section Header Block; write it first. */
  sectionHeader(): Uint8Array {
    const fixed = new Uint8Array(16);
    const v = new DataView(fixed.buffer);
    v.setUint32(0, 0x1a2b3c4d, true);
    v.setUint16(4, 1, true);
    v.setUint16(6, 0, true);
    v.setBigInt64(8, -1n, true); // section length not given
    const o = this.options;
    return block(BT_SHB, fixed, new Options().text(1, o.comment).text(2, o.hardware).text(3, o.os).text(4, o.userAppl).encode());
  }

  /** An Interface Description Block; interfaces are numbered 0, 1, ... in the order added. */
  addInterface(iface: WriterInterface): Uint8Array {
    const exp = decimalExponent(iface.tsResolution);
    this.exponents.push(exp);
    const fixed = new Uint8Array(8);
    const v = new DataView(fixed.buffer);
    v.setUint16(0, iface.linkType, true);
    v.setUint32(4, iface.snapLen, true);
    const opts = new Options().text(2, iface.name).text(3, iface.description);
    if (exp !== 6) opts.bytes(9, Uint8Array.of(exp));
    if (iface.filter !== undefined) {
      const f = utf8.encode(iface.filter);
      const value = new Uint8Array(1 + f.length); // leading 0: a libpcap filter string
      value.set(f, 1);
      opts.bytes(11, value);
    }
    return block(BT_IDB, fixed, opts.encode());
  }

  /** SHB followed by one IDB per interface. */
  start(interfaces: readonly WriterInterface[]): Uint8Array {
    const parts = [this.sectionHeader(), ...interfaces.map((i) => this.addInterface(i))];
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }

  /** An Enhanced Packet Block (the timestamp is cut to the interface's resolution). */
  packet(p: WriterPacket): Uint8Array {
    const units = this.units(p.interface, p.tsSec, p.tsNsec);
    const padded = (p.data.length + 3) & ~3;
    const fixed = new Uint8Array(20 + padded);
    const v = new DataView(fixed.buffer);
    v.setUint32(0, p.interface, true);
    v.setUint32(4, Number(units >> 32n), true);
    v.setUint32(8, Number(units & 0xffffffffn), true);
    v.setUint32(12, p.data.length, true);
    v.setUint32(16, p.origLen, true);
    fixed.set(p.data, 20);
    const opts = new Options();
    for (const c of p.comments ?? []) opts.text(1, c);
    opts.u32(2, p.epbFlags);
    return block(BT_EPB, fixed, opts.encode());
  }

  /** An Interface Statistics Block. */
  statistics(s: WriterStatistics): Uint8Array {
    const units = this.units(s.interface, s.tsSec, s.tsNsec);
    const fixed = new Uint8Array(12);
    const v = new DataView(fixed.buffer);
    v.setUint32(0, s.interface, true);
    v.setUint32(4, Number(units >> 32n), true);
    v.setUint32(8, Number(units & 0xffffffffn), true);
    const opts = new Options()
      .time(2, s.startSec === undefined ? undefined : this.units(s.interface, s.startSec, s.startNsec ?? 0))
      .time(3, s.endSec === undefined ? undefined : this.units(s.interface, s.endSec, s.endNsec ?? 0))
      .u64(4, s.received).u64(5, s.dropped).u64(7, s.osDropped).u64(8, s.delivered);
    return block(BT_ISB, fixed, opts.encode());
  }

  private units(iface: number, sec: number, nsec: number): bigint {
    const exp = this.exponents[iface];
    if (exp === undefined) throw new RangeError(`interface ${iface} was not added to the pcapng writer`);
    if (sec < 0 || !Number.isInteger(sec) || nsec < 0 || nsec >= 1e9) throw new RangeError(`timestamp ${sec}.${nsec} cannot be written`);
    const units = BigInt(sec) * 10n ** BigInt(exp) + BigInt(Math.floor(nsec / 10 ** (9 - exp)));
    if (units >= 1n << 64n) throw new RangeError(`timestamp ${sec}.${nsec} does not fit pcapng's 64 bits`);
    return units;
  }
}
