/**
 * DNS (RFC 1035) over UDP and TCP, and Multicast DNS (port 5353): header,
 * questions and resource records with Wireshark 4.0's field names, tree
 * labels and Info column. Record data is decoded for the common types; the
 * rest is shown as bytes. Names go through readDnsName, which bounds work on
 * hostile compression pointers.
 */
import type { FieldDef } from '../field.js';
import { hfWs } from '../expert.js';
import type { PacketContext } from '../packet.js';
import { protocol, type Registry } from '../registry.js';
import type { Tree } from '../tree.js';
import { ascii, slice, u16, u32, u8, type Tvb } from '../tvb.js';
import { ipv4Text, ipv6Text } from '../../format/address-text.js';
import { readDnsName, type NameWalkCache } from './dns-names.js';
import {
  DNS_CLASSES, DNS_OPCODES, DNS_RCODES, DNS_TYPE_DESCRIPTIONS, EDNS_OPTION_CODES, timeSecsText, typeDescription, typeName,
} from './dns-tables.js';
import { dissectDnsOverTcp } from './dns-tcp.js';
import { hfDns, SVCB_KEYS } from './dns-fields.js';
import { addStrayExpert } from './stray-characters.js';
import { addRetransmissionExpert, addTransactionItems, hfDnsTrans, trackTransaction } from './dns-transactions.js';

export const dnsProto = protocol('dns', 'DNS', 'Domain Name System');
export const mdnsProto = protocol('mdns', 'MDNS', 'Multicast Domain Name System');

const T = { A: 1, NS: 2, MD: 3, MF: 4, CNAME: 5, SOA: 6, MB: 7, MG: 8, MR: 9, NULL: 10, PTR: 12, HINFO: 13, MINFO: 14, MX: 15, TXT: 16, AAAA: 28, SRV: 33, NAPTR: 35, OPT: 41, DS: 43, RRSIG: 46, DNSKEY: 48, CAA: 257, NSEC: 47, NSEC3: 50, SVCB: 64, HTTPS: 65 } as const;
const OPCODE_UPDATE = 5;
const HEADER_LEN = 12;

interface Message {
  readonly tvb: Tvb;
  /** Where the message (the ID field) starts: compression pointers count from here. */
  readonly start: number;
  readonly mdns: boolean;
  readonly ctx: PacketContext;
  readonly names: NameWalkCache;
}

/** DNS or mDNS message in a UDP datagram. */
export function dissectDnsUdp(tvb: Tvb, offset: number, end: number, ctx: PacketContext, tree: Tree): number {
  dissectMessage(tvb, offset, end, ctx, tree, false, -1);
  return end - offset;
}

export function dissectMdns(tvb: Tvb, offset: number, end: number, ctx: PacketContext, tree: Tree): number {
  dissectMessage(tvb, offset, end, ctx, tree, true, -1);
  return end - offset;
}

/**
 * One DNS message spanning [offset, end). For TCP, `lengthAt` is the offset of the
 * two-byte length prefix (the message starts right after it), else -1.
 */
