/**
 * BOOTP/DHCP: the summary line, and with -v the fixed fields that are set and
 * the DHCP options (`DHCP-Message (53), length 1: Discover`), one per line.
 */
import { ipv4FromBytes, macText } from '../format/address-text.js';
import type { PacketText } from './packet.js';

/**
 * Option names as tcpdump prints them, and how their values are shown: i addresses, l/L 32-bit (L signed),
 * s 16-bit, b bytes, B yes/no, $ text, p address pairs, c classless routes, x a form of its own.
 */
const OPTIONS: Readonly<Record<number, readonly [string, string]>> = {
  1: ['Subnet-Mask', 'i'], 2: ['Time-Zone', 'L'], 3: ['Default-Gateway', 'i'], 4: ['Time-Server', 'i'], 5: ['IEN-Name-Server', 'i'],
  6: ['Domain-Name-Server', 'i'], 7: ['LOG', 'i'], 8: ['CS', 'i'], 9: ['LPR-Server', 'i'], 10: ['IM', 'i'],
  11: ['RL', 'i'], 12: ['Hostname', '$'], 13: ['BS', 's'], 14: ['DP', '$'], 15: ['Domain-Name', '$'], 16: ['SS', 'i'],
  17: ['RP', '$'], 18: ['EP', '$'], 19: ['IPF', 'B'], 20: ['SRT', 'B'], 21: ['PF', 'p'], 22: ['RSZ', 's'], 23: ['TTL', 'b'], 24: ['MTU-Timeout', 'l'],
  25: ['MTU-Table', 's'], 26: ['MTU', 's'], 27: ['LSN', 'B'], 28: ['BR', 'i'], 29: ['MD', 'B'], 30: ['MS', 'B'], 31: ['Router-Discovery', 'B'], 32: ['RSA', 'i'],
  33: ['Static-Route', 'p'], 34: ['UT', 'B'], 35: ['AT', 'l'], 36: ['IE', 'B'], 37: ['TT', 'b'], 38: ['KI', 'l'], 39: ['KG', 'B'],
  40: ['YD', '$'], 41: ['YS', 'i'], 42: ['NTP', 'i'], 43: ['Vendor-Option', 'b'], 44: ['Netbios-Name-Server', 'i'],
  45: ['WDD', 'i'], 46: ['Netbios-Node', 'x'], 47: ['Netbios-Scope', '$'], 48: ['XFS', 'i'], 49: ['XDM', 'i'],
  50: ['Requested-IP', 'i'], 51: ['Lease-Time', 'l'], 52: ['OO', 'x'], 53: ['DHCP-Message', 'x'], 54: ['Server-ID', 'i'],
  55: ['Parameter-Request', 'x'], 56: ['MSG', '$'], 57: ['MSZ', 's'], 58: ['RN', 'l'], 59: ['RB', 'l'], 60: ['Vendor-Class', '$'],
  61: ['Client-ID', 'x'], 64: ['N+D', '$'], 65: ['N+S', 'i'], 68: ['MH', 'i'], 69: ['SMTP', 'i'], 70: ['POP3', 'i'], 71: ['NNTP', 'i'], 72: ['WWW', 'i'], 73: ['FG', 'i'], 74: ['IRC', 'i'], 75: ['STS', 'i'], 76: ['STDA', 'i'], 66: ['TFTP', '$'], 67: ['BF', '$'], 77: ['User-Class', 'x'],
  82: ['Agent-Information', 'x'], 90: ['AUTH', 'b'], 121: ['Classless-Static-Route', 'c'], 249: ['Classless-Static-Route-Microsoft', 'c'], 150: ['TFTP-Server-Address', 'i'],
};
const MESSAGE_TYPES = ['', 'Discover', 'Offer', 'Request', 'Decline', 'ACK', 'NACK', 'Release', 'Inform'];
const NETBIOS_NODES: Readonly<Record<number, string>> = { 1: 'b-node', 2: 'p-node', 4: 'm-node', 8: 'h-node' };
const OVERLOAD = ['', 'file', 'sname', 'file+sname'];
const AGENT_SUBOPTIONS: Readonly<Record<number, string>> = { 1: 'Circuit-ID', 2: 'Remote-ID', 6: 'Subscriber-ID' };
const MAGIC_COOKIE = 0x63825363;

