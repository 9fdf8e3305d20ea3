/**
 * Literals read the way Wireshark 4.0 reads them for the type of the field
 * they are compared with: `0x1a`, `012`, value-string names, `True`, `aa:bb`,
 * `10.0.0.0/8`, `::1`, `1.5` seconds, "2020-07-04 12:34:56". Error messages are
 * tshark's own wording.
 */
import type { FieldDef } from '../dissect/field.js';
import { fail } from './errors.js';
import { intRange, typeName, type Kind } from './kinds.js';
import type { Entity } from './syntax.js';

/** An address with a prefix length: equal to any address in that network. */
export class Network {
  constructor(
    /** ipv4: number; ipv6: 16 bytes. */
    readonly addr: number | Uint8Array,
    readonly bits: number,
  ) {}
}

/** A value as the filter compares it (see Kind for which representation goes with which kind). */
export type Value = number | bigint | string | Uint8Array | Network;

export type LiteralEntity = Extract<Entity, { k: 'name' | 'string' | 'char' }>;

/**
 * Read a literal for comparison with a field. `def` is the field (for names in
 * messages and value strings); `kind` is how its values are compared, which for
 * a slice or a protocol is bytes.
 */
export function parseLiteral(lit: LiteralEntity, kind: Kind, def: FieldDef): Value {
  switch (kind) {
    case 'int': return parseInteger(lit, def);
    case 'bool': return parseBoolean(lit, def);
    case 'double': return parseDouble(lit, def);
    case 'string': return lit.k === 'name' ? lit.text : lit.k === 'string' ? lit.value : String.fromCodePoint(lit.code);
    case 'bytes': return parseBytesLiteral(lit);
    case 'ether': return parseEther(lit, def);
    case 'ipv4': return parseIpv4Literal(lit, def);
    case 'ipv6': return parseIpv6Literal(lit, def);
    case 'reltime': return parseRelativeTime(lit, def);
    case 'abstime': return parseAbsoluteTime(lit);
    case 'none': return fail(`${def.abbrev} (type=${typeName(def.type)}) cannot participate in comparison.`, lit.span);
  }
}

/** The literal as tshark quotes it in messages: words in double quotes, quoted literals as typed. */
function quoted(lit: LiteralEntity): string {
  return lit.k === 'name' ? `"${lit.text}"` : lit.raw;
}

function notFromString(lit: LiteralEntity, def: FieldDef): never {
  fail(`${typeName(def.type)} cannot be converted from a string (${quoted(lit)}).`, lit.span);
}

const INTEGER = /^[-+]?(0[xX][0-9A-Fa-f]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;

/** Decimal, hex (0x), binary (0b), octal (leading 0); null when the text is not a number. */
export function integerValue(text: string): bigint | null {
  if (!INTEGER.test(text)) return null;
  const neg = text.startsWith('-');
  const body = text.replace(/^[-+]/, '');
  let v: bigint;
  if (/^0[xXbB]/.test(body)) v = BigInt(body.toLowerCase());
  else if (body.length > 1 && body.startsWith('0')) v = BigInt('0o' + body.slice(1));
  else v = BigInt(body);
  return neg ? -v : v;
}

function lookupName(name: string, def: FieldDef): number | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(def.strings ?? {})) {
    if (v.toLowerCase() === want) return Number(k);
  }
  return undefined;
}

function parseInteger(lit: LiteralEntity, def: FieldDef): Value {
  if (lit.k === 'char') return lit.code;
  const text = lit.k === 'name' ? lit.text : lit.value;
  if (lit.k === 'name') {
    const v = integerValue(text);
    if (v !== null) return checkRange(v, lit, def);
  }
  if (def.strings) {
    const named = lookupName(text, def);
    if (named !== undefined) return named;
    fail(`${quoted(lit)} cannot be found among the possible values for ${def.abbrev}.`, lit.span);
  }
  if (lit.k === 'string') notFromString(lit, def);
  return fail(`${quoted(lit)} is not a valid number.`, lit.span);
}

