/**
 * ICMP (RFC 792 and friends): type/code names, the checksum (verified, as
 * Wireshark does by default), echo identifiers and sequence numbers in both
 * byte orders, request/reply matching, the ping timestamp heuristic, and the
 * datagram quoted by error messages.
 */
import { addExpert, GROUPS, Severity } from '../expert.js';
import { fields } from '../field.js';
import type { PacketContext } from '../packet.js';
import { protocol, type Dissector, type Registry } from '../registry.js';
import type { Tree } from '../tree.js';
import { slice, u16, u16le, u32, u32le, u8, type Tvb } from '../tvb.js';
import { CHECKSUM_STATUS, checksumStatusText } from './eth-trailer-fields.js';
import { inErrorPacket, ipFlags, type IpPacketInfo } from './ipv4.js';
import { wireEnd } from './wire-end.js';
import { nsSince, nsSub, type Ns } from '../ns.js';
import { dissectQuoted } from './icmp-quote.js';
import { internetChecksum } from './icmp-checksum.js';
import { within } from './data.js';
import { TransactionTable } from './transaction-table.js';

export const icmpProto = protocol('icmp', 'ICMP', 'Internet Control Message Protocol');

export const hfIcmp = fields({
  type: { abbrev: 'icmp.type', name: 'Type', type: 'uint8', base: 'dec' },
  code: { abbrev: 'icmp.code', name: 'Code', type: 'uint8', base: 'dec' },
  checksum: { abbrev: 'icmp.checksum', name: 'Checksum', type: 'uint16', base: 'hex' },
  checksumStatus: { abbrev: 'icmp.checksum.status', name: 'Checksum Status', type: 'uint8', strings: CHECKSUM_STATUS },
  checksumBad: { abbrev: 'icmp.checksum_bad', name: 'Bad checksum', type: 'none' },
  unused: { abbrev: 'icmp.unused', name: 'Unused', type: 'bytes' },
  ident: { abbrev: 'icmp.ident', name: 'Identifier (BE)', type: 'uint16', base: 'dec_hex' },
  identLe: { abbrev: 'icmp.ident_le', name: 'Identifier (LE)', type: 'uint16', base: 'dec_hex' },
  seq: { abbrev: 'icmp.seq', name: 'Sequence Number (BE)', type: 'uint16', base: 'dec_hex' },
  seqLe: { abbrev: 'icmp.seq_le', name: 'Sequence Number (LE)', type: 'uint16', base: 'dec_hex' },
  mtu: { abbrev: 'icmp.mtu', name: 'MTU of next hop', type: 'uint16', base: 'dec' },
  length: { abbrev: 'icmp.length', name: 'Length', type: 'uint8', base: 'dec' },
  lengthOriginal: { abbrev: 'icmp.length.original_datagram', name: 'Length of original datagram', type: 'uint8', base: 'dec' },
  numAddrs: { abbrev: 'icmp.num_addrs', name: 'Number of addresses', type: 'uint8', base: 'dec' },
  addrEntrySize: { abbrev: 'icmp.addr_entry_size', name: 'Address entry size', type: 'uint8', base: 'dec' },
  lifetime: { abbrev: 'icmp.lifetime', name: 'Lifetime', type: 'uint16', base: 'dec' },
  pointer: { abbrev: 'icmp.pointer', name: 'Pointer', type: 'uint32', base: 'dec' },
  routerAddress: { abbrev: 'icmp.router_address', name: 'Router address', type: 'ipv4' },
  prefLevel: { abbrev: 'icmp.pref_level', name: 'Preference level', type: 'int32', base: 'dec' },
  originateTimestamp: { abbrev: 'icmp.originate_timestamp', name: 'Originate Timestamp', type: 'uint32', base: 'dec' },
  receiveTimestamp: { abbrev: 'icmp.receive_timestamp', name: 'Receive Timestamp', type: 'uint32', base: 'dec' },
  transmitTimestamp: { abbrev: 'icmp.transmit_timestamp', name: 'Transmit Timestamp', type: 'uint32', base: 'dec' },
  addressMask: { abbrev: 'icmp.address_mask', name: 'Address Mask', type: 'ipv4' },
  redirGw: { abbrev: 'icmp.redir_gw', name: 'Gateway Address', type: 'ipv4' },
  respIn: { abbrev: 'icmp.resp_in', name: 'Response frame', type: 'framenum' },
  respTo: { abbrev: 'icmp.resp_to', name: 'Request frame', type: 'framenum' },
  respTime: { abbrev: 'icmp.resptime', name: 'Response time', type: 'double' },
  dataTime: { abbrev: 'icmp.data_time', name: 'Timestamp from icmp data', type: 'absolute_time' },
  dataTimeRelative: { abbrev: 'icmp.data_time_relative', name: 'Timestamp from icmp data (relative)', type: 'relative_time', unit: ' seconds' },
  typeDeprecated: { abbrev: 'icmp.type.deprecated', name: 'Type is deprecated', type: 'none' },
});