function optionName(code: number): string {
  return OPTIONS[code]?.[0] ?? 'Unknown';
}

/** Text as tcpdump prints it: printable ASCII kept, the rest in ^X and M- notation. */
function printable(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) {
    let c = b[i]!;
    if (c >= 0x80) { s += 'M-'; c &= 0x7f; }
    s += c < 0x20 || c === 0x7f ? '^' + String.fromCharCode(c ^ 0x40) : String.fromCharCode(c);
  }
  return s;
}

/** A NUL-terminated fixed field (sname, file), up to its first NUL. */
function fieldText(b: Uint8Array, from: number, size: number): string {
  let end = from;
  while (end < from + size && b[end] !== 0) end++;
  return printable(b, from, end);
}

function valueText(p: PacketText, code: number, at: number, len: number): string {
  const b = p.bytes;
  const kind = OPTIONS[code]?.[1] ?? 'b';
  const list = (step: number, one: (i: number) => string, sep = ',') => {
    const parts: string[] = [];
    for (let i = at; i + step <= at + len; i += step) parts.push(one(i));
    return parts.join(sep);
  };
  switch (kind) {
    case 'i': return list(4, (i) => ipv4FromBytes(b, i));
    case 'l': return list(4, (i) => String(p.u32(i, 'bootp')));
    case 'L': return list(4, (i) => String(p.u32(i, 'bootp') | 0));
    case 's': return list(2, (i) => String(p.u16(i, 'bootp')));
    case 'B': return list(1, (i) => (b[i] ? 'Y' : 'N'));
    case '$': return `"${printable(b, at, at + len)}"`;
    case 'p': return list(8, (i) => `(${ipv4FromBytes(b, i)}:${ipv4FromBytes(b, i + 4)})`, ' ');
    case 'x': return specialText(p, code, at, len);
    case 'c': return classlessRoutes(b, at, len);
    default: return list(1, (i) => String(b[i]), '.');
  }
}

/** Classless static routes: a prefix length, the significant bytes of the destination, then the gateway. */
function classlessRoutes(b: Uint8Array, at: number, len: number): string {
  const routes: string[] = [];
  for (let i = at; i < at + len; ) {
    const width = b[i]!;
    const significant = Math.ceil(width / 8);
    if (width > 32 || i + 1 + significant + 4 > at + len) return routes.join(', ') + ` [bad prefix length ${width}]`;
    const dest = [0, 0, 0, 0];
    for (let k = 0; k < significant; k++) dest[k] = b[i + 1 + k]!;
    routes.push(`(${dest.join('.')}/${width}:${ipv4FromBytes(b, i + 1 + significant)})`);
    i += 1 + significant + 4;
  }
  return routes.join(', ');
}

function specialText(p: PacketText, code: number, at: number, len: number): string {
  const b = p.bytes;
  switch (code) {
    case 53: return MESSAGE_TYPES[b[at]!] || `Unknown (${b[at]})`;
    case 46: return NETBIOS_NODES[b[at]!] ?? `unknown (0x${b[at]!.toString(16).padStart(2, '0')})`;
    case 52: return OVERLOAD[b[at]!] || `unknown (0x${b[at]!.toString(16).padStart(2, '0')})`;
    case 55: {
      let s = '';
      for (let i = 0; i < len; i++) {
        const c = b[at + i]!;
        s += (i % 4 === 0 ? '\n\t      ' : ', ') + `${optionName(c)} (${c})`;
      }
      return s;
    }
    case 61: {
      const type = b[at]!;
      if (type === 1 && len === 7) return `ether ${macText(b, at + 1)}`;
      if (type === 0) return `"${printable(b, at + 1, at + len)}"`;
      let s = `hardware-type ${type}, `;
      for (let i = 1; i < len; i++) s += (i > 1 ? ':' : '') + b[at + i]!.toString(16).padStart(2, '0');
      return s;
    }
    case 77: {
      let s = '';
      for (let i = at, n = 1; i < at + len; n++) {
        const size = b[i]!;
        s += `\n\t      instance#${n}: "${printable(b, i + 1, Math.min(i + 1 + size, at + len))}", length ${size}`;
        i += 1 + size;
      }
      return s;
    }
    case 82: {
      let s = '';
      for (let i = at; i + 2 <= at + len; ) {
        const sub = b[i]!;
        const size = b[i + 1]!;
        s += `\n\t      ${AGENT_SUBOPTIONS[sub] ?? 'Unknown'} SubOption ${sub}, length ${size}: ${printable(b, i + 2, Math.min(i + 2 + size, at + len))}`;
        i += 2 + size;
      }
      return s;
    }
    default: return '';
  }
}

