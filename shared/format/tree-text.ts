/**
 * The packet detail tree as `tshark -V` prints it: four spaces per level,
 * generated items in [brackets], hidden items (and what hangs under them)
 * left out. An item without its own text is labelled from its field
 * declaration: `Name: value`, value names as `Name (value)`, hex widths,
 * units, and the `..1. ....` bit picture of bit fields.
 */
import { hexDigits, type FieldDef, type FieldValue } from '../dissect/field.js';
import type { DataSource } from '../dissect/packet.js';
import type { TreeNode } from '../dissect/tree.js';
import { escapeString, hex, valueText } from './field-text.js';
import { hexDumpLines } from './hexdump.js';
import { truncateUtf8, utf8Length } from './utf8-text.js';

const INDENT = '    ';
/** Wireshark shows at most this many bytes of a bytes field in its label, then an ellipsis. */
const BYTES_SHOWN_IN_LABEL = 36;

export interface TreeTextOptions {
  /**
   * Dump the bytes of each `data` layer right under its label, as tshark -V
   * does when -x is not given; needs the packet's data sources.
   */
  readonly inlineDataHex?: boolean;
  readonly sources?: readonly DataSource[];
}

/** The printed lines of a packet's tree (no trailing blank line). */
export function treeLines(roots: readonly TreeNode[], options: TreeTextOptions = {}): string[] {
  const lines: string[] = [];
  addLines(roots, 0, options, lines);
  return lines;
}

function addLines(nodes: readonly TreeNode[], depth: number, options: TreeTextOptions, out: string[]): void {
  for (const node of nodes) {
    if (node.hidden) continue;
    const label = itemLabel(node);
    out.push(INDENT.repeat(depth) + (node.generated ? `[${label}]` : label));
    if (options.inlineDataHex && node.def.type === 'protocol' && node.def.abbrev === 'data') {
      const bytes = options.sources?.[node.source]?.tvb.bytes;
      if (bytes) {
        out.push('');
        for (const line of hexDumpLines(bytes.subarray(node.offset, node.offset + node.length))) out.push(line);
      }
    }
    if (node.children) addLines(node.children, depth + 1, options, out);
  }
}

/** Bytes of a label that fit in Wireshark's label buffer (ITEM_LABEL_LENGTH 240, with its NUL). */
const LABEL_MAX_LENGTH = 239;
const TRUNCATED_MARK = ' [truncated]';

/**
 * An item's line as the tree (and JSON's text keys) show it, without the
 * brackets of generated items. A label too long for Wireshark's buffer gets
 * ` [truncated]` after the field name (at the start of a custom text) and is
 * cut, between characters, to what then fits.
 */
export function itemLabel(node: TreeNode): string {
  let label: string;
  let namePos = 0;
  if (node.text !== undefined) {
    label = node.text;
    // A text of the `Name: value` form is what Wireshark's format_value calls build: the mark goes after the name.
    if (label.startsWith(node.def.name + ': ')) namePos = node.def.name.length;
  } else {
    label = defaultLabel(node.def, node.value);
    namePos = nameEnd(node.def, node.value);
  }
  if (node.suffix) label += node.suffix;
  if (utf8Length(label) <= LABEL_MAX_LENGTH) return label;
  const marked = label.slice(0, namePos) + TRUNCATED_MARK + label.slice(namePos);
  return truncateUtf8(marked, LABEL_MAX_LENGTH - 1);
}

/** Where the field name ends in a default label (after the bit picture, if any). */
function nameEnd(def: FieldDef, value: FieldValue): number {
  if (def.type === 'protocol' || def.type === 'none' || value === null || !def.bitmask) return def.name.length;
  return bitfieldPrefix(def, value).length + 3 + def.name.length;
}

/** `Name: value` (with a bit picture for bit fields) for an item the dissector gave no text. */
export function defaultLabel(def: FieldDef, value: FieldValue): string {
  if (def.type === 'protocol' || def.type === 'none' || value === null) return def.name;
  const text = `${def.name}: ${valueLabel(def, value)}`;
  return def.bitmask ? `${bitfieldPrefix(def, value)} = ${text}` : text;
}