export function dissectMessage(tvb: Tvb, offset: number, end: number, ctx: PacketContext, parent: Tree, mdns: boolean, lengthAt: number): void {
  const on = parent.enabled;
  const id = u16(tvb, offset);
  const flags = u16(tvb, offset + 2);
  const opcode = (flags >> 11) & 0xf;
  const rcode = flags & 0xf;
  const isResponse = (flags & 0x8000) !== 0;

  ctx.cols.clearInfo();
  ctx.cols.setInfo(`${DNS_OPCODES[opcode] ?? `Unknown operation (${opcode})`}${isResponse ? ' response' : ''} 0x${id.toString(16).padStart(4, '0')}`);
  if (isResponse && rcode !== 0) ctx.cols.appendInfo(' ' + (DNS_RCODES[rcode] ?? `Unknown error (${rcode})`));

  const proto = mdns ? mdnsProto : dnsProto;
  const protoStart = lengthAt >= 0 ? lengthAt : offset;
  const tree = ctx.enter(proto, parent, tvb, protoStart, end - protoStart,
    on ? `${proto.label} (${isResponse ? 'response' : 'query'})` : undefined);

  if (lengthAt >= 0) tree.add(hfDns.length, tvb, lengthAt, 2, u16(tvb, lengthAt));
  const transaction = trackTransaction(ctx, `dns:${tvb.source}:${offset}`, id, isResponse);
  const idItem = tree.add(hfDns.id, tvb, offset, 2, id);
  addRetransmissionExpert(idItem, tvb, offset, transaction);
  const flagsItem = tree.add(hfDns.flags, tvb, offset + 2, 2, flags,
    on ? `Flags: 0x${flags.toString(16).padStart(4, '0')} ${DNS_OPCODES[opcode] ?? 'Unknown operation'}` +
      (isResponse ? ` response, ${DNS_RCODES[rcode] ?? 'Unknown error'}` : '') : undefined);
  if (on) addFlagBits(flagsItem, tvb, offset + 2, flags, isResponse);

  const isUpdate = opcode === OPCODE_UPDATE;
  const quest = u16(tvb, offset + 4);
  tree.add(isUpdate ? hfDns.countZones : hfDns.countQueries, tvb, offset + 4, 2, quest);
  const ans = u16(tvb, offset + 6);
  tree.add(isUpdate ? hfDns.countPrereq : hfDns.countAnswers, tvb, offset + 6, 2, ans);
  const auth = u16(tvb, offset + 8);
  tree.add(isUpdate ? hfDns.countUpdates : hfDns.countAuth, tvb, offset + 8, 2, auth);
  const add = u16(tvb, offset + 10);
  tree.add(hfDns.countAdd, tvb, offset + 10, 2, add);

  const msg: Message = { tvb, start: offset, mdns, ctx, names: new Map() };
  let cur = offset + HEADER_LEN;
  if (quest > 0) {
    const section = tree.add(hfWs.text, tvb, cur, end - cur, null, on ? (isUpdate ? 'Zone' : 'Queries') : undefined);
    const from = cur;
    for (let i = 0; i < quest; i++) cur += dissectQuestion(msg, cur, section);
    section.setLength(cur - from);
  }
  const sections: Array<[number, string]> = [
    [ans, isUpdate ? 'Prerequisites' : 'Answers'],
    [auth, isUpdate ? 'Updates' : 'Authoritative nameservers'],
    [add, 'Additional records'],
  ];
  for (const [count, label] of sections) {
    if (count === 0) continue;
    const section = tree.add(hfWs.text, tvb, cur, end - cur, null, on ? label : undefined);
    const from = cur;
    for (let i = 0; i < count; i++) cur += dissectRecord(msg, cur, section);
    section.setLength(cur - from);
  }
  addTransactionItems(tree, tvb, offset, transaction);
}

function addFlagBits(item: Tree, tvb: Tvb, off: number, flags: number, isResponse: boolean): void {
  const bit = (def: FieldDef, mask: number): void => { item.add(def, tvb, off, 2, (flags & mask) !== 0); };
  bit(hfDns.response, 0x8000);
  item.add(hfDns.opcode, tvb, off, 2, (flags >> 11) & 0xf);
  if (isResponse) bit(hfDns.authoritative, 0x400);
  bit(hfDns.truncated, 0x200);
  bit(hfDns.recdesired, 0x100);
  if (isResponse) bit(hfDns.recavail, 0x80);
  bit(hfDns.z, 0x40);
  if (isResponse) bit(hfDns.authenticated, 0x20);
  else if (flags & 0x20) bit(hfDns.ad, 0x20);
  bit(hfDns.checkdisable, 0x10);
  if (isResponse) item.add(hfDns.rcode, tvb, off, 2, flags & 0xf);
}

function classText(cls: number): string {
  return DNS_CLASSES[cls] ?? 'Unknown';
}

function hex4(v: number): string {
  return '0x' + v.toString(16).padStart(4, '0');
}

