/**
 * A field's value as `tshark -T fields` (Wireshark 4.0) prints it: booleans 1/0,
 * hex integers padded to their type's width, bytes as bare hex, FT_NONE as 1,
 * a protocol as its tree label, times in nanoseconds, strings with five
 * control characters escaped.
 */
import { hexDigits, type FieldDef, type FieldValue } from '../dissect/field.js';
import type { TreeNode } from '../dissect/tree.js';
import { formatAbsoluteTime, formatRelativeTime } from './time-text.js';
import { ipv4Text, ipv6Text, macText } from './address-text.js';

export function fieldText(node: TreeNode): string {
  const def = node.def;
  switch (def.type) {
    case 'none':
      return '1';
    case 'protocol':
      return node.text ?? (node.value instanceof Uint8Array ? hex(node.value) : def.name);
    default:
      return valueText(def, node.value);
  }
}

/** A value of a field's type, in -T fields form (also what display filters compare as text). */
export function valueText(def: FieldDef, value: FieldValue): string {
  if (value === null) return '';
  switch (def.type) {
    case 'boolean':
      return value ? '1' : '0';
    case 'uint8': case 'uint16': case 'uint24': case 'uint32': case 'uint64':
    case 'int8': case 'int16': case 'int32': case 'int64': case 'char':
      return integerText(def, value as number | bigint);
    case 'framenum':
      return String(value);
    case 'double':
      return typeof value === 'number' ? doubleText(value) : String(value);
    case 'bytes':
      // Wireshark prints a zero-length byte field (an empty TLS extension, EDNS option) as <MISSING>.
      return value instanceof Uint8Array ? (value.length > 0 ? hex(value) : '<MISSING>') : String(value);
    case 'string':
      return fieldsString(String(value));
    case 'ipv4':
      return typeof value === 'number' ? ipv4Text(value) : String(value);
    case 'ipv6':
      return value instanceof Uint8Array ? ipv6Text(value) : String(value);
    case 'ether':
      return value instanceof Uint8Array ? macText(value) : String(value);
    case 'absolute_time':
      return formatAbsoluteTime(value as bigint, def.base === 'dec' ? 'epoch' : 'local');
    case 'relative_time':
      return formatRelativeTime(value as bigint);
    default:
      return value instanceof Uint8Array ? hex(value) : String(value);
  }
}

function integerText(def: FieldDef, value: number | bigint): string {
  if (def.base === 'hex' || def.base === 'hex_dec') {
    const digits = hexDigits(def.type);
    const v = typeof value === 'bigint' ? value : BigInt(Math.trunc(value)) & ((1n << BigInt(digits * 4)) - 1n);
    return '0x' + v.toString(16).padStart(digits, '0');
  }
  if (def.base === 'oct') return '0' + value.toString(8);
  return String(value);
}

function doubleText(v: number): string {
  // Wireshark prints doubles with %g-like shortest form; JS's own shortest round-trip matches for the fields we declare.
  return String(v);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
export function hex(bytes: Uint8Array, separator = ''): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0 && separator) s += separator;
    s += HEX[bytes[i]!];
  }
  return s;
}

const FIELDS_ESCAPES: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
/**
 * A string as tshark 4.0 writes it in -T fields: only backspace, tab, newline, form feed and
 * carriage return as C escapes (print.c's field printer); other control characters and
 * backslashes as they are.
 */
export function fieldsString(s: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const escaped = FIELDS_ESCAPES[s.charCodeAt(i)];
    if (escaped !== undefined) {
      out += s.slice(start, i) + escaped;
      start = i + 1;
    }
  }
  return start === 0 ? s : out + s.slice(start);
}

const ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
/**
 * Control characters as C escapes, three-digit octal for those without a letter (`\000`, `\033`, `\177`),
 * other characters that are not printable as `\uXXXX`, as Wireshark 4.0's format_text shows text in tree
 * labels and columns; backslashes and other text (UTF-8 included) as is.
 */
export function escapeString(s: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      out += s.slice(start, i) + (ESCAPES[c] ?? '\\' + c.toString(8).padStart(3, '0'));
      start = i + 1;
    } else if (c >= 0x80) {
      const units = c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
      if (NOT_PRINTABLE.test(s.slice(i, i + units))) {
        out += s.slice(start, i) + unicodeEscape(s.codePointAt(i)!);
        start = i + units;
      }
      i += units - 1;
    }
  }
  return start === 0 ? s : out + s.slice(start);
}

/**
 * What GLib's g_unichar_isprint, which format_text asks, calls not printable past ASCII: controls (C1),
 * format characters (U+200B, the soft hyphen), unassigned code points and surrogates.
 */
const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cn}\p{Cs}]$/u;

/** `\u0089`, `\u200B`; past the BMP `\U000E0001`, as tshark writes them. */
function unicodeEscape(cp: number): string {
  return cp > 0xffff ? '\\U' + cp.toString(16).toUpperCase().padStart(8, '0') : '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
}