/** A value as the tree shows it after `Name: `. */
export function valueLabel(def: FieldDef, value: FieldValue): string {
  const unit = def.unit ?? '';
  switch (def.type) {
    case 'boolean': {
      const [yes, no] = def.tfs ?? ['True', 'False'];
      return value ? yes : no;
    }
    case 'uint8': case 'uint16': case 'uint24': case 'uint32': case 'uint64':
    case 'int8': case 'int16': case 'int32': case 'int64': case 'char':
      return integerLabel(def, value as number | bigint);
    case 'double':
      return String(value) + unit;
    case 'bytes':
      return value instanceof Uint8Array ? bytesLabel(value) : String(value);
    case 'absolute_time': case 'relative_time':
      return valueText(def, value) + unit;
    case 'string':
      // Labels escape every control character; -T fields only five of them.
      return escapeString(String(value));
    default:
      // Addresses and frame numbers read the same in the tree as in -T fields.
      return valueText(def, value);
  }
}

function integerLabel(def: FieldDef, value: number | bigint): string {
  const dec = value.toString();
  const hexText = '0x' + unsignedHex(def, value);
  const name = def.strings?.[Number(value)];
  if (def.strings) {
    // BASE_NONE with a value_string shows the name alone (checksum status, expert severity). Base has
    if (def.base === 'none') return name ?? 'Unknown';
    // With a value_string, the number follows the name in the field's primary base only.
    const shown = def.base === 'hex' || def.base === 'hex_dec' ? hexText : def.base === 'oct' ? '0' + value.toString(8) : dec;
    return `${name ?? 'Unknown'} (${shown})`;
  }
  const unit = def.unit ?? '';
  switch (def.base) {
    case 'hex': return hexText + unit;
    case 'dec_hex': return `${dec}${unit} (${hexText})`;
    case 'hex_dec': return `${hexText}${unit} (${dec})`;
    case 'oct': return '0' + value.toString(8) + unit;
    default: return dec + unit;
  }
}

/** Hex digits of the field's type, or of its mask's width for a bit field (`Reserved: 0x0` for a 3-bit mask). */
function unsignedHex(def: FieldDef, value: number | bigint): string {
  const digits = def.bitmask ? Math.ceil(maskWidth(def.bitmask) / 4) : hexDigits(def.type) || 1;
  const bits = BigInt(digits * 4);
  const v = (typeof value === 'bigint' ? value : BigInt(Math.trunc(value))) & ((1n << bits) - 1n);
  return v.toString(16).padStart(digits, '0');
}

function bytesLabel(bytes: Uint8Array): string {
  if (bytes.length === 0) return '<MISSING>';
  if (bytes.length <= BYTES_SHOWN_IN_LABEL) return hex(bytes);
  return hex(bytes.subarray(0, BYTES_SHOWN_IN_LABEL)) + '\u2026';
}

/** Bits from the lowest to the highest set bit of the mask. */
function maskWidth(mask: number): number {
  if (mask === 0) return 0;
  return Math.floor(Math.log2(mask)) - lowestBit(mask) + 1;
}

/** Position of the mask's lowest set bit (masks may exceed 31 bits, so no bitwise tricks). */
function lowestBit(mask: number): number {
  let shift = 0;
  while (mask > 0 && mask % 2 === 0) {
    mask /= 2;
    shift++;
  }
  return shift;
}

/** Width in bits of the container a bit field is read from. */
function containerBits(def: FieldDef): number {
  if (def.bits) return def.bits;
  const digits = hexDigits(def.type);
  if (digits) return digits * 4;
  return Math.max(8, Math.ceil((Math.floor(Math.log2(def.bitmask || 1)) + 1) / 8) * 8);
}

/**
 * The bit picture of a bit field: the container's bits from the most
 * significant, `.` outside the mask, the value's bits inside, a space every
 * four (`.... ..1.`). Dissectors giving their own text for a bit field can
 * use it to build the line as Wireshark shows it.
 */
export function bitfieldPrefix(def: FieldDef, value: FieldValue): string {
  const mask = def.bitmask ?? 0;
  const width = containerBits(def);
  const shift = lowestBit(mask);
  let raw: bigint;
  if (typeof value === 'boolean') raw = value ? BigInt(mask) : 0n;
  else if (typeof value === 'bigint') raw = value << BigInt(shift);
  else if (typeof value === 'number') raw = BigInt(Math.trunc(value)) << BigInt(shift);
  else raw = 0n;
  let out = '';
  for (let i = width - 1; i >= 0; i--) {
    const bit = 1n << BigInt(i);
    if (out.length > 0 && (width - 1 - i) % 4 === 0) out += ' ';
    out += (BigInt(mask) & bit) === 0n ? '.' : (raw & bit) !== 0n ? '1' : '0';
  }
  return out;
}
