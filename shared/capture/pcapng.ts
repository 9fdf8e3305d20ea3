/**
 * pcapng blocks (draft-ietf-opsawg-pcapng): every block is
 * type(4) total-length(4) body total-length(4), lengths multiples of 4,
 * byte order fixed per section by the Section Header Block's byte-order magic.
 */
import { decodeText } from './bytes.js';
import { MICROSECONDS, resolutionFromByte, type Resolution } from './timestamp.js';

export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 0x00000001;
export const BT_PB = 0x00000002; // obsolete Packet Block
export const BT_SPB = 0x00000003;
export const BT_EPB = 0x00000006;

export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Blocks larger than this are taken as corruption rather than buffered (Wireshark uses a similar cap). */
export const MAX_BLOCK_LEN = 64 * 1024 * 1024;

export const OPT_ENDOFOPT = 0;
export const OPT_COMMENT = 1;

/**
 * Walk the options in [start, end). Calls `visit(code, valueOffset, valueLen)`;
 * returns an error message if an option runs past the end.
 */
export function walkOptions(
  view: DataView, start: number, end: number, le: boolean,
  visit: (code: number, value: number, len: number) => void,
): string | undefined {
  let off = start;
  while (off + 4 <= end) {
    const code = view.getUint16(off, le);
    const len = view.getUint16(off + 2, le);
    if (code === OPT_ENDOFOPT) return undefined;
    const value = off + 4;
    if (value + len > end) return `option ${code} of length ${len} runs past the end of its block`;
    visit(code, value, len);
    off = value + ((len + 3) & ~3);
  }
  return undefined;
}

export interface ShbInfo { readonly littleEndian: boolean; readonly versionMajor: number; readonly versionMinor: number }

/** Byte order of a section from the 4 bytes after the SHB's block type; undefined when it is no BOM. */
export function shbByteOrder(view: DataView, off: number): boolean | undefined {
  const bom = view.getUint32(off + 8, false);
  if (bom === BYTE_ORDER_MAGIC) return false;
  if (bom === 0x4d3c2b1a) return true;
  return undefined;
}

export interface IdbInfo {
  readonly linkType: number;
  readonly snapLen: number;
  readonly name?: string;
  readonly description?: string;
  readonly filter?: string;
  readonly resolution: Resolution;
  /** if_tsoffset: seconds to add to every timestamp of the interface. */
  readonly tsOffset: number;
}

/** Decode an IDB occupying [off, off+len) of `bytes`. */
export function decodeIdb(bytes: Uint8Array, view: DataView, off: number, len: number, le: boolean): IdbInfo | string {
  if (len < 20) return `interface description block of length ${len} is too short`;
  const linkType = view.getUint16(off + 8, le);
  const snapLen = view.getUint32(off + 12, le);
  let name: string | undefined;
  let description: string | undefined;
  let filter: string | undefined;
  let resolution = MICROSECONDS;
  let tsOffset = 0;
  let badResolution: string | undefined;
  const err = walkOptions(view, off + 16, off + len - 4, le, (code, value, vlen) => {
    const text = () => decodeText(bytes.subarray(value, value + vlen));
    switch (code) {
      case 2: name = text(); break;
      case 3: description = text(); break;
      case 9:
        if (vlen >= 1) {
          const r = resolutionFromByte(bytes[value]!);
          if (r) resolution = r; else badResolution = `if_tsresol ${bytes[value]} is out of range`;
        }
        break;
      case 11:
        // First byte says what follows: 0 = a libpcap filter string, 1 = a BPF program.
        if (vlen >= 1 && bytes[value] === 0) filter = decodeText(bytes.subarray(value + 1, value + vlen));
        break;
      case 14:
        if (vlen === 8) tsOffset = Number(view.getBigInt64(value, le));
        break;
    }
  });
  if (err) return err;
  if (badResolution) return badResolution;
  const idb: IdbInfo = { linkType, snapLen, resolution, tsOffset };
  return Object.assign(idb,
    name !== undefined ? { name } : {},
    description !== undefined ? { description } : {},
    filter !== undefined ? { filter } : {});
}

export interface PacketOptions { comments?: string[]; epbFlags?: number }

/** Options of an EPB/PB: comments and flags. */
export function decodePacketOptions(
  bytes: Uint8Array, view: DataView, start: number, end: number, le: boolean, flagsCode: number,
): PacketOptions | string {
  const out: PacketOptions = {};
  const err = walkOptions(view, start, end, le, (code, value, vlen) => {
    if (code === OPT_COMMENT) (out.comments ??= []).push(decodeText(bytes.subarray(value, value + vlen)));
    else if (code === flagsCode && vlen === 4) out.epbFlags = view.getUint32(value, le);
  });
  return err ?? out;
}