function checkRange(v: bigint, lit: LiteralEntity, def: FieldDef): number | bigint {
  if (v >= 1n << 64n || v < -(1n << 63n)) fail(`${quoted(lit)} causes an integer overflow.`, lit.span);
  const [min, max] = intRange(def.type);
  if (v > max) fail(`${quoted(lit)} too big for this field, maximum ${max}.`, lit.span);
  // Wireshark accepts negative numbers for unsigned fields (they then match nothing); only signed minimums are checked.
  if (min < 0n && v < min) fail(`${quoted(lit)} too small for this field, minimum ${min}.`, lit.span);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function parseBoolean(lit: LiteralEntity, def: FieldDef): Value {
  if (lit.k === 'char') return lit.code !== 0 ? 1 : 0;
  const text = lit.k === 'name' ? lit.text : lit.value;
  if (lit.k === 'name') {
    if (text === 'True' || text === 'TRUE') return 1;
    if (text === 'False' || text === 'FALSE') return 0;
    const v = integerValue(text);
    if (v !== null && v >= 0n) return v !== 0n ? 1 : 0;
  }
  const [yes, no] = def.tfs ?? ['True', 'False'];
  if (text.toLowerCase() === yes.toLowerCase()) return 1;
  if (text.toLowerCase() === no.toLowerCase()) return 0;
  return fail(`${quoted(lit)} cannot be found among the possible values for ${def.abbrev}.`, lit.span);
}

function parseDouble(lit: LiteralEntity, def: FieldDef): Value {
  if (lit.k === 'char') return lit.code;
  if (lit.k === 'string') notFromString(lit, def);
  if (/^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|0[xX][0-9A-Fa-f]+)$/.test(lit.text)) return Number(lit.text);
  return fail(`${quoted(lit)} is not a valid number.`, lit.span);
}

const utf8 = new TextEncoder();

/** A byte-string literal: `aa:bb:cc`, `aa-bb`, `aa.bb`, `aabbcc`, or a one-byte hex integer `0x81`. */
export function bytesFromWord(text: string): Uint8Array | null {
  if (/^0[xX][0-9A-Fa-f]{1,2}$/.test(text)) return Uint8Array.of(parseInt(text.slice(2), 16));
  if (/^[0-9A-Fa-f]{1,2}([:.\-][0-9A-Fa-f]{1,2})+$/.test(text)) {
    return Uint8Array.from(text.split(/[:.\-]/), (h) => parseInt(h, 16));
  }
  if (/^[0-9A-Fa-f]+$/.test(text)) {
    // Like Wireshark, an odd count of digits reads a leading single digit as its own byte.
    const padded = text.length % 2 ? '0' + text : text;
    return Uint8Array.from(padded.match(/../g)!, (h) => parseInt(h, 16));
  }
  return null;
}

/** Bytes for a bytes-like field, slice or protocol: a byte string, or a quoted string's bytes. */
export function parseBytesLiteral(lit: LiteralEntity): Uint8Array {
  if (lit.k === 'string') return lit.bytes;
  if (lit.k === 'char') return lit.code < 256 ? Uint8Array.of(lit.code) : utf8.encode(String.fromCodePoint(lit.code));
  const b = bytesFromWord(lit.text);
  if (!b) fail(`"${lit.text}" is not a valid byte string.`, lit.span);
  return b;
}

function parseEther(lit: LiteralEntity, def: FieldDef): Value {
  if (lit.k !== 'name') notFromString(lit, def);
  const text = lit.text;
  const b = /^[0-9A-Fa-f]{1,2}([:.\-][0-9A-Fa-f]{1,2})+$/.test(text) || /^[0-9A-Fa-f]+$/.test(text) ? bytesFromWord(text)
    : /^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$/.test(text) ? bytesFromWord(text.replace(/\./g, '')) : null;
  if (!b) fail(`"${text}" is not a valid Ethernet address.`, lit.span);
  if (b.length < 6) fail(`"${text}" contains too few bytes to be a valid Ethernet address.`, lit.span);
  if (b.length > 6) fail(`"${text}" contains too many bytes to be a valid Ethernet address.`, lit.span);
  return b;
}

