/**
 * TCP: `src.port > dst.port: Flags [P.], seq 1:497, ack 1, win 64, options [...], length 496`.
 * Sequence numbers are shown relative to the connection's first packet with
 * an ACK, as tcpdump does; -S keeps them absolute.
 */
import { transportChecksum, type NetworkInfo } from './checksum.js';
import { hex2 } from './names.js';
import { printDns } from './dns.js';
import { intField, Truncated, type PacketText } from './packet.js';

const FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40, CWR = 0x80;
const FLAG_CHARS: ReadonlyArray<[number, string]> = [[FIN, 'F'], [SYN, 'S'], [RST, 'R'], [PSH, 'P'], [ACK, '.'], [URG, 'U'], [ECE, 'E'], [CWR, 'W']];

export function tcpFlagsText(flags: number): string {
  let s = '';
  for (const [bit, c] of FLAG_CHARS) if (flags & bit) s += c;
  return s || 'none';
}

/** Lexicographic comparison of two address byte ranges. */
function compareBytes(b: Uint8Array, a1: number, a2: number, len: number): number {
  for (let i = 0; i < len; i++) {
    const d = b[a1 + i]! - b[a2 + i]!;
    if (d) return d;
  }
  return 0;
}

interface Relative {
  seq: number;
  ack: number;
  /** Bases SACK blocks are shown relative to (0 when absolute). */
  sackBase: number;
}

/**
 * Both directions of a connection share one entry, keyed by the address pair in
 * a fixed order; the packet that creates the entry (or any SYN) sets the bases
 * and is itself shown absolute.
 */
function relativeNumbers(p: PacketText, net: NetworkInfo, sport: number, dport: number, seq: number, ack: number, flags: number): Relative {
  if (p.opts.absoluteSeq || !(flags & ACK) || p.quoted) return { seq, ack, sackBase: 0 };
  const addrLen = net.version === 4 ? 4 : 16;
  const cmp = compareBytes(p.bytes, net.srcOff, net.dstOff, addrLen);
  const rev = cmp > 0 || (cmp === 0 && sport > dport);
  const key = rev ? `${net.version}|${net.dst}|${dport}|${net.src}|${sport}` : `${net.version}|${net.src}|${sport}|${net.dst}|${dport}`;
  const bases = p.opts.state.tcpBases;
  let entry = bases.get(key);
  if (!entry || (flags & SYN)) {
    entry = rev ? { seq: (ack - 1) >>> 0, ack: seq } : { seq, ack: (ack - 1) >>> 0 };
    bases.set(key, entry);
    return { seq, ack, sackBase: rev ? entry.seq : entry.ack };
  }
  return rev
    ? { seq: (seq - entry.ack) >>> 0, ack: (ack - entry.seq) >>> 0, sackBase: entry.seq }
    : { seq: (seq - entry.seq) >>> 0, ack: (ack - entry.ack) >>> 0, sackBase: entry.ack };
}

const OPTION_NAMES: Readonly<Record<number, string>> = { 2: 'mss', 3: 'wscale', 4: 'sackOK', 5: 'sack', 8: 'TS', 28: 'uto', 34: 'tfo' };
/** TCP Fast Open's experimental option (kind 254) starts with this magic number. */
const TFO_MAGIC = 0xf989;

function hexBytes(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let j = from; j < to; j++) s += hex2(b[j]!);
  return s;
}

function fastOpenText(b: Uint8Array, from: number, to: number): string {
  return to > from ? ` cookie ${hexBytes(b, from, to)}` : ' cookiereq';
}

/**
 * Print the options between `[` and `]`, one at a time, so a header cut off by
 * the end of the capture shows the options before the cut, as tcpdump does.
 */