const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'Echo (ping) reply', 1: 'Reserved', 2: 'Reserved', 3: 'Destination unreachable', 4: 'Source quench (flow control)',
  5: 'Redirect', 6: 'Alternate host address', 8: 'Echo (ping) request', 9: 'Router advertisement', 10: 'Router solicitation',
  11: 'Time-to-live exceeded', 12: 'Parameter problem', 13: 'Timestamp request', 14: 'Timestamp reply',
  15: 'Information request', 16: 'Information reply', 17: 'Address mask request', 18: 'Address mask reply',
  19: 'Reserved (for security)', 30: 'Traceroute', 31: 'Datagram Conversion Error', 32: 'Mobile Host Redirect',
  33: 'IPv6 Where-Are-You', 34: 'IPv6 I-Am-Here', 35: 'Mobile Registration Request', 36: 'Mobile Registration Reply',
  37: 'Domain Name Request', 38: 'Domain Name Reply', 39: 'SKIP', 40: 'Photuris', 41: 'Experimental mobility protocols',
  42: 'Extended Echo request', 43: 'Extended Echo reply',
};
const UNREACH_CODES: Readonly<Record<number, string>> = {
  0: 'Network unreachable', 1: 'Host unreachable', 2: 'Protocol unreachable', 3: 'Port unreachable',
  4: 'Fragmentation needed', 5: 'Source route failed', 6: 'Destination network unknown', 7: 'Destination host unknown',
  8: 'Source host isolated', 9: 'Network administratively prohibited', 10: 'Host administratively prohibited',
  11: 'Network unreachable for TOS', 12: 'Host unreachable for TOS', 13: 'Communication administratively filtered',
  14: 'Host precedence violation', 15: 'Precedence cutoff in effect',
};
const REDIRECT_CODES: Readonly<Record<number, string>> = {
  0: 'Redirect for network', 1: 'Redirect for host', 2: 'Redirect for TOS and network', 3: 'Redirect for TOS and host',
};
const ALT_HOST_CODES: Readonly<Record<number, string>> = { 0: 'Alternate address for host' };
const RTRADVERT_CODES: Readonly<Record<number, string>> = { 0: 'Normal router advertisement', 16: 'Does not route common traffic' };
const TTL_CODES: Readonly<Record<number, string>> = { 0: 'Time to live exceeded in transit', 1: 'Fragment reassembly time exceeded' };
const PARAM_CODES: Readonly<Record<number, string>> = { 0: 'Pointer indicates the error', 1: 'Required option missing', 2: 'Bad length' };
const PHOTURIS_CODES: Readonly<Record<number, string>> = {
  0: 'Bad SPI', 1: 'Authentication Failed', 2: 'Decompression Failed', 3: 'Decryption Failed', 4: 'Need Authentication', 5: 'Need Authorization',
};
const EXT_ECHO_REQ_CODES: Readonly<Record<number, string>> = { 0: 'No error' };
const EXT_ECHO_REPLY_CODES: Readonly<Record<number, string>> = {
  0: 'No error', 1: 'Malformed Query', 2: 'No Such Interface', 3: 'No Such Table Entry', 4: 'Multiple Interfaces Satisfy Query',
};

const ECHO_REPLY = 0, UNREACH = 3, SOURCE_QUENCH = 4, REDIRECT = 5, ALT_HOST = 6, ECHO = 8, RTRADVERT = 9, TIMXCEED = 11;
const PARAMPROB = 12, TSTAMP = 13, TSTAMPREPLY = 14, IREQ = 15, IREQREPLY = 16, MASKREQ = 17, MASKREPLY = 18, PHOTURIS = 40;
const EXTECHO = 42, EXTECHOREPLY = 43;
const FRAG_NEEDED = 4;
const DAY_SECONDS = 86400;
const MS_PER_DAY = 86400000;