export function ipv4FromText(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function parseIpv4Literal(lit: LiteralEntity, def: FieldDef): Value {
  if (lit.k !== 'name') notFromString(lit, def);
  const [addrText, bitsText] = lit.text.split('/', 2) as [string, string | undefined];
  const addr = ipv4FromText(addrText);
  if (addr === null) fail(`"${addrText}" is not a valid hostname or IPv4 address.`, lit.span);
  if (bitsText === undefined) return addr;
  if (!/^\d+$/.test(bitsText)) fail(`"${bitsText}" is not a valid number.`, lit.span);
  const bits = Number(bitsText);
  if (bits > 32) fail(`Netmask bits in a CIDR IPv4 address should be <= 32, not ${bits}`, lit.span);
  return bits === 32 ? addr : new Network(addr, bits);
}

/** RFC 4291 text form, `::` and a dotted IPv4 tail included; null when malformed. */
export function ipv6FromText(text: string): Uint8Array | null {
  // A dotted IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
  const v4 = /(^|:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    const a = ipv4FromText(v4[2]!);
    if (a === null) return null;
    text = text.slice(0, v4.index + v4[1]!.length) + (a >>> 16).toString(16) + ':' + (a & 0xffff).toString(16);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !rest) return null;
  const explicit = head.length + rest.length;
  if (halves.length === 2 ? explicit > 7 : explicit !== 8) return null;
  const groups = [...head, ...new Array<number>(8 - explicit).fill(0), ...rest];
  const b = new Uint8Array(16);
  groups.forEach((g, i) => {
    b[2 * i] = g >> 8;
    b[2 * i + 1] = g & 0xff;
  });
  return b;
}

function parseIpv6Literal(lit: LiteralEntity, def: FieldDef): Value {
  if (lit.k !== 'name') notFromString(lit, def);
  const [addrText, bitsText] = lit.text.split('/', 2) as [string, string | undefined];
  const addr = ipv6FromText(addrText);
  if (!addr) fail(`"${addrText}" is not a valid hostname or IPv6 address.`, lit.span);
  if (bitsText === undefined) return addr;
  if (!/^\d+$/.test(bitsText)) fail(`"${bitsText}" is not a valid number.`, lit.span);
  const bits = Number(bitsText);
  if (bits > 128) fail(`Prefix in a IPv6 address should be <= 128, not ${bits}`, lit.span);
  return bits === 128 ? addr : new Network(addr, bits);
}

const NS = 1_000_000_000n;

/** Seconds with up to nine decimals, as nanoseconds. */
function secondsToNs(text: string): bigint | null {
  const m = /^([-+]?)(\d+)(?:\.(\d{1,9})\d*)?$/.exec(text);
  if (!m) return null;
  const ns = BigInt(m[2]!) * NS + BigInt((m[3] ?? '').padEnd(9, '0'));
  return m[1] === '-' ? -ns : ns;
}

function parseRelativeTime(lit: LiteralEntity, def: FieldDef): Value {
  if (lit.k !== 'name') notFromString(lit, def);
  const ns = secondsToNs(lit.text);
  if (ns === null) fail(`"${lit.text}" is not a valid time.`, lit.span);
  return ns;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * ISO 8601 (`2020-07-04T12:34:56.5`, `T` optional, `Z`/`UTC`/`+02:00` zones) or
 * the legacy `Sep 26, 2004 23:18:04.954975` [UTC]; local time when no zone is given.
 */
function parseAbsoluteTime(lit: LiteralEntity): Value {
  const text = lit.k === 'name' ? lit.text : lit.k === 'string' ? lit.value : '';
  const ns = absoluteTimeNs(text.trim());
  if (ns === null) {
    fail(`${quoted(lit)} is not a valid absolute time. Example: "Nov 12, 1999 08:55:44.123" or "2011-07-04 12:34:56"`, lit.span);
  }
  return ns;
}

function absoluteTimeNs(text: string): bigint | null {
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|UTC|[-+]\d{2}:?\d{2})?$/.exec(text);
  let y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string, zone: string | undefined;
  if (m) {
    [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
    frac = m[7] ?? '';
    zone = m[8];
  } else {
    m = /^([A-Za-z]{3})\s+(\d{1,2}),\s*(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:\s+(UTC))?$/.exec(text);
    if (!m) return null;
    const month = MONTHS.indexOf(m[1]!.toLowerCase());
    if (month < 0) return null;
    y = Number(m[3]);
    mo = month + 1;
    [d, h, mi, s] = [m[2], m[4], m[5], m[6]].map(Number) as [number, number, number, number];
    frac = m[7] ?? '';
    zone = m[8];
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  let ms: number;
  if (zone === undefined) {
    ms = new Date(y, mo - 1, d, h, mi, s).getTime();
  } else {
    ms = Date.UTC(y, mo - 1, d, h, mi, s);
    if (zone !== 'Z' && zone !== 'UTC') {
      const z = /^([-+])(\d{2}):?(\d{2})$/.exec(zone)!;
      const offset = (Number(z[2]) * 60 + Number(z[3])) * 60_000;
      ms -= z[1] === '-' ? -offset : offset;
    }
  }
  if (!Number.isFinite(ms)) return null;
  return BigInt(ms) * 1_000_000n + BigInt(frac.slice(0, 9).padEnd(9, '0'));
}

