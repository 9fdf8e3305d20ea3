/**
 * DNS in tcpdump's one-line form: `22836+ [1au] A? www.tcpdump.org. (56)` for a
 * query, `22836*- 2/2/5 A 192.139.46.66, A 198.199.88.104 (224)` for a
 * response; with -v each answer carries its owner name.
 */
import { ipv4FromBytes, ipv6Text } from '../format/address-text.js';
import { Truncated, type PacketText } from './packet.js';

const TYPES: Readonly<Record<number, string>> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 13: 'HINFO', 15: 'MX', 16: 'TXT', 28: 'AAAA', 29: 'LOC', 33: 'SRV',
  35: 'NAPTR', 39: 'DNAME', 41: 'OPT', 43: 'DS', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 50: 'NSEC3',
  99: 'SPF', 251: 'IXFR', 252: 'AXFR', 255: 'ANY',
};
const CLASSES: Readonly<Record<number, string>> = { 1: 'IN', 3: 'CHAOS', 4: 'HESIOD', 254: 'NONE', 255: 'ANY' };
const RCODES: Readonly<Record<number, string>> = {
  1: 'FormErr', 2: 'ServFail', 3: 'NXDomain', 4: 'NotImp', 5: 'Refused', 6: 'YXDomain', 7: 'YXRRSet', 8: 'NXRRSet', 9: 'NotAuth',
  10: 'NotZone', 16: 'BadVers', 17: 'BadKey', 18: 'BadTime', 19: 'BadMode', 20: 'BadName', 21: 'BadAlg', 22: 'BadTrunc', 23: 'BadCookie',
};
const OPCODES = ['', 'IQuery', 'Status', 'Op3', 'Notify', 'Update'];

function typeName(t: number): string {
  return TYPES[t] ?? `Type${t}`;
}

/** A label's bytes as tcpdump shows text: printable ASCII kept, the rest in M-/^ notation. */
function labelText(b: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = off; i < off + len; i++) {
    let c = b[i]!;
    if (c >= 0x80) { s += 'M-'; c &= 0x7f; }
    if (c < 0x20 || c === 0x7f) s += '^' + String.fromCharCode(c ^ 0x40);
    else s += String.fromCharCode(c);
  }
  return s;
}

/** A domain name at `off` (following compression pointers); returns the text and the offset after the name. */
function readName(p: PacketText, msg: number, off: number): { text: string; next: number } {
  let text = '';
  let next = -1;
  let at = off;
  for (let hops = 0; ; hops++) {
    const len = p.u8(at, 'domain');
    if (len === 0) {
      if (next < 0) next = at + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      const target = msg + (((len & 0x3f) << 8) | p.u8(at + 1, 'domain'));
      if (next < 0) next = at + 2;
      if (target >= at || hops > 127) return { text: text + '<BAD PTR>', next };
      at = target;
      continue;
    }
    if (len & 0xc0) return { text: text + `<ELT ${len & 0xc0}>`, next: next < 0 ? at + 1 : next };
    p.need(at + 1, len, 'domain');
    text += labelText(p.bytes, at + 1, len) + '.';
    at += 1 + len;
  }
  return { text: text || '.', next };
}

/** The offset after a name in place, without following its compression pointer (what skipping a record needs). */
function skipName(p: PacketText, off: number): number {
  let at = off;
  for (;;) {
    const len = p.u8(at, 'domain');
    if (len === 0) return at + 1;
    if ((len & 0xc0) === 0xc0) return at + 2;
    if (len & 0xc0) return at + 1;
    at += 1 + len;
  }
}

interface Question { text: string; next: number }

function question(p: PacketText, msg: number, off: number, mdns: boolean): Question {
  const name = readName(p, msg, off);
  const type = p.u16(name.next, 'domain');
  const cls = p.u16(name.next + 2, 'domain');
  let s = ' ' + typeName(type);
  if (mdns) {
    if ((cls & 0x7fff) !== 1) s += ' ' + (CLASSES[cls & 0x7fff] ?? `(Class ${cls & 0x7fff})`);
    s += cls & 0x8000 ? ' (QU)' : ' (QM)';
  } else if (cls !== 1) {
    s += ' ' + (CLASSES[cls] ?? `(Class ${cls})`);
  }
  return { text: `${s}? ${name.text}`, next: name.next + 4 };
}

function rdataText(p: PacketText, msg: number, type: number, off: number, len: number): string {
  switch (type) {
    case 1: p.need(off, 4, 'domain'); return ' ' + ipv4FromBytes(p.bytes, off);
    case 28: p.need(off, 16, 'domain'); return ' ' + ipv6Text(p.bytes, off);
    case 2: case 5: case 12: case 39: return ' ' + readName(p, msg, off).text;
    case 15: return ` ${readName(p, msg, off + 2).text} ${p.u16(off, 'domain')}`;
    case 33: return ` ${readName(p, msg, off + 6).text}:${p.u16(off + 4, 'domain')} ${p.u16(off, 'domain')} ${p.u16(off + 2, 'domain')}`;
    case 16: {
      const parts: string[] = [];
      for (let at = off; at < off + len; ) {
        const n = p.u8(at, 'domain');
        p.need(at + 1, n, 'domain');
        parts.push(`"${labelText(p.bytes, at + 1, n)}"`);
        at += 1 + n;
      }
      return ' ' + parts.join(' ');
    }
    case 6: {
      if (p.verbose === 0) return '';
      const mname = readName(p, msg, off);
      const rname = readName(p, msg, mname.next);
      const n = (i: number) => p.u32(rname.next + 4 * i, 'domain');
      return ` ${mname.text} ${rname.text} ${n(0)} ${n(1)} ${n(2)} ${n(3)} ${n(4)}`;
    }
    default: return '';
  }
}