function codeTable(type: number): Readonly<Record<number, string>> | undefined {
  switch (type) {
    case UNREACH: return UNREACH_CODES;
    case REDIRECT: return REDIRECT_CODES;
    case ALT_HOST: return ALT_HOST_CODES;
    case RTRADVERT: return RTRADVERT_CODES;
    case TIMXCEED: return TTL_CODES;
    case PARAMPROB: return PARAM_CODES;
    case PHOTURIS: return PHOTURIS_CODES;
    case EXTECHO: return EXT_ECHO_REQ_CODES;
    case EXTECHOREPLY: return EXT_ECHO_REPLY_CODES;
    default: return undefined;
  }
}

interface Transactions {
  /** Echo requests by address pair, and by the reply's checksum, ID and sequence (packed by echoKey). */
  readonly table: TransactionTable;
  /** Seconds the Ns times count from (the first echo's). */
  epochSec: number | undefined;
}

function transactions(ctx: PacketContext): Transactions {
  return ctx.session.get('icmp.transactions', newTransactions);
}

function newTransactions(): Transactions {
  return { table: new TransactionTable(), epochSec: undefined };
}

function frameNs(ctx: PacketContext, t: Transactions): Ns {
  t.epochSec ??= ctx.frame.tsSec;
  return nsSince(t.epochSec, ctx.frame.tsSec, ctx.frame.tsNsec);
}

/** The checksum the matching echo reply will carry: the request's, plus the type difference (ones' complement). */
function expectedReplyChecksum(requestSum: number): number {
  let s = requestSum + 0x0800;
  s = (s & 0xffff) + (s >>> 16);
  return s === 0xffff ? 0 : s;
}

/** The 16-bit checksum, ID and sequence as one number (48 bits: exact in a double). */
function echoKey(sum: number, id: number, seq: number): number {
  return (sum * 65536 + id) * 65536 + seq;
}

function addressPair(ctx: PacketContext, t: Transactions): number {
  return t.table.pairId(ctx.netSrc, ctx.netSrcKey, 0, ctx.netDst, ctx.netDstKey, 0);
}

/** Echo request/reply matching across the capture; on a revisit the first pass's answer is replayed. */
function matchEcho(ctx: PacketContext, t: Tree, tvb: Tvb, isReply: boolean, sum: number, id: number, seq: number): void {
  if (!isReply) {
    if (ctx.visited) return;
    const t = transactions(ctx);
    const pair = addressPair(ctx, t);
    const key = echoKey(expectedReplyChecksum(sum), id, seq);
    const known = t.table.find(pair, key);
    if (known < 0 || t.table.responseFrame(known) !== 0) t.table.put(pair, key, ctx.num, frameNs(ctx, t));
    return;
  }
  let found = storedRequest(ctx);
  if (!ctx.visited) {
    const t = transactions(ctx);
    const trans = t.table.find(addressPair(ctx, t), echoKey(sum === 0xffff ? 0 : sum, id, seq));
    const replyFrame = trans < 0 ? -1 : t.table.responseFrame(trans);
    if (replyFrame === 0 || replyFrame === ctx.num) {
      t.table.setResponseFrame(trans, ctx.num);
      found = { frame: t.table.requestFrame(trans), ns: nsSub(frameNs(ctx, t), t.table.requestTime(trans)) };
      // The request's frame is enough for a revisit: the time is the two frames' difference.
      ctx.setMemo('icmp.request', ctx.times ? found.frame : found);
    }
  }
  if (!found) return;
  t.addGenerated(hfIcmp.respTo, tvb, 0, 0, found.frame);
  const ms = Number(found.ns) / 1e6;
  t.addGenerated(hfIcmp.respTime, tvb, 0, 0, ms, `Response time: ${ms.toFixed(3)} ms`);
  ctx.cols.appendInfo(` (request in ${found.frame})`);
}

/** The request a reply answered, as the first pass found it. */
function storedRequest(ctx: PacketContext): { frame: number; ns: Ns } | undefined {
  const stored = ctx.getMemo<number | { frame: number; ns: Ns }>('icmp.request');
  if (typeof stored !== 'number') return stored;
  return { frame: stored, ns: ctx.times!.between(ctx.num, stored) };
}

/**
 * Ping programs put a struct timeval first in the data, in either byte order;
 * it is taken as one when it lies within a day of the frame's time.
 */