function printOptions(p: PacketText, off: number, end: number, sackBase: number): void {
  const b = p.bytes;
  let i = off;
  let sep = '';
  const put = (text: string) => {
    p.put(sep + text);
    sep = ',';
  };
  while (i < end) {
    p.need(i, 1, 'tcp');
    const kind = b[i]!;
    if (kind === 0) { put('eol'); break; }
    if (kind === 1) { put('nop'); i++; continue; }
    if (i + 1 >= end) { put('[bad opt]'); break; }
    p.need(i + 1, 1, 'tcp');
    const len = b[i + 1]!;
    if (len < 2 || i + len > end) { put('[bad opt]'); break; }
    const data = i + 2;
    const dlen = len - 2;
    if (!p.captured(i, len)) {
      const name = OPTION_NAMES[kind];
      put(name ?? `unknown-${kind} 0x${hexBytes(b, data, Math.min(data + dlen, b.length))}`);
      throw new Truncated('tcp');
    }
    let text: string;
    let expected = -1;
    switch (kind) {
      case 2: expected = 2; text = `mss ${dlen >= 2 ? p.u16(data, 'tcp') : ''}`; break;
      case 3: expected = 1; text = `wscale ${dlen >= 1 ? b[data] : ''}`; break;
      case 4: expected = 0; text = 'sackOK'; break;
      case 5: {
        if (dlen % 8 !== 0) { text = 'invalid sack'; break; }
        text = `sack ${dlen / 8} `;
        for (let j = 0; j < dlen; j += 8) {
          const s = (p.u32(data + j, 'tcp') - sackBase) >>> 0;
          const e = (p.u32(data + j + 4, 'tcp') - sackBase) >>> 0;
          text += `{${s}:${e}}`;
        }
        break;
      }
      case 8:
        if (dlen < 8) {
          // tcpdump reads both stamps whatever the length says, and stops there.
          put('TS');
          throw new Truncated('tcp');
        }
        expected = 8;
        text = `TS val ${p.u32(data, 'tcp')} ecr ${p.u32(data + 4, 'tcp')}`;
        break;
      case 28: {
        expected = 2;
        const v = dlen >= 2 ? p.u16(data, 'tcp') : 0;
        text = `uto ${v & 0x7fff}${v & 0x8000 ? 'min' : 'sec'}`;
        break;
      }
      case 34: text = 'tfo' + fastOpenText(b, data, data + dlen); break;
      default: {
        if (kind === 254 && dlen >= 2 && p.u16(data, 'tcp') === TFO_MAGIC) {
          text = 'exp-tfo' + fastOpenText(b, data + 2, data + dlen);
          break;
        }
        text = `unknown-${kind}` + (dlen ? ' 0x' + hexBytes(b, data, data + dlen) : '');
        break;
      }
    }
    if (expected >= 0 && dlen !== expected) text += `[len ${len}]`;
    put(text);
    i += len;
  }
}

const HTTP_WORDS = ['GET', 'PUT', 'POST', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PATCH',
  'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'ORDERPATCH'];

/** Text as tcpdump prints it: printable ASCII and tabs kept, the rest in ^X and M- notation. */
function lineText(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) {
    let c = b[i]!;
    if (c === 0x09) { s += '\t'; continue; }
    if (c >= 0x80) { s += 'M-'; c &= 0x7f; }
    s += c < 0x20 || c === 0x7f ? '^' + String.fromCharCode(c ^ 0x40) : String.fromCharCode(c);
  }
  return s;
}

/** Text protocols tcpdump recognises by port; `commands` (HTTP's) must start the segment for its lines to show. */
interface TextProtocol {
  name: string;
  commands: readonly string[] | null;
}
const HTTP: TextProtocol = { name: 'HTTP', commands: HTTP_WORDS };
const TEXT_PROTOCOLS: ReadonlyMap<number, TextProtocol> = new Map([
  [80, HTTP], [8080, HTTP], [3128, HTTP],
  [21, { name: 'FTP', commands: null }],
  [25, { name: 'SMTP', commands: null }],
]);

/**
 * tcpdump's text-protocol form: `: HTTP` and, when the segment starts as the
 * protocol's messages do (for HTTP: a request or response, compared without
 * regard to case), its first line, or with -v every line of the segment on its
 * own tab-indented line. A line cut off by the end of the segment is shown as
 * far as it goes, then `[|http]`.
 */