/** The -v lines after the summary: fixed fields that are set, then the options. */
function printDetails(p: PacketText, off: number, len: number, htype: number, hlen: number): void {
  const b = p.bytes;
  const addrs: ReadonlyArray<[string, number]> = [['Client-IP', 12], ['Your-IP', 16], ['Server-IP', 20], ['Gateway-IP', 24]];
  p.need(off, 28, 'bootp');
  for (const [name, at] of addrs) {
    if (p.u32(off + at, 'bootp') !== 0) p.put(`\n\t  ${name} ${ipv4FromBytes(b, off + at)}`);
  }
  if (htype === 1 && hlen === 6) {
    p.need(off + 28, 6, 'bootp');
    p.put(`\n\t  Client-Ethernet-Address ${macText(b, off + 28)}`);
  }
  p.need(off + 44, 192, 'bootp');
  if (b[off + 44]) p.put(`\n\t  sname "${fieldText(b, off + 44, 64)}"`);
  if (b[off + 108]) p.put(`\n\t  file "${fieldText(b, off + 108, 128)}"`);
  const cookie = p.u32(off + 236, 'bootp');
  if (cookie !== MAGIC_COOKIE) return;
  p.put('\n\t  Vendor-rfc1048 Extensions');
  p.put(`\n\t    Magic Cookie 0x${cookie.toString(16).padStart(8, '0')}`);
  const end = off + len;
  // tcpdump reads options for as long as bytes were captured, without an END option if need be.
  for (let at = off + 240; at < end && p.captured(at, 1); ) {
    const code = p.u8(at, 'rfc1048');
    if (code === 0) { at++; continue; }
    if (code === 255) break;
    const size = p.u8(at + 1, 'rfc1048');
    p.put(`\n\t    ${optionName(code)} (${code}), length ${size}: `);
    p.need(at + 2, size, 'rfc1048');
    p.put(valueText(p, code, at + 2, size));
    at += 2 + size;
  }
}

/** The BOOTP message at `off`, `len` bytes long. */
export function printBootp(p: PacketText, off: number, len: number): void {
  p.need(off, 4, 'bootp');
  const op = p.bytes[off]!;
  const htype = p.bytes[off + 1]!;
  const hlen = p.bytes[off + 2]!;
  p.put('BOOTP/DHCP, ' + (op === 1 ? 'Request' : op === 2 ? 'Reply' : `unknown (0x${op.toString(16).padStart(2, '0')})`));
  if (op === 1 && htype === 1 && hlen === 6 && p.captured(off + 28, 6)) p.put(` from ${macText(p.bytes, off + 28)}`);
  p.put(`, length ${len}`);
  if (p.verbose === 0) return;
  if (htype !== 1) p.put(`, htype ${htype}`);
  if (hlen !== 6) p.put(`, hlen ${hlen}`);
  const hops = p.bytes[off + 3]!;
  if (hops) p.put(`, hops ${hops}`);
  const xid = p.u32(off + 4, 'bootp');
  if (xid) p.put(`, xid 0x${xid.toString(16)}`);
  const secs = p.u16(off + 8, 'bootp');
  if (secs) p.put(`, secs ${secs}`);
  const flags = p.u16(off + 10, 'bootp');
  p.put(`, Flags [${flags & 0x8000 ? 'Broadcast' : 'none'}]` + (flags & 0x7fff ? ` (0x${flags.toString(16).padStart(4, '0')})` : ''));
  printDetails(p, off, len, htype, hlen);
}