function dissectQuestion(msg: Message, offset: number, section: Tree): number {
  const { tvb, ctx } = msg;
  const n = readDnsName(tvb, offset, msg.start, msg.names);
  const type = u16(tvb, offset + n.used);
  let cls = u16(tvb, offset + n.used + 2);
  const qu = msg.mdns && (cls & 0x8000) !== 0;
  if (msg.mdns) cls &= 0x7fff;
  const tname = typeName(type);
  ctx.cols.appendInfo(` ${tname} ${n.name}`);
  if (msg.mdns) ctx.cols.appendInfo(`, "${qu ? 'QU' : 'QM'}" question`);
  const used = n.used + 4;
  if (section.enabled) {
    const q = section.add(hfWs.text, tvb, offset, used, null,
      `${n.name}: type ${tname}, class ${classText(cls)}` + (msg.mdns ? `, "${qu ? 'QU' : 'QM'}" question` : ''));
    q.add(hfDns.qryName, tvb, offset, n.used, n.name);
    q.addGenerated(hfDns.qryNameLen, tvb, offset, n.used, n.length > 1 ? n.length : 0);
    q.addGenerated(hfDns.labels, tvb, offset, n.used, labelCount(n.name, n.length));
    q.add(hfDns.qryType, tvb, offset + n.used, 2, type, `Type: ${typeDescription(type)} (${type})`);
    if (msg.mdns) q.add(hfDns.qryClassMdns, tvb, offset + n.used + 2, 2, cls);
    else q.add(hfDns.qryClass, tvb, offset + n.used + 2, 2, cls, `Class: ${classText(cls)} (${hex4(cls)})`);
    if (msg.mdns) q.add(hfDns.qryQu, tvb, offset + n.used + 2, 2, qu);
  }
  return used;
}

/** Wireshark counts dots (plus one) in any name longer than one character. */
function labelCount(name: string, length: number): number {
  if (length <= 1) return 0;
  let dots = 0;
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) === 46) dots++;
  return dots + 1;
}