function printTextProtocol(p: PacketText, proto: TextProtocol, off: number, len: number): void {
  const b = p.bytes;
  const end = Math.min(off + len, b.length);
  const marker = proto.name.toLowerCase();
  if (end <= off) {
    p.put(`: ${proto.name}`);
    throw new Truncated(marker);
  }
  const eol = (from: number) => {
    let i = from;
    while (i < end && b[i] !== 0x0a) i++;
    return i;
  };
  if (proto.commands) {
    const firstEnd = eol(off);
    const first = lineText(b, off, firstEnd > off && b[firstEnd - 1] === 0x0d ? firstEnd - 1 : firstEnd).toUpperCase();
    const word = first.split(' ', 1)[0]!;
    const starts = proto.commands.includes(word) ? first.length > word.length : first.startsWith(`${proto.name}/`);
    if (!starts) {
      p.put(`: ${proto.name}`);
      return;
    }
  }
  if (p.verbose === 0) {
    let stop = off;
    while (stop < end && b[stop] !== 0x0a && b[stop] !== 0x0d) stop++;
    p.put(`: ${proto.name}: ${lineText(b, off, stop)}`);
    if (stop >= end) throw new Truncated(marker);
    return;
  }
  p.put(`: ${proto.name}, length: ${len}`);
  // Line by line while the data is text: a line with other bytes (a compressed body, say) ends the listing unseen.
  for (let i = off; i < end; ) {
    let j = i;
    while (j < end && b[j] !== 0x0a) {
      const c = b[j]!;
      const text = (c >= 0x20 && c < 0x7f) || c === 0x09 || (c === 0x0d && j + 1 < end && b[j + 1] === 0x0a);
      if (!text) return;
      j++;
    }
    if (j >= end) {
      // A line the segment ends in is shown as far as it goes; one the capture cut off is not shown.
      if (end === off + len) p.put('\n\t' + lineText(b, i, j));
      throw new Truncated(marker);
    }
    p.put('\n\t' + lineText(b, i, j > i && b[j - 1] === 0x0d ? j - 1 : j));
    i = j + 1;
  }
}

/** `len` is the segment's length (header and payload); `portsOnly` after IPv6 extension headers. */
export function printTcp(p: PacketText, off: number, len: number, net: NetworkInfo, portsOnly = false): void {
  const node = p.layer('tcp', off);
  p.need(off, 4, 'tcp');
  const sport = intField(node, 'tcp.srcport', () => p.u16(off, 'tcp'));
  const dport = intField(node, 'tcp.dstport', () => p.u16(off + 2, 'tcp'));
  p.put(portsOnly ? `${sport} > ${dport}: ` : `${net.src}.${sport} > ${net.dst}.${dport}: `);
  p.need(off, 20, 'tcp');
  const hl = intField(node, 'tcp.hdr_len', () => (p.bytes[off + 12]! >> 4) * 4);
  if (hl < 20) {
    p.put(`tcp ${len} [bad hdr length ${hl} - too short, < 20]`);
    return;
  }
  const seqRaw = intField(node, 'tcp.seq_raw', () => p.u32(off + 4, 'tcp'));
  const ackRaw = intField(node, 'tcp.ack_raw', () => p.u32(off + 8, 'tcp'));
  const flags = intField(node, 'tcp.flags', () => p.u16(off + 12, 'tcp') & 0xfff) & 0xff;
  const win = intField(node, 'tcp.window_size_value', () => p.u16(off + 14, 'tcp'));
  const urp = intField(node, 'tcp.urgent_pointer', () => p.u16(off + 18, 'tcp'));
  const payload = len - hl;
  const rel = relativeNumbers(p, net, sport, dport, seqRaw, ackRaw, flags);

  p.put(`Flags [${tcpFlagsText(flags)}]`);
  if (hl > len) {
    p.put(` [bad hdr length ${hl} - too long, > ${len}]`);
    return;
  }
  if (p.verbose > 0 && !net.fragmented && p.captured(off, len)) {
    const stored = p.u16(off + 16, 'tcp');
    const should = transportChecksum(p, net, 6, off, len, off + 16);
    p.put(`, cksum 0x${stored.toString(16).padStart(4, '0')}`);
    p.put(should === stored ? ' (correct)' : ` (incorrect -> 0x${should.toString(16).padStart(4, '0')})`);
  }
  if (payload > 0 || flags & (SYN | FIN | RST)) {
    p.put(`, seq ${rel.seq}`);
    if (payload > 0) p.put(`:${(rel.seq + payload) >>> 0}`);
  }
  if (flags & ACK) p.put(`, ack ${rel.ack}`);
  p.put(`, win ${win}`);
  if (flags & URG) p.put(`, urg ${urp}`);
  if (hl > 20) {
    p.put(', options [');
    printOptions(p, off + 20, off + hl, rel.sackBase);
    p.put(']');
  }
  p.put(`, length ${payload}`);
  const text = payload > 0 ? TEXT_PROTOCOLS.get(sport) ?? TEXT_PROTOCOLS.get(dport) : undefined;
  if (text) printTextProtocol(p, text, off + hl, payload);
  else if (payload > 0 && (sport === 53 || dport === 53)) {
    // DNS over TCP: a two-byte length, then the message.
    p.put(' ');
    const msgLen = p.u16(off + hl, 'domain');
    printDns(p, off + hl + 2, msgLen, false);
  }
}
