/** ICMP (IPv4): `ICMP echo request, id 1, seq 2, length 64` and the other message types' one-line forms. */
import { ipv4FromBytes } from '../format/address-text.js';
import { onesSum, type NetworkInfo } from './checksum.js';
import { printIpv4 } from './ip.js';
import { intField, type PacketText } from './packet.js';

/** Types whose body is the start of the offending datagram. */
const QUOTING = new Set([3, 4, 5, 11, 12]);

const UNREACH_CODES: ReadonlyArray<[string, string]> = [
  ['net ', ''], ['host ', ''], ['', ''], ['', ''], ['', ''], ['', ' unreachable - source route failed'],
  ['net ', ' unreachable - unknown'], ['host ', ' unreachable - unknown'], ['', ' unreachable - source host isolated'],
  ['net ', ' unreachable - admin prohibited'], ['host ', ' unreachable - admin prohibited'],
  ['net ', ' unreachable - tos prohibited'], ['host ', ' unreachable - tos prohibited'],
  ['host ', ' unreachable - admin prohibited filter'], ['host ', ' unreachable - host precedence violation'],
  ['host ', ' unreachable - precedence cutoff'],
];

/** Destination unreachable: described from the datagram it quotes. */
function unreachableText(p: PacketText, off: number, code: number): string {
  const oip = off + 8;
  p.need(oip, 20, 'icmp');
  const dst = ipv4FromBytes(p.bytes, oip + 16);
  const oproto = p.bytes[oip + 9]!;
  const ohl = (p.bytes[oip]! & 15) * 4;
  switch (code) {
    case 0: return `net ${dst} unreachable`;
    case 1: return `host ${dst} unreachable`;
    case 2: return `${dst} protocol ${oproto} unreachable`;
    case 3: {
      const dport = p.u16(oip + ohl + 2, 'icmp');
      if (oproto === 6) return `${dst} tcp port ${dport} unreachable`;
      if (oproto === 17) return `${dst} udp port ${dport} unreachable`;
      return `${dst} protocol ${oproto} port ${dport} unreachable`;
    }
    case 4: {
      const mtu = p.u16(off + 6, 'icmp');
      return mtu ? `${dst} unreachable - need to frag (mtu ${mtu})` : `${dst} unreachable - need to frag`;
    }
    default: {
      const form = UNREACH_CODES[code];
      return form ? `${form[0]}${dst}${form[1]}` : `${dst} unreachable - #${code}`;
    }
  }
}

/** A lifetime in seconds as s, m:ss or h:mm:ss. */
function lifetimeText(sec: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  if (sec < 60) return String(sec);
  if (sec < 3600) return `${Math.floor(sec / 60)}:${two(sec % 60)}`;
  return `${Math.floor(sec / 3600)}:${two(Math.floor(sec / 60) % 60)}:${two(sec % 60)}`;
}

function routerAdvertText(p: PacketText, off: number): string {
  const count = p.u8(off + 4, 'icmp');
  const words = p.u8(off + 5, 'icmp');
  let s = `router advertisement lifetime ${lifetimeText(p.u16(off + 6, 'icmp'))} ${count}:`;
  for (let i = 0, at = off + 8; i < count; i++, at += words * 4) {
    p.need(at, 8, 'icmp');
    s += ` {${ipv4FromBytes(p.bytes, at)} ${p.u32(at + 4, 'icmp')}}`;
  }
  return s;
}

/** Milliseconds since midnight UTC, as ICMP timestamps carry them. */
function msOfDay(ms: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const sec = Math.floor(ms / 1000);
  return `${two(Math.floor(sec / 3600))}:${two(Math.floor(sec / 60) % 60)}:${two(sec % 60)}.${String(ms % 1000).padStart(3, '0')}`;
}

function messageText(p: PacketText, off: number, type: number, code: number): string {
  const id = () => p.u16(off + 4, 'icmp');
  const seq = () => p.u16(off + 6, 'icmp');
  switch (type) {
    case 0: return `echo reply, id ${id()}, seq ${seq()}`;
    case 8: return `echo request, id ${id()}, seq ${seq()}`;
    case 3: return unreachableText(p, off, code);
    case 4: return 'source quench';
    case 5: {
      p.need(off + 8, 20, 'icmp');
      const dst = ipv4FromBytes(p.bytes, off + 8 + 16);
      const gw = ipv4FromBytes(p.bytes, off + 4);
      switch (code) {
        case 0: return `redirect ${dst} to net ${gw}`;
        case 1: return `redirect ${dst} to host ${gw}`;
        case 2: return `redirect-tos ${dst} to net ${gw}`;
        case 3: return `redirect-tos ${dst} to host ${gw}`;
        default: return `redirect-#${code} ${dst} to ${gw}`;
      }
    }
    case 9: return routerAdvertText(p, off);
    case 10: return 'router solicitation';
    case 11: return code === 0 ? 'time exceeded in-transit' : code === 1 ? 'ip reassembly time exceeded' : `time exceeded-#${code}`;
    case 12:
      if (code === 0) return `parameter problem - octet ${p.u8(off + 4, 'icmp')}`;
      return code === 1 ? 'parameter problem - option missing' : `parameter problem - code ${code}`;
    case 13: return `time stamp query id ${id()} seq ${seq()}`;
    case 14: {
      const times = [8, 12, 16].map((at) => msOfDay(p.u32(off + at, 'icmp')));
      return `time stamp reply id ${id()} seq ${seq()}: org ${times[0]}, recv ${times[1]}, xmit ${times[2]}`;
    }
    case 15: return 'information request';
    case 16: return 'information reply';
    case 17: return 'address mask request';
    case 18: return `address mask is 0x${p.u32(off + 8, 'icmp').toString(16).padStart(8, '0')}`;
    default: return `type-#${type}`;
  }
}

export function printIcmp(p: PacketText, off: number, len: number, net: NetworkInfo): void {
  const node = p.layer('icmp', off);
  const type = intField(node, 'icmp.type', () => p.u8(off, 'icmp'));
  const code = intField(node, 'icmp.code', () => p.u8(off + 1, 'icmp'));
  // The message is described in full before anything is shown: a truncated one leaves no partial `ICMP`.
  p.put(`ICMP ${messageText(p, off, type, code)}, length ${len}`);
  if (p.verbose === 0) return;
  if (!net.fragmented && p.captured(off, len)) {
    const sum = onesSum(p.bytes, off, len);
    if (sum !== 0xffff) {
      const stored = p.u16(off + 2, 'icmp');
      const should = ~onesSum(p.bytes, off, len, 0xffff - stored) & 0xffff;
      p.put(` (wrong icmp cksum ${stored.toString(16)} (->${should.toString(16)})!)`);
    }
  }
  // Error messages quote the datagram that caused them; -v prints it as a packet of its own.
  if (QUOTING.has(type)) {
    p.put('\n\t');
    p.quoted = true;
    try {
      printIpv4(p, off + 8, len - 8);
    } finally {
      p.quoted = false;
    }
  }
}