function dissectRecord(msg: Message, offset: number, section: Tree): number {
  const { tvb, ctx } = msg;
  const on = section.enabled;
  const n = readDnsName(tvb, offset, msg.start, msg.names);
  let cur = offset + n.used;
  const type = u16(tvb, cur);
  let cls = u16(tvb, cur + 2);
  const flush = msg.mdns && type !== T.OPT && (cls & 0x8000) !== 0;
  if (msg.mdns && type !== T.OPT) cls &= 0x7fff;
  const tname = typeName(type);
  const dataLen = u16(tvb, cur + 8);
  const dataAt = cur + 10;
  ctx.cols.appendInfo(' ' + tname);
  if (flush) ctx.cols.appendInfo(', cache flush');

  let rr: Tree = section;
  if (on) {
    const total = dataAt - offset + dataLen;
    if (type !== T.OPT) {
      rr = section.add(hfWs.text, tvb, offset, total, null, `${n.name}: type ${tname}, class ${classText(cls)}`);
      addRecordHeader(msg, rr, offset, n.name, n.used, type, cls);
    } else {
      rr = section.add(hfWs.text, tvb, offset, total, null, `${n.name}: type ${tname}`);
      addOptHeader(msg, rr, offset, n.name, n.used);
    }
    if (flush) rr.appendText(', cache flush');
  }
  cur = dataAt;
  if (dataLen === 0) return dataAt - offset;

  const name = (at: number) => readDnsName(tvb, at, msg.start, msg.names);
  switch (type) {
    case T.A: {
      const addr = ipv4Text(u32(tvb, cur));
      ctx.cols.appendInfo(' ' + addr);
      if (on) { rr.appendText(`, addr ${addr}`); rr.add(hfDns.a, tvb, cur, 4, u32(tvb, cur)); }
      break;
    }
    case T.AAAA: {
      const bytes = slice(tvb, cur, 16);
      const addr = ipv6Text(bytes);
      ctx.cols.appendInfo(' ' + addr);
      if (on) { rr.appendText(`, addr ${addr}`); rr.add(hfDns.aaaa, tvb, cur, 16, bytes); }
      break;
    }
    case T.NS: case T.CNAME: case T.PTR: {
      const target = name(cur);
      ctx.cols.appendInfo(' ' + target.name);
      if (on) {
        const [def, label] = type === T.NS ? [hfDns.ns, 'ns '] : type === T.CNAME ? [hfDns.cname, 'cname '] : [hfDns.ptr, ''];
        rr.appendText(`, ${label}${target.name}`);
        rr.add(def, tvb, cur, target.used, target.name);
      }
      break;
    }
    case T.MD: case T.MF: case T.MB: case T.MG: case T.MR: case T.MINFO: case T.NULL:
      // Wireshark 4.0 shows the owner name here, not the record's data.
      ctx.cols.appendInfo(' ' + n.name);
      if (on) rr.add(hfDns.data, tvb, cur, dataLen, slice(tvb, cur, dataLen));
      break;
    case T.SOA: {
      const mname = name(cur);
      ctx.cols.appendInfo(' ' + mname.name);
      if (on) {
        rr.appendText(`, mname ${mname.name}`);
        rr.add(hfDns.soaMname, tvb, cur, mname.used, mname.name);
        cur += mname.used;
        const rname = name(cur);
        rr.add(hfDns.soaRname, tvb, cur, rname.used, rname.name);
        cur += rname.used;
        rr.add(hfDns.soaSerial, tvb, cur, 4, u32(tvb, cur));
        cur += 4;
        for (const def of [hfDns.soaRefresh, hfDns.soaRetry, hfDns.soaExpire, hfDns.soaMinimum]) {
          const v = u32(tvb, cur);
          rr.add(def, tvb, cur, 4, v, `${def.name}: ${v} (${timeSecsText(v)})`);
          cur += 4;
        }
      }
      break;
    }
    case T.HINFO: {
      const cpuLen = u8(tvb, cur);
      const cpu = ascii(tvb, cur + 1, cpuLen);
      const osLen = u8(tvb, cur + 1 + cpuLen);
      const os = ascii(tvb, cur + 2 + cpuLen, osLen);
      ctx.cols.appendInfo(` ${cpu} ${os}`);
      if (on) {
        rr.appendText(`, CPU ${cpu}, OS ${os}`);
        rr.add(hfDns.hinfoCpuLen, tvb, cur, 1, cpuLen);
        rr.add(hfDns.hinfoCpu, tvb, cur + 1, cpuLen, cpu);
        rr.add(hfDns.hinfoOsLen, tvb, cur + 1 + cpuLen, 1, osLen);
        rr.add(hfDns.hinfoOs, tvb, cur + 2 + cpuLen, osLen, os);
      }
      break;
    }
    case T.MX: {
      const pref = u16(tvb, cur);
      const mx = name(cur + 2);
      ctx.cols.appendInfo(` ${pref} ${mx.name}`);
      if (on) {
        rr.appendText(`, preference ${pref}, mx ${mx.name}`);
        rr.add(hfDns.mxPreference, tvb, cur, 2, pref);
        rr.add(hfDns.mxExchange, tvb, cur + 2, mx.used, mx.name);
      }
      break;
    }
    case T.TXT: {
      if (!on) break;
      let left = dataLen;
      while (left > 0) {
        const len = u8(tvb, cur);
        rr.add(hfDns.txtLength, tvb, cur, 1, len);
        const txt = ascii(tvb, cur + 1, len);
        addStrayExpert(rr.add(hfDns.txt, tvb, cur + 1, len, txt), tvb, cur + 1, len, txt);
        cur += 1 + len;
        left -= 1 + len;
      }
      break;
    }
    case T.SRV: {
      const priority = u16(tvb, cur);
      const weight = u16(tvb, cur + 2);
      const port = u16(tvb, cur + 4);
      const target = name(cur + 6);
      ctx.cols.appendInfo(` ${priority} ${weight} ${port} ${target.name}`);
      if (on) {
        rr.appendText(`, priority ${priority}, weight ${weight}, port ${port}, target ${target.name}`);
        rr.add(hfDns.srvPriority, tvb, cur, 2, priority);
        rr.add(hfDns.srvWeight, tvb, cur + 2, 2, weight);
        rr.add(hfDns.srvPort, tvb, cur + 4, 2, port);
        rr.add(hfDns.srvTarget, tvb, cur + 6, target.used, target.name);
      }
      break;
    }
    case T.NAPTR: {
      const order = u16(tvb, cur);
      const pref = u16(tvb, cur + 2);
      const flagsLen = u8(tvb, cur + 4);
      const naptrFlags = ascii(tvb, cur + 5, flagsLen);
      ctx.cols.appendInfo(` ${order} ${pref} ${naptrFlags}`);
      if (!on) break;
      rr.appendText(`, order ${order}, preference ${pref}, flags ${naptrFlags}`);
      rr.add(hfDns.naptrOrder, tvb, cur, 2, order);
      rr.add(hfDns.naptrPreference, tvb, cur + 2, 2, pref);
      rr.add(hfDns.naptrFlagsLength, tvb, cur + 4, 1, flagsLen);
      rr.add(hfDns.naptrFlags, tvb, cur + 5, flagsLen, naptrFlags);
      let at = cur + 5 + flagsLen;
      for (const [lenDef, def] of [[hfDns.naptrServiceLength, hfDns.naptrService], [hfDns.naptrRegexLength, hfDns.naptrRegex]] as const) {
        const n = u8(tvb, at);
        rr.add(lenDef, tvb, at, 1, n);
        rr.add(def, tvb, at + 1, n, ascii(tvb, at + 1, n));
        at += 1 + n;
      }
      const replacement = name(at);
      rr.addGenerated(hfDns.naptrReplacementLength, tvb, at, replacement.used, replacement.length);
      rr.add(hfDns.naptrReplacement, tvb, at, replacement.used, replacement.name);
      break;
    }
    case T.DNSKEY: {
      if (!on) break;
      const flags = u16(tvb, cur);
      const f = rr.add(hfDns.dnskeyFlags, tvb, cur, 2, flags);
      f.add(hfDns.dnskeyZoneKey, tvb, cur, 2, (flags & 0x0100) !== 0);
      f.add(hfDns.dnskeyRevoked, tvb, cur, 2, (flags & 0x0080) !== 0);
      f.add(hfDns.dnskeySep, tvb, cur, 2, (flags & 0x0001) !== 0);
      f.add(hfDns.dnskeyReserved, tvb, cur, 2, flags & 0xfe7e);
      rr.add(hfDns.dnskeyProtocol, tvb, cur + 2, 1, u8(tvb, cur + 2));
      const algorithm = u8(tvb, cur + 3);
      rr.add(hfDns.dnskeyAlgorithm, tvb, cur + 3, 1, algorithm);
      const rdata = slice(tvb, cur, dataLen);
      if (dataLen >= 4) rr.addGenerated(hfDns.dnskeyKeyId, tvb, cur, dataLen, keyTag(rdata, algorithm));
      rr.add(hfDns.dnskeyPublicKey, tvb, cur + 4, dataLen - 4, slice(tvb, cur + 4, dataLen - 4));
      break;
    }
    case T.DS: {
      if (!on) break;
      rr.add(hfDns.dsKeyId, tvb, cur, 2, u16(tvb, cur));
      rr.add(hfDns.dsAlgorithm, tvb, cur + 2, 1, u8(tvb, cur + 2));
      rr.add(hfDns.dsDigestType, tvb, cur + 3, 1, u8(tvb, cur + 3));
      rr.add(hfDns.dsDigest, tvb, cur + 4, dataLen - 4, slice(tvb, cur + 4, dataLen - 4));
      break;
    }
    case T.CAA: {
      if (!on) break;
      const flags = u8(tvb, cur);
      const f = rr.add(hfDns.caaFlags, tvb, cur, 1, flags);
      f.add(hfDns.caaCritical, tvb, cur, 1, (flags & 0x80) !== 0);
      const tagLen = u8(tvb, cur + 1);
      const tag = ascii(tvb, cur + 2, tagLen);
      const valueAt = cur + 2 + tagLen;
      const value = ascii(tvb, valueAt, dataAt + dataLen - valueAt);
      const def = tag === 'issue' ? hfDns.caaIssue : tag === 'issuewild' ? hfDns.caaIssueWild : tag === 'iodef' ? hfDns.caaIodef : hfDns.caaUnknown;
      const item = rr.add(def, tvb, cur + 1, dataLen - 1, value);
      item.add(hfDns.caaTagLength, tvb, cur + 1, 1, tagLen);
      item.add(hfDns.caaTag, tvb, cur + 2, tagLen, tag);
      item.add(hfDns.caaValue, tvb, valueAt, dataAt + dataLen - valueAt, value);
      break;
    }
    case T.OPT:
      dissectOptions(tvb, cur, dataLen, rr);
      break;
    case T.SVCB: case T.HTTPS:
      dissectSvcb(msg, cur, dataLen, rr);
      break;
    case T.RRSIG: {
      if (!on) break;
      const covered = u16(tvb, cur);
      rr.add(hfDns.rrsigTypeCovered, tvb, cur, 2, covered, `Type Covered: ${typeDescription(covered)} (${covered})`);
      rr.add(hfDns.rrsigAlgorithm, tvb, cur + 2, 1, u8(tvb, cur + 2));
      rr.add(hfDns.rrsigLabels, tvb, cur + 3, 1, u8(tvb, cur + 3));
      const ttl = u32(tvb, cur + 4);
      rr.add(hfDns.rrsigOriginalTtl, tvb, cur + 4, 4, ttl, `Original TTL: ${ttl} (${timeSecsText(ttl)})`);
      rr.add(hfDns.rrsigExpiration, tvb, cur + 8, 4, BigInt(u32(tvb, cur + 8)) * 1_000_000_000n);
      rr.add(hfDns.rrsigInception, tvb, cur + 12, 4, BigInt(u32(tvb, cur + 12)) * 1_000_000_000n);
      rr.add(hfDns.rrsigKeyTag, tvb, cur + 16, 2, u16(tvb, cur + 16));
      const signer = name(cur + 18);
      rr.add(hfDns.rrsigSigner, tvb, cur + 18, signer.used, signer.name);
      const sigAt = cur + 18 + signer.used;
      rr.add(hfDns.rrsigSignature, tvb, sigAt, dataAt + dataLen - sigAt, slice(tvb, sigAt, dataAt + dataLen - sigAt));
      break;
    }
    case T.NSEC: {
      if (!on) break;
      const next = name(cur);
      rr.add(hfDns.nsecNext, tvb, cur, next.used, next.name);
      typeBitmap(tvb, cur + next.used, dataLen - next.used, rr);
      break;
    }
    case T.NSEC3: {
      if (!on) break;
      rr.add(hfDns.nsec3Algo, tvb, cur, 1, u8(tvb, cur));
      const flagsItem = rr.add(hfDns.nsec3Flags, tvb, cur + 1, 1, u8(tvb, cur + 1));
      flagsItem.add(hfDns.nsec3OptOut, tvb, cur + 1, 1, (u8(tvb, cur + 1) & 1) !== 0);
      rr.add(hfDns.nsec3Iterations, tvb, cur + 2, 2, u16(tvb, cur + 2));
      const saltLen = u8(tvb, cur + 4);
      rr.add(hfDns.nsec3SaltLength, tvb, cur + 4, 1, saltLen);
      rr.add(hfDns.nsec3SaltValue, tvb, cur + 5, saltLen, slice(tvb, cur + 5, saltLen));
      let at = cur + 5 + saltLen;
      const hashLen = u8(tvb, at);
      rr.add(hfDns.nsec3HashLength, tvb, at, 1, hashLen);
      rr.addGenerated(hfDns.nsec3HashValue, tvb, at + 1, hashLen, base32hex(slice(tvb, at + 1, hashLen)));
      at += 1 + hashLen;
      typeBitmap(tvb, at, cur + dataLen - at, rr);
      break;
    }
    default:
      if (on) rr.add(hfDns.data, tvb, cur, dataLen, slice(tvb, cur, dataLen));
  }
  return dataAt - offset + dataLen;
}

