/**
 * Classic libpcap savefile: a 24-byte file header, then records of a 16-byte
 * header followed by the captured bytes. Some 1999-era variants (Alexey
 * Kuznetzov's patches as shipped by Red Hat 6.1 and SuSE 6.3, Nokia IPSO) have
 * longer record headers, some under the standard magic: pcap-variants.ts guesses.
 */
import { MICROSECONDS, NANOSECONDS, type Resolution } from './timestamp.js';

export const PCAP_FILE_HEADER_LEN = 24;

export interface PcapHeader {
  readonly littleEndian: boolean;
  readonly resolution: Resolution;
  /** Record layouts the file may use, most likely first; one unless the magic is ambiguous. */
  readonly candidates: readonly PcapVariant[];
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly snapLen: number;
  readonly linkType: number;
  /**
   * Before version 2.3 the record header had orig_len before incl_len; some 2.3
   * writers used either order, so there a captured length above the original
   * one means they are swapped. DG/UX wrote version 543.0 with the old order.
   */
  readonly lengthOrder: 'normal' | 'swapped' | 'either';
}

/**
 * standard: 16-byte record header. nsec: the same with nanoseconds. aix: AIX's
 * tcpdump (nanoseconds, RFC 1573 ifType numbers for link types). ss990417 and
 * ss991029: 24-byte headers (interface index, protocol, packet type, padding);
 * ss990915: 28 bytes; nokia: 20 bytes.
 */
export type PcapVariant = 'standard' | 'nsec' | 'aix' | 'ss990417' | 'ss991029' | 'ss990915' | 'nokia';

export function recordHeaderLength(v: PcapVariant): number {
  switch (v) {
    case 'ss990417': case 'ss991029': return 24;
    case 'ss990915': return 28;
    case 'nokia': return 20;
    default: return 16;
  }
}

interface Magic { littleEndian: boolean; resolution: Resolution; modified: boolean }

/** Recognise a pcap magic in the first 4 bytes (big-endian reading). */
export function pcapMagic(first4: number): Magic | undefined {
  switch (first4 >>> 0) {
    case 0xa1b2c3d4: return { littleEndian: false, resolution: MICROSECONDS, modified: false };
    case 0xd4c3b2a1: return { littleEndian: true, resolution: MICROSECONDS, modified: false };
    case 0xa1b23c4d: return { littleEndian: false, resolution: NANOSECONDS, modified: false };
    case 0x4d3cb2a1: return { littleEndian: true, resolution: NANOSECONDS, modified: false };
    case 0xa1b2cd34: return { littleEndian: false, resolution: MICROSECONDS, modified: true };
    case 0x34cdb2a1: return { littleEndian: true, resolution: MICROSECONDS, modified: true };
    default: return undefined;
  }
}

/** AIX wrote RFC 1573 ifType numbers where the link type belongs (2.2 files only). */
const AIX_LINK_TYPES: Record<number, number> = { 6: 1, 9: 6, 15: 10, 24: 0 };

/** Parse the file header (needs 24 bytes); returns an error message for a header no reader accepts. */
export function parsePcapHeader(view: DataView, magic: Magic): PcapHeader | string {
  const le = magic.littleEndian;
  const versionMajor = view.getUint16(4, le);
  const versionMinor = view.getUint16(6, le);
  if (versionMajor < 2) return `pcap: major version ${versionMajor} unsupported`;
  const snapLen = view.getUint32(16, le);
  const network = view.getUint32(20, le);
  // Bits 16-25 are reserved; the top bits carry FCS information, not the link type.
  if (network & 0x03ff0000) return `pcap: network type reserved field not zero (0x${(network & 0x03ff0000).toString(16).padStart(8, '0')})`;
  const lengthOrder = (versionMajor === 2 && versionMinor < 3) || versionMajor === 543 ? 'swapped'
    : versionMajor === 2 && versionMinor === 3 ? 'either' : 'normal';
  const base = { littleEndian: le, versionMajor, versionMinor, snapLen, lengthOrder } as const;
  const aixLinkType = versionMajor === 2 && versionMinor === 2 && !magic.modified && magic.resolution === MICROSECONDS
    ? AIX_LINK_TYPES[network] : undefined;
  if (aixLinkType !== undefined) return { ...base, resolution: NANOSECONDS, linkType: aixLinkType, candidates: ['aix'] };
  const candidates: PcapVariant[] = magic.modified ? ['ss991029', 'ss990915']
    : magic.resolution === NANOSECONDS ? ['nsec'] : ['standard', 'ss990417', 'nokia'];
  return { ...base, resolution: magic.resolution, linkType: network & 0xffff, candidates };
}

export interface PcapRecordHeader {
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly capLen: number;
  readonly origLen: number;
}

/** Captured and original length of the record at `off` (its first 16 bytes must be there). */
export function readPcapLengths(view: DataView, off: number, h: PcapHeader): { capLen: number; origLen: number } {
  const a = view.getUint32(off + 8, h.littleEndian);
  const b = view.getUint32(off + 12, h.littleEndian);
  return lengthsSwapped(a, b, h) ? { capLen: b, origLen: a } : { capLen: a, origLen: b };
}

/** Whether a record's length fields, read in file order as `a` and `b`, hold the original length first. */
function lengthsSwapped(a: number, b: number, h: PcapHeader): boolean {
  return h.lengthOrder === 'swapped' || (h.lengthOrder === 'either' && a > b);
}

/**
 * Decode a record header at `off` (the caller made sure recordHeaderLen bytes are there).
 * A sub-second field out of range (damaged files) is carried into the seconds so
 * that tsNsec always stays below 10^9.
 */
export function readPcapRecordHeader(view: DataView, off: number, h: PcapHeader): PcapRecordHeader {
  const le = h.littleEndian;
  const frac = view.getUint32(off + 4, le);
  const nsec = h.resolution.unitsPerSec === 1e6 ? frac * 1000 : frac;
  const carry = Math.floor(nsec / 1e9);
  // The lengths are read here, not through readPcapLengths: one object per record, not two and a spread.
  const a = view.getUint32(off + 8, le);
  const b = view.getUint32(off + 12, le);
  const swap = lengthsSwapped(a, b, h);
  return { tsSec: view.getUint32(off, le) + carry, tsNsec: nsec - carry * 1e9, capLen: swap ? b : a, origLen: swap ? a : b };
}