/** Print one resource record (its type before its data, so a cut-off record shows its type); returns the offset after it. */
function printRecord(p: PacketText, msg: number, off: number, mdns: boolean): number {
  const name = readName(p, msg, off);
  if (p.verbose > 0) p.put(` ${name.text}`);
  const type = p.u16(name.next, 'domain');
  const cls = p.u16(name.next + 2, 'domain');
  let s = '';
  if (mdns && cls & 0x8000) s += ' (Cache flush)';
  s += ' ' + typeName(type);
  const c = mdns ? cls & 0x7fff : cls;
  if (c !== 1 && type !== 41) s += ' ' + (CLASSES[c] ?? `(Class ${c})`);
  p.put(s);
  const rdlen = p.u16(name.next + 8, 'domain');
  const rdata = name.next + 10;
  p.put(rdataText(p, msg, type, rdata, rdlen));
  return rdata + rdlen;
}

function skipRecord(p: PacketText, off: number): number {
  const next = skipName(p, off);
  const rdlen = p.u16(next + 8, 'domain');
  p.need(next + 10, rdlen, 'domain');
  return next + 10 + rdlen;
}

/** The upper bits of the response code, from the EDNS (OPT) record among the additional ones; 0 when it cannot be read. */
function extendedRcode(p: PacketText, msg: number, qd: number, before: number, ar: number): number {
  try {
    let at = msg + 12;
    for (let i = 0; i < qd; i++) at = skipName(p, at) + 4;
    for (let i = 0; i < before; i++) at = skipRecord(p, at);
    for (let i = 0; i < ar; i++) {
      const next = skipName(p, at);
      if (p.u16(next, 'domain') === 41) return p.u8(next + 4, 'domain');
      at = skipRecord(p, at);
    }
  } catch (err) {
    if (!(err instanceof Truncated)) throw err;
  }
  return 0;
}

/** The DNS message at `off`, `len` bytes long. Text is put as it is built, so a truncated message shows what it has. */
export function printDns(p: PacketText, off: number, len: number, mdns: boolean): void {
  if (len < 12) {
    p.put(`domain [length ${len} < 12] (invalid)`);
    return;
  }
  p.need(off, 12, 'domain');
  const id = p.u16(off, 'domain');
  const flags = p.u16(off + 2, 'domain');
  const [qd, an, ns, ar] = [4, 6, 8, 10].map((i) => p.u16(off + i, 'domain')) as [number, number, number, number];
  const opcode = (flags >> 11) & 15;
  const response = (flags & 0x8000) !== 0;
  let s = String(id);
  if (opcode) s += ' ' + (OPCODES[opcode] ?? `Op${opcode}`);
  if (response) {
    const rcode = ((ar > 0 ? extendedRcode(p, off, qd, an + ns, ar) : 0) << 4) | (flags & 15);
    if (rcode) s += ' ' + (RCODES[rcode] ?? `Resp${rcode}`);
    if (flags & 0x0400) s += '*';
    if (!(flags & 0x0080)) s += '-';
    if (flags & 0x0200) s += '|';
    if (flags & 0x0020) s += '$';
    if (qd !== 1) s += ` [${qd}q]`;
    s += ` ${an}/${ns}/${ar}`;
    p.put(s);
    let at = off + 12;
    for (let i = 0; i < qd; i++) at = skipName(p, at) + 4;
    for (let i = 0; i < an; i++) {
      if (i) p.put(',');
      at = printRecord(p, off, at, mdns);
    }
    // The authority and additional records are not shown; when there are additional ones (EDNS),
    // tcpdump reads through them and reports a message cut off there.
    if (ar > 0) for (let i = 0; i < ns + ar; i++) at = skipRecord(p, at);
  } else {
    if (flags & 0x0100) s += '+';
    if (flags & 0x0010) s += '%';
    // Bits a query should not have set (TC, RA, Z, a response code) are shown raw.
    if (flags & 0x06cf) s += ` [b2&3=0x${flags.toString(16)}]`;
    if (an) s += ` [${an}a]`;
    if (qd !== 1) s += ` [${qd}q]`;
    if (ns) s += ` [${ns}n]`;
    if (ar) s += ` [${ar}au]`;
    p.put(s);
    let at = off + 12;
    for (let i = 0; i < qd; i++) {
      const q = question(p, off, at, mdns);
      p.put(q.text);
      // tcpdump gives up on the message at a pointer that does not point backwards.
      if (q.text.endsWith('<BAD PTR>')) throw new Truncated('domain');
      at = q.next;
    }
  }
  p.put(` (${len})`);
}