/** SVCB/HTTPS records (RFC 9460): priority, target, then key=value parameters. */
function dissectSvcb(msg: Message, offset: number, length: number, rr: Tree): void {
  const { tvb } = msg;
  const on = rr.enabled;
  const end = offset + length;
  rr.add(hfDns.svcPriority, tvb, offset, 2, u16(tvb, offset));
  const target = readDnsName(tvb, offset + 2, msg.start, msg.names);
  rr.add(hfDns.svcTarget, tvb, offset + 2, target.used, target.name);
  let cur = offset + 2 + target.used;
  while (cur < end) {
    const key = u16(tvb, cur);
    const len = u16(tvb, cur + 2);
    const keyName = SVCB_KEYS[key] ?? `key${key}`;
    const param = rr.add(hfDns.svcParam, tvb, cur, 4 + len, null, on ? `SvcParam: ${keyName}` : undefined);
    param.add(hfDns.svcParamKey, tvb, cur, 2, key, on ? `SvcParamKey: ${keyName} (${key})` : undefined);
    param.add(hfDns.svcParamLength, tvb, cur + 2, 2, len);
    const at = cur + 4;
    const shown: string[] = [];
    switch (key) {
      case 0:
        for (let i = 0; i + 1 < len; i += 2) {
          const k = u16(tvb, at + i);
          param.add(hfDns.svcMandatoryKey, tvb, at + i, 2, k);
          shown.push(SVCB_KEYS[k] ?? `key${k}`);
        }
        break;
      case 1: {
        let p = at;
        while (p < at + len) {
          const n = u8(tvb, p);
          param.add(hfDns.svcAlpnLength, tvb, p, 1, n);
          const id = ascii(tvb, p + 1, n);
          param.add(hfDns.svcAlpn, tvb, p + 1, n, id);
          shown.push(id);
          p += 1 + n;
        }
        break;
      }
      case 3:
        param.add(hfDns.svcPort, tvb, at, 2, u16(tvb, at));
        shown.push(String(u16(tvb, at)));
        break;
      case 4:
        for (let i = 0; i + 3 < len; i += 4) {
          param.add(hfDns.svcIpv4, tvb, at + i, 4, u32(tvb, at + i));
          shown.push(ipv4Text(u32(tvb, at + i)));
        }
        break;
      case 6:
        for (let i = 0; i + 15 < len; i += 16) {
          const a = slice(tvb, at + i, 16);
          param.add(hfDns.svcIpv6, tvb, at + i, 16, a);
          shown.push(ipv6Text(a));
        }
        break;
      case 5:
        param.add(hfDns.svcEch, tvb, at, len, slice(tvb, at, len));
        break;
      default:
        if (len > 0) param.add(hfDns.svcParamValue, tvb, at, len, slice(tvb, at, len));
    }
    if (on && shown.length) param.setText(`SvcParam: ${keyName}=${shown.join(',')}`);
    cur = at + len;
  }
}

