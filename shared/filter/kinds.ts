/**
 * How the filter sees each field type: the run-time representation of its
 * values, and Wireshark's name for the type (used in error messages).
 */
import type { FieldDef, FieldType } from '../dissect/field.js';

/**
 * int: number | bigint; bool: 0 | 1; double: number; string: string;
 * bytes, ether, ipv6: Uint8Array (protocol items and slices are bytes);
 * ipv4: number (host order); abstime, reltime: bigint nanoseconds; none: no value.
 */
export type Kind = 'int' | 'bool' | 'double' | 'string' | 'bytes' | 'ether' | 'ipv4' | 'ipv6' | 'abstime' | 'reltime' | 'none';

export function kindOf(type: FieldType): Kind {
  switch (type) {
    case 'uint8': case 'uint16': case 'uint24': case 'uint32': case 'uint64':
    case 'int8': case 'int16': case 'int32': case 'int64': case 'char': case 'framenum':
      return 'int';
    case 'boolean': return 'bool';
    case 'double': return 'double';
    case 'string': return 'string';
    case 'bytes': case 'protocol': return 'bytes';
    case 'ether': return 'ether';
    case 'ipv4': return 'ipv4';
    case 'ipv6': return 'ipv6';
    case 'absolute_time': return 'abstime';
    case 'relative_time': return 'reltime';
    case 'none': return 'none';
  }
}

const INT_BYTES: Partial<Record<FieldType, number>> = {
  uint8: 1, uint16: 2, uint24: 3, uint32: 4, uint64: 8, int8: 1, int16: 2, int32: 4, int64: 8,
};

/** Wireshark's name for a field type, as `tshark -G ftypes` lists it. */
export function typeName(type: FieldType): string {
  const n = INT_BYTES[type];
  if (n !== undefined) return `${type.startsWith('u') ? 'Unsigned' : 'Signed'} integer (${n} byte${n > 1 ? 's' : ''})`;
  switch (type) {
    case 'protocol': return 'Protocol';
    case 'none': return 'Label';
    case 'boolean': return 'Boolean';
    case 'char': return 'Character (1 byte)';
    case 'double': return 'Floating point (double-precision)';
    case 'string': return 'Character string';
    case 'bytes': return 'Byte sequence';
    case 'ether': return 'Ethernet or other MAC address';
    case 'ipv4': return 'IPv4 address';
    case 'ipv6': return 'IPv6 address';
    case 'absolute_time': return 'Date and time';
    case 'relative_time': return 'Time offset';
    case 'framenum': return 'Frame number';
    default: return type;
  }
}

/** Range of an integer type, for "too big for this field" errors. */
export function intRange(type: FieldType): [bigint, bigint] {
  switch (type) {
    case 'boolean': return [0n, 1n];
    case 'char': case 'uint8': return [0n, 0xffn];
    case 'uint16': return [0n, 0xffffn];
    case 'uint24': return [0n, 0xffffffn];
    case 'uint32': case 'framenum': return [0n, 0xffffffffn];
    case 'int8': return [-0x80n, 0x7fn];
    case 'int16': return [-0x8000n, 0x7fffn];
    case 'int32': return [-0x80000000n, 0x7fffffffn];
    case 'int64': return [-(1n << 63n), (1n << 63n) - 1n];
    default: return [0n, (1n << 64n) - 1n];
  }
}

/**
 * Fields that stand for either the source or the destination. Wireshark's
 * dissectors add them as hidden items; when a packet's tree has none (a
 * dissector that does not add them), the filter reads the pair instead.
 */
export const EITHER_SIDE: Readonly<Record<string, { readonly def: FieldDef; readonly pair: readonly [string, string] }>> = {
  'ip.addr': { def: { abbrev: 'ip.addr', name: 'Source or Destination Address', type: 'ipv4' }, pair: ['ip.src', 'ip.dst'] },
  'ipv6.addr': { def: { abbrev: 'ipv6.addr', name: 'Source or Destination Address', type: 'ipv6' }, pair: ['ipv6.src', 'ipv6.dst'] },
  'tcp.port': { def: { abbrev: 'tcp.port', name: 'Source or Destination Port', type: 'uint16' }, pair: ['tcp.srcport', 'tcp.dstport'] },
  'udp.port': { def: { abbrev: 'udp.port', name: 'Source or Destination Port', type: 'uint16' }, pair: ['udp.srcport', 'udp.dstport'] },
  'eth.addr': { def: { abbrev: 'eth.addr', name: 'Address', type: 'ether' }, pair: ['eth.src', 'eth.dst'] },
};