function pingTimestamp(ctx: PacketContext, tvb: Tvb, off: number): bigint | null {
  const plausible = (secs: number, usecs: number): boolean => Math.abs((secs - ctx.frame.tsSec) | 0) < DAY_SECONDS && usecs < 1000000;
  let secs = u32(tvb, off);
  let usecs = u32(tvb, off + 4);
  if (!plausible(secs, usecs)) {
    secs = u32le(tvb, off);
    usecs = u32le(tvb, off + 4);
  }
  if (!plausible(secs, usecs)) return null;
  return BigInt(secs) * 1_000_000_000n + BigInt(usecs) * 1000n;
}

/** Milliseconds after midnight UTC as Wireshark prints them: `17 hours, 2 minutes, 3.456 seconds`. */
function msecsText(ms: number): string {
  const parts: string[] = [];
  const hours = Math.floor(ms / 3600000);
  const minutes = Math.floor((ms % 3600000) / 60000);
  const secs = Math.floor((ms % 60000) / 1000);
  const rest = ms % 1000;
  if (hours) parts.push(`${hours} hour${hours === 1 ? '' : 's'}`);
  if (minutes) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
  if (secs || rest || parts.length === 0) parts.push(rest ? `${secs}.${String(rest).padStart(3, '0')} seconds` : `${secs} second${secs === 1 ? '' : 's'}`);
  return parts.join(', ');
}

function bestGuessMsOfDay(tvb: Tvb, off: number, frameMs: number): number {
  const be = u32(tvb, off) & 0x7fffffff;
  const le = u32le(tvb, off) & 0x7fffffff;
  if (be < MS_PER_DAY && le >= MS_PER_DAY) return be;
  if (le < MS_PER_DAY && be >= MS_PER_DAY) return le;
  if (be < MS_PER_DAY && le < MS_PER_DAY) {
    let b = be, l = le;
    if (b < frameMs && b <= MS_PER_DAY / 4 && frameMs >= MS_PER_DAY - MS_PER_DAY / 4) b += MS_PER_DAY;
    if (l < frameMs && l <= MS_PER_DAY / 4 && frameMs >= MS_PER_DAY - MS_PER_DAY / 4) l += MS_PER_DAY;
    return ((b - frameMs) >>> 0) < ((l - frameMs) >>> 0) ? be : le;
  }
  return ((be - frameMs) >>> 0) < ((le - frameMs) >>> 0) ? be : le;
}

function callData(ctx: PacketContext, tvb: Tvb, off: number, end: number, tree: Tree): void {
  const data = ctx.registry.byName('data');
  if (data && end > off) ctx.call(data, tvb, off, end, tree);
}