/** RFC 4034 appendix B key tag (RSA/MD5 keys use their last bytes instead). */
function keyTag(rdata: Uint8Array, algorithm: number): number {
  if (algorithm === 1) return ((rdata[rdata.length - 3]! << 8) + rdata[rdata.length - 2]!) & 0xffff;
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i]! : rdata[i]! << 8;
  ac += (ac >>> 16) & 0xffff;
  return ac & 0xffff;
}

/** RFC 4034 4.1.2 windowed type bitmap: each type present becomes a `dns.resp.type` item. */
function typeBitmap(tvb: Tvb, offset: number, length: number, rr: Tree): void {
  let cur = offset;
  let left = length;
  while (left > 0) {
    const window = u8(tvb, cur);
    const size = u8(tvb, cur + 1);
    cur += 2;
    left -= 2;
    for (let i = 0; i < size; i++) {
      const bits = u8(tvb, cur);
      for (let b = 0; b < 8; b++) {
        if (bits & (0x80 >> b)) {
          const t = window * 256 + i * 8 + b;
          rr.add(hfDns.respType, tvb, cur, 1, t, `RR type in bit map: ${DNS_TYPE_DESCRIPTIONS[t] ?? `Unknown (${t})`}`);
        }
      }
      cur++;
      left--;
    }
  }
}

