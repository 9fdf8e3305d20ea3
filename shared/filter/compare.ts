/** Equality and order of filter values, per kind, as Wireshark's field types define them. */
import type { Kind } from './kinds.js';
import { Network, type Value } from './literals.js';

export type Equal = (a: Value, b: Value) => boolean;
export type Order = (a: Value, b: Value) => number;

export function equalFor(kind: Kind): Equal {
  switch (kind) {
    case 'int': case 'bool': case 'double': case 'abstime': case 'reltime':
      // Loose equality compares number with bigint by value.
      // eslint-disable-next-line eqeqeq
      return (a, b) => a == b;
    case 'string':
      return (a, b) => a === b;
    case 'ipv4':
      return (a, b) => {
        if (b instanceof Network) return inNetwork4(a as number, b);
        if (a instanceof Network) return inNetwork4(b as number, a);
        return a === b;
      };
    case 'ipv6':
      return (a, b) => {
        if (b instanceof Network) return inNetwork6(a as Uint8Array, b);
        if (a instanceof Network) return inNetwork6(b as Uint8Array, a);
        return bytesEqual(a as Uint8Array, b as Uint8Array);
      };
    case 'bytes': case 'ether':
      return (a, b) => bytesEqual(a as Uint8Array, b as Uint8Array);
    case 'none':
      return () => false;
  }
}

export function orderFor(kind: Kind): Order {
  switch (kind) {
    case 'int': case 'bool': case 'double': case 'abstime': case 'reltime': case 'string':
      return (a, b) => (a < b ? -1 : a > b ? 1 : 0);
    case 'ipv4':
      return (a, b) => {
        const x = a instanceof Network ? (a.addr as number) : (a as number);
        const y = b instanceof Network ? (b.addr as number) : (b as number);
        return x < y ? -1 : x > y ? 1 : 0;
      };
    case 'ipv6': case 'bytes': case 'ether':
      return (a, b) => bytesOrder(a instanceof Network ? (a.addr as Uint8Array) : (a as Uint8Array), b instanceof Network ? (b.addr as Uint8Array) : (b as Uint8Array));
    case 'none':
      return () => 0;
  }
}

function inNetwork4(addr: number, net: Network): boolean {
  if (net.bits === 0) return true;
  const mask = (0xffffffff << (32 - net.bits)) >>> 0;
  return ((addr & mask) >>> 0) === (((net.addr as number) & mask) >>> 0);
}

function inNetwork6(addr: Uint8Array, net: Network): boolean {
  const want = net.addr as Uint8Array;
  let bits = net.bits;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((addr[i]! & mask) !== (want[i]! & mask)) return false;
  }
  return true;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Wireshark orders byte strings by length first, then by content. */
export function bytesOrder(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

export function bytesContain(hay: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return true;
  const first = needle[0]!;
  const last = hay.length - needle.length;
  outer: for (let i = hay.indexOf(first); i >= 0 && i <= last; i = hay.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
