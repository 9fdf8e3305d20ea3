/**
 * The window's view (filter, sort, selection, pane sizes...) saved inside the
 * pcapng file itself, so reopening the file restores it.
 *
 * Where: a custom option of the Section Header Block, code 19372 ("custom
 * option, UTF-8 string, not to be copied": a program that rewrites the file
 * drops it, since the view describes this file only). Not a pcapng Custom Block
 * (type 0x40000BAD): Wireshark/tshark 4.0 list a custom block as a record of
 * its own ("PCAPNG ... Custom Block"), which shifts every frame number by one
 * against Paquet's; an SHB option is invisible to them, and
 * `tshark -r` prints the same packets with the same numbers.
 *
 * What: PEN 32473, RFC 5612's Private Enterprise Number for documentation use.
 * Paquet has no registered PEN; 32473 is the number meant for uses like this
 * one. Then UTF-8 `paquet-view/1\n` + JSON of the ViewState.
 */
import { open } from 'node:fs/promises';
import { walkOptions } from '../../shared/capture/pcapng.js';
import { COLUMN_IDS, type ColumnId, type SortOrder, type TcpdumpMode, type ViewState } from '../../shared/ipc/contract.js';

export const VIEW_OPTION_CODE = 19372;
/** The copyable variant of the same option, read too in case a tool rewrote the code. */
const VIEW_OPTION_CODE_COPYABLE = 2988;
export const PAQUET_PEN = 32473;
const MAGIC = 'paquet-view/1\n';

const SHB = 0x0a0d0d0a;
const OPT_SHB_USERAPPL = 4;
/** An option's value is at most 65535 bytes. */
const MAX_OPTION = 0xffff;
/** A section header this large is not one Paquet wrote: the view is not looked for in it. */
const MAX_SHB = 1 << 20;

const utf8 = new TextEncoder();

function option(code: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + ((value.length + 3) & ~3));
  const v = new DataView(out.buffer);
  v.setUint16(0, code, true);
  v.setUint16(2, value.length, true);
  out.set(value, 4);
  return out;
}

/** The value of the view option: PEN, then the marked JSON; null when it would not fit in an option. */
export function encodeViewOption(view: ViewState): Uint8Array | null {
  const data = utf8.encode(MAGIC + JSON.stringify(view));
  if (4 + data.length > MAX_OPTION) return null;
  const value = new Uint8Array(4 + data.length);
  new DataView(value.buffer).setUint32(0, PAQUET_PEN, true);
  value.set(data, 4);
  return value;
}

/**
 * A little-endian Section Header Block naming the application and, when given,
 * holding the view (PcapngWriter's own header has no room for custom options).
 */
export function sectionHeader(application: string, view: ViewState | null): Uint8Array {
  const options: Uint8Array[] = [];
  const value = view ? encodeViewOption(view) : null;
  if (view && !value) throw new RangeError('the view is too large to save in the file');
  if (value) options.push(option(VIEW_OPTION_CODE, value));
  options.push(option(OPT_SHB_USERAPPL, utf8.encode(application)));
  options.push(new Uint8Array(4)); // opt_endofopt
  const optLen = options.reduce((n, o) => n + o.length, 0);
  const len = 28 + optLen;
  const out = new Uint8Array(len);
  const v = new DataView(out.buffer);
  v.setUint32(0, SHB, true);
  v.setUint32(4, len, true);
  v.setUint32(8, 0x1a2b3c4d, true);
  v.setUint16(12, 1, true);
  v.setUint16(14, 0, true);
  v.setBigInt64(16, -1n, true); // section length not given
  let at = 24;
  for (const o of options) { out.set(o, at); at += o.length; }
  v.setUint32(len - 4, len, true);
  return out;
}

/** The view in an option's value (PEN + data), or null when it is not Paquet's or not a valid view. */
export function decodeViewOption(value: Uint8Array, littleEndian: boolean): ViewState | null {
  if (value.length < 4) return null;
  const pen = new DataView(value.buffer, value.byteOffset, value.byteLength).getUint32(0, littleEndian);
  if (pen !== PAQUET_PEN) return null;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(value.subarray(4));
  } catch {
    return null;
  }
  if (!text.startsWith(MAGIC)) return null;
  try {
    return parseViewState(JSON.parse(text.slice(MAGIC.length)));
  } catch {
    return null;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const TERMINAL_MODES: readonly TcpdumpMode[] = ['A', 'X', 'websocket'];

function parseSort(v: unknown): SortOrder | null | undefined {
  if (v === null) return null;
  if (!isObject(v) || !COLUMN_IDS.includes(v.column as ColumnId) || typeof v.descending !== 'boolean') return undefined;
  return { column: v.column as ColumnId, descending: v.descending };
}

/** A ViewState when `v` has its shape (unknown extra keys are dropped), else null. */
export function parseViewState(v: unknown): ViewState | null {
  if (!isObject(v)) return null;
  const { displayFilter, selected, scrollRow, columnWidths, paneSizes, terminalMode } = v;
  if (typeof displayFilter !== 'string') return null;
  if (selected !== null && !(Number.isSafeInteger(selected) && (selected as number) >= 1)) return null;
  if (!(Number.isSafeInteger(scrollRow) && (scrollRow as number) >= 0)) return null;
  if (!isObject(columnWidths)) return null;
  const widths: Partial<Record<ColumnId, number>> = {};
  for (const [k, w] of Object.entries(columnWidths)) {
    if (!COLUMN_IDS.includes(k as ColumnId) || !isFiniteNumber(w) || w < 0) return null;
    widths[k as ColumnId] = w;
  }
  if (!Array.isArray(paneSizes) || !paneSizes.every(isFiniteNumber)) return null;
  const sort = parseSort(v.sort);
  if (sort === undefined) return null;
  if (!TERMINAL_MODES.includes(terminalMode as TcpdumpMode)) return null;
  return {
    displayFilter,
    selected: selected as number | null,
    scrollRow: scrollRow as number,
    columnWidths: widths,
    paneSizes: [...paneSizes] as number[],
    sort,
    terminalMode: terminalMode as TcpdumpMode,
  };
}

/**
 * The view Paquet saved in a pcapng file's first section header; null when
 * there is none or anything about it is off (a damaged header or option never
 * makes opening the file fail: the capture reader judges the file itself).
 */
export async function readSavedView(path: string): Promise<ViewState | null> {
  const fh = await open(path, 'r');
  try {
    const head = new Uint8Array(12);
    if ((await fh.read(head, 0, 12, 0)).bytesRead !== 12) return null;
    const hv = new DataView(head.buffer);
    if (hv.getUint32(0, true) !== SHB) return null;
    const magic = hv.getUint32(8, true);
    const le = magic === 0x1a2b3c4d;
    if (!le && magic !== 0x4d3c2b1a) return null;
    const len = hv.getUint32(4, le);
    if (len < 28 || len % 4 !== 0 || len > MAX_SHB) return null;
    const shb = new Uint8Array(len);
    if ((await fh.read(shb, 0, len, 0)).bytesRead !== len) return null;
    const view = new DataView(shb.buffer);
    let found: ViewState | null = null;
    walkOptions(view, 24, len - 4, le, (code, value, length) => {
      if (!found && (code === VIEW_OPTION_CODE || code === VIEW_OPTION_CODE_COPYABLE)) {
        found = decodeViewOption(shb.subarray(value, value + length), le);
      }
    });
    return found;
  } finally {
    await fh.close();
  }
}