const B32HEX = '0123456789abcdefghijklmnopqrstuv';
/** RFC 4648 base32hex without padding, as NSEC3 hashed owner names are written. */
function base32hex(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32HEX[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32HEX[(acc << (5 - bits)) & 31];
  return out;
}

function addRecordHeader(msg: Message, rr: Tree, offset: number, name: string, nameLen: number, type: number, cls: number): void {
  const { tvb } = msg;
  if (type === T.SRV && name !== '' && name !== '<Root>') {
    const [service, proto, rest] = splitSrv(name);
    rr.add(hfDns.srvService, tvb, offset, nameLen, service);
    if (proto !== undefined) {
      rr.add(hfDns.srvProto, tvb, offset, nameLen, proto);
      if (rest !== undefined) rr.add(hfDns.srvName, tvb, offset, nameLen, rest);
    }
  } else {
    rr.add(hfDns.respName, tvb, offset, nameLen, name);
  }
  let cur = offset + nameLen;
  rr.add(hfDns.respType, tvb, cur, 2, type, `Type: ${typeDescription(type)} (${type})`);
  cur += 2;
  if (msg.mdns) {
    rr.add(hfDns.respClassMdns, tvb, cur, 2, cls);
    rr.add(hfDns.cacheFlush, tvb, cur, 2, (u16(tvb, cur) & 0x8000) !== 0);
  } else {
    rr.add(hfDns.respClass, tvb, cur, 2, cls, `Class: ${classText(cls)} (${hex4(cls)})`);
  }
  cur += 2;
  const ttl = u32(tvb, cur);
  rr.add(hfDns.ttl, tvb, cur, 4, ttl, `Time to live: ${ttl} (${timeSecsText(ttl)})`);
  cur += 4;
  rr.add(hfDns.respLen, tvb, cur, 2, u16(tvb, cur));
}

/** `_sip._tcp.example.com` → service, protocol, the rest (as g_strsplit with 3 parts). */
function splitSrv(name: string): [string, string | undefined, string | undefined] {
  const a = name.indexOf('.');
  if (a < 0) return [name, undefined, undefined];
  const b = name.indexOf('.', a + 1);
  if (b < 0) return [name.slice(0, a), name.slice(a + 1), undefined];
  return [name.slice(0, a), name.slice(a + 1, b), name.slice(b + 1)];
}

function addOptHeader(msg: Message, rr: Tree, offset: number, name: string, nameLen: number): void {
  const { tvb } = msg;
  rr.add(hfDns.respName, tvb, offset, nameLen, name);
  let cur = offset + nameLen;
  rr.add(hfDns.respType, tvb, cur, 2, T.OPT, `Type: ${typeDescription(T.OPT)} (${T.OPT})`);
  cur += 2;
  const size = u16(tvb, cur);
  if (msg.mdns) {
    rr.add(hfDns.udpPayloadSizeMdns, tvb, cur, 2, size & 0x7fff);
    rr.add(hfDns.cacheFlush, tvb, cur, 2, (size & 0x8000) !== 0);
  } else {
    rr.add(hfDns.udpPayloadSize, tvb, cur, 2, size);
  }
  cur += 2;
  rr.add(hfDns.extRcode, tvb, cur, 1, u8(tvb, cur));
  rr.add(hfDns.ednsVersion, tvb, cur + 1, 1, u8(tvb, cur + 1));
  cur += 2;
  const z = u16(tvb, cur);
  const zItem = rr.add(hfDns.respZ, tvb, cur, 2, z);
  zItem.add(hfDns.respZDo, tvb, cur, 2, (z & 0x8000) !== 0);
  zItem.add(hfDns.respZReserved, tvb, cur, 2, z & 0x7fff);
  cur += 2;
  rr.add(hfDns.respLen, tvb, cur, 2, u16(tvb, cur));
}

/** EDNS options: code, length, data; the cookie option split into its two parts. */
function dissectOptions(tvb: Tvb, offset: number, length: number, rr: Tree): void {
  let cur = offset;
  let left = length;
  while (left > 0) {
    const code = u16(tvb, cur);
    const len = u16(tvb, cur + 2);
    const codeName = EDNS_OPTION_CODES[code] ?? 'Unknown';
    const opt = rr.add(hfDns.opt, tvb, cur, 4 + len, null, rr.enabled ? `Option: ${codeName}` : undefined);
    opt.add(hfDns.optCode, tvb, cur, 2, code, rr.enabled ? `Option Code: ${codeName} (${code})` : undefined);
    opt.add(hfDns.optLen, tvb, cur + 2, 2, len);
    cur += 4;
    left -= 4;
    const data = slice(tvb, cur, len);
    opt.add(hfDns.optData, tvb, cur, len, data);
    {
      if (code === 8 && len >= 4) {
        const family = u16(tvb, cur);
        opt.add(hfDns.ecsFamily, tvb, cur, 2, family);
        opt.add(hfDns.ecsNetmask, tvb, cur + 2, 1, u8(tvb, cur + 2));
        opt.add(hfDns.ecsScope, tvb, cur + 3, 1, u8(tvb, cur + 3));
        const addrLen = len - 4;
        const padded = new Uint8Array(family === 1 ? 4 : 16);
        padded.set(data.subarray(4, 4 + Math.min(addrLen, padded.length)));
        if (family === 1 && addrLen <= 4) opt.add(hfDns.ecsAddr4, tvb, cur + 4, addrLen, new DataView(padded.buffer).getUint32(0));
        else if (family === 2 && addrLen <= 16) opt.add(hfDns.ecsAddr6, tvb, cur + 4, addrLen, padded);
        else opt.add(hfDns.ecsAddr, tvb, cur + 4, addrLen, data.subarray(4));
      }
      if (code === 10 && len > 0) {
        const client = data.subarray(0, Math.min(8, len));
        opt.add(hfDns.cookieClient, tvb, cur, client.length, client);
        const server = data.subarray(client.length);
        opt.add(hfDns.cookieServer, tvb, cur + client.length, server.length, server,
          rr.enabled && server.length === 0 ? 'Server Cookie: <MISSING>' : undefined);
      }
    }
    cur += len;
    left -= len;
  }
}

export function register(r: Registry): void {
  r.addProtocol(dnsProto, hfDns);
  r.addProtocol(mdnsProto, []);
  r.addFields(Object.values(hfDnsTrans));
  r.add('udp.port', 53, dissectDnsUdp);
  r.add('udp.port', 5353, dissectMdns);
  r.add('tcp.port', 53, dissectDnsOverTcp);
  r.addNamed('dns', dissectDnsUdp);
}