export const dissectIcmp: Dissector = (tvb, offset, end, ctx, tree, dataArg) => {
  const ip = dataArg as IpPacketInfo | undefined;
  const inError = inErrorPacket(ctx);
  ctx.cols.protocol = 'ICMP';
  ctx.cols.clearInfo();
  within(tvb, offset, 6, end);
  const type = u8(tvb, offset);
  const code = u8(tvb, offset + 1);
  let originalLength = u8(tvb, offset + 5);
  let typeStr = TYPE_NAMES[type] ?? 'Unknown ICMP (obsolete or malformed?)';
  if (type === RTRADVERT && (code === 0 || code === 16)) typeStr = 'Mobile IP Advertisement';
  if (type === ALT_HOST) originalLength = 0;
  const codes = codeTable(type);
  const codeStr = codes ? codes[code] ?? `Unknown code: ${code}` : undefined;
  ctx.cols.setInfo(typeStr.padEnd(20, ' ') + (codeStr !== undefined ? ` (${codeStr})` : ''));

  const captured = end - offset;
  const reported = wireEnd(tvb, end, ip) - offset;
  const t = ctx.enter(icmpProto, tree, tvb, offset, captured);
  ctx.cols.protocol = 'ICMP';
  const typeItem = t.add(hfIcmp.type, tvb, offset, 1, type, t.enabled ? `Type: ${type} (${typeStr})` : undefined);
  if (type === SOURCE_QUENCH || type === ALT_HOST || type === IREQ || type === IREQREPLY || type === MASKREQ || type === MASKREPLY || (type >= 30 && type <= 39)) {
    addExpert(typeItem, tvb, offset, 1, Severity.Warning, GROUPS.Deprecated, 'Type is deprecated', hfIcmp.typeDeprecated);
  }
  t.add(hfIcmp.code, tvb, offset + 1, 1, code, t.enabled && codeStr !== undefined ? `Code: ${code} (${codeStr})` : undefined);

  const sum = u16(tvb, offset + 2);
  const fragmented = ipFlags(ctx).fragmented;
  if (!fragmented && captured >= reported && !inError) {
    const should = internetChecksum(tvb.bytes, offset, captured, offset + 2);
    const computed = internetChecksum(tvb.bytes, offset, captured);
    if (computed === 0) {
      t.add(hfIcmp.checksum, tvb, offset + 2, 2, sum, t.enabled ? `Checksum: 0x${hex4(sum)} [correct]` : undefined);
      t.addGenerated(hfIcmp.checksumStatus, tvb, offset + 2, 0, 1, t.labels ? checksumStatusText(hfIcmp.checksumStatus, 1) : undefined);
    } else {
      const item = t.add(hfIcmp.checksum, tvb, offset + 2, 2, sum, t.enabled ? `Checksum: 0x${hex4(sum)} incorrect, should be 0x${hex4(should)}` : undefined);
      addExpert(item, tvb, offset + 2, 2, Severity.Warning, GROUPS.Checksum, `Bad checksum [should be 0x${hex4(should)}]`, hfIcmp.checksumBad);
      t.addGenerated(hfIcmp.checksumStatus, tvb, offset + 2, 0, 0, t.labels ? checksumStatusText(hfIcmp.checksumStatus, 0) : undefined);
    }
  } else {
    t.add(hfIcmp.checksum, tvb, offset + 2, 2, sum,
      t.enabled ? `Checksum: 0x${hex4(sum)} [unverified] [${inError ? 'in ICMP error packet' : 'fragmented datagram'}]` : undefined);
    t.addGenerated(hfIcmp.checksumStatus, tvb, offset + 2, 0, 2, t.labels ? checksumStatusText(hfIcmp.checksumStatus, 2) : undefined);
  }

  let numAddrs = 0, entrySize = 0;
  switch (type) {
    case ECHO_REPLY: case ECHO: case TSTAMP: case TSTAMPREPLY: case IREQ: case IREQREPLY: case MASKREQ: case MASKREPLY: {
      const id = u16(tvb, offset + 4);
      const seq = u16(tvb, offset + 6);
      t.add(hfIcmp.ident, tvb, offset + 4, 2, id);
      t.add(hfIcmp.identLe, tvb, offset + 4, 2, u16le(tvb, offset + 4));
      t.add(hfIcmp.seq, tvb, offset + 6, 2, seq);
      t.add(hfIcmp.seqLe, tvb, offset + 6, 2, u16le(tvb, offset + 6));
      ctx.cols.appendInfo(` id=0x${hex4(id)}, seq=${seq}/${u16le(tvb, offset + 6)}`);
      if (ip) ctx.cols.appendInfo(`, ttl=${ip.ttl}`);
      break;
    }
    case UNREACH:
      if (originalLength > 0) {
        t.add(hfIcmp.unused, tvb, offset + 4, 1, slice(tvb, offset + 4, 1));
        t.add(hfIcmp.length, tvb, offset + 5, 1, originalLength);
        t.addGenerated(hfIcmp.lengthOriginal, tvb, offset + 5, 1, (originalLength * 4) & 0xff);
        if (code === FRAG_NEEDED) t.add(hfIcmp.mtu, tvb, offset + 6, 2, u16(tvb, offset + 6));
        else t.add(hfIcmp.unused, tvb, offset + 6, 2, slice(tvb, offset + 6, 2));
      } else if (code === FRAG_NEEDED) {
        t.add(hfIcmp.unused, tvb, offset + 4, 2, slice(tvb, offset + 4, 2));
        t.add(hfIcmp.mtu, tvb, offset + 6, 2, u16(tvb, offset + 6));
      } else {
        t.add(hfIcmp.unused, tvb, offset + 4, 4, slice(tvb, offset + 4, 4));
      }
      break;
    case RTRADVERT: {
      numAddrs = u8(tvb, offset + 4);
      entrySize = u8(tvb, offset + 5);
      t.add(hfIcmp.numAddrs, tvb, offset + 4, 1, numAddrs);
      t.add(hfIcmp.addrEntrySize, tvb, offset + 5, 1, entrySize);
      t.add(hfIcmp.lifetime, tvb, offset + 6, 2, u16(tvb, offset + 6));
      break;
    }
    case PARAMPROB:
      t.add(hfIcmp.pointer, tvb, offset + 4, 1, u8(tvb, offset + 4));
      if (originalLength > 0) {
        t.add(hfIcmp.length, tvb, offset + 5, 1, originalLength);
        t.addGenerated(hfIcmp.lengthOriginal, tvb, offset + 5, 1, (originalLength * 4) & 0xff);
        t.add(hfIcmp.unused, tvb, offset + 6, 2, slice(tvb, offset + 6, 2));
      } else {
        t.add(hfIcmp.unused, tvb, offset + 5, 3, slice(tvb, offset + 5, 3));
      }
      break;
    case REDIRECT:
      t.add(hfIcmp.redirGw, tvb, offset + 4, 4, u32(tvb, offset + 4));
      break;
    case TIMXCEED:
      if (originalLength > 0) {
        t.add(hfIcmp.unused, tvb, offset + 4, 1, slice(tvb, offset + 4, 1));
        t.add(hfIcmp.length, tvb, offset + 5, 1, originalLength);
        t.addGenerated(hfIcmp.lengthOriginal, tvb, offset + 5, 1, (originalLength * 4) & 0xff);
        t.add(hfIcmp.unused, tvb, offset + 6, 2, slice(tvb, offset + 6, 2));
      } else {
        t.add(hfIcmp.unused, tvb, offset + 4, 4, slice(tvb, offset + 4, 4));
      }
      break;
    default:
      break;
  }

  const body = offset + 8;
  switch (type) {
    case UNREACH: case TIMXCEED: case PARAMPROB: case SOURCE_QUENCH: case REDIRECT: {
      let quoteEnd = end;
      if (type === REDIRECT) {
        quoteEnd = Math.min(end, body + (u8(tvb, body) & 0x0f) * 4 + 8);
      } else if (originalLength && reported > 8 + originalLength * 4 && u16(tvb, body + 2) > originalLength * 4) {
        quoteEnd = Math.min(end, body + ((u8(tvb, body) & 0x0f) + originalLength) * 4);
      }
      if (end > body) dissectQuoted(ctx, 0x0800, tvb, body, quoteEnd, t);
      break;
    }
    case ECHO_REPLY: case ECHO: {
      if (!inError) matchEcho(ctx, t, tvb, type === ECHO_REPLY, sum, u16(tvb, offset + 4), u16(tvb, offset + 6));
      if (end - body < 8) {
        callData(ctx, tvb, body, end, t);
        break;
      }
      const ts = pingTimestamp(ctx, tvb, body);
      if (ts !== null) {
        t.add(hfIcmp.dataTime, tvb, body, 8, ts);
        const now = BigInt(ctx.frame.tsSec) * 1_000_000_000n + BigInt(ctx.frame.tsNsec);
        t.addGenerated(hfIcmp.dataTimeRelative, tvb, body, 8, now - ts);
        callData(ctx, tvb, body + 8, end, t);
      } else {
        callData(ctx, tvb, body, end, t);
      }
      break;
    }
    case RTRADVERT:
      if (entrySize === 2) {
        for (let i = 0; i < numAddrs; i++) {
          t.add(hfIcmp.routerAddress, tvb, body + i * 8, 4, u32(tvb, body + i * 8));
          t.add(hfIcmp.prefLevel, tvb, body + 4 + i * 8, 4, u32(tvb, body + 4 + i * 8) | 0);
        }
      } else {
        callData(ctx, tvb, body, end, t);
      }
      break;
    case TSTAMP: case TSTAMPREPLY: {
      const frameMs = (ctx.frame.tsSec * 1000 + Math.floor(ctx.frame.tsNsec / 1e6)) % MS_PER_DAY;
      const items = [[hfIcmp.originateTimestamp, 0], [hfIcmp.receiveTimestamp, 4], [hfIcmp.transmitTimestamp, 8]] as const;
      for (const [def, rel] of items) {
        const v = u32(tvb, body + rel);
        t.add(def, tvb, body + rel, 4, v, t.enabled ? `${def.name}: ${v} (${msecsText(bestGuessMsOfDay(tvb, body + rel, frameMs))} after midnight UTC)` : undefined);
      }
      break;
    }
    case MASKREQ: case MASKREPLY:
      t.add(hfIcmp.addressMask, tvb, body, 4, u32(tvb, body));
      break;
    default:
      break;
  }
  return end - offset;
};

function hex4(v: number): string {
  return v.toString(16).padStart(4, '0');
}

export function register(r: Registry): void {
  r.addProtocol(icmpProto, hfIcmp);
  r.add('ip.proto', 1, dissectIcmp);
}

