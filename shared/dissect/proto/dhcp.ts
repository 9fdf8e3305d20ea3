/**
 * DHCP and BOOTP (RFC 2131/951) on UDP ports 67 and 68: the fixed header,
 * the magic cookie and the options, including options carried in the sname
 * and file fields when option 52 (overload) says so. Names and labels follow
 * Wireshark 4.0's `dhcp.*` fields.
 */
import { fields, type FieldDef } from '../field.js';
import { addExpert, GROUPS, hfWs, Severity } from '../expert.js';
import type { PacketContext } from '../packet.js';
import { protocol, type Registry } from '../registry.js';
import type { Tree } from '../tree.js';
import { ascii, makeTvb, remaining, slice, u16, u32, u8, type Tvb } from '../tvb.js';
import { readDnsName } from './dns-names.js';
import { ipv4Text, macText } from '../../format/address-text.js';
import { hex } from '../../format/field-text.js';
import { timeSecsText } from './dns-tables.js';
import { AGENT_SUBOPTIONS, hfDhcpSub, MESSAGE_TYPES, OPTIONS, OVERLOAD_NAMES, optionFields, optionName } from './dhcp-options.js';

export const dhcpProto = protocol('dhcp', 'DHCP', 'Dynamic Host Configuration Protocol');

const HW_TYPES: Readonly<Record<number, string>> = {
  0: 'Not specified', 1: 'Ethernet', 6: 'IEEE 802 Networks', 7: 'ARCNET', 15: 'Frame Relay', 16: 'ATM', 32: 'InfiniBand',
};

export const hfDhcp = fields({
  type: { abbrev: 'dhcp.type', name: 'Message type', type: 'uint8', base: 'dec', strings: { 1: 'Boot Request', 2: 'Boot Reply' } },
  hwType: { abbrev: 'dhcp.hw.type', name: 'Hardware type', type: 'uint8', base: 'hex', strings: HW_TYPES },
  hwLen: { abbrev: 'dhcp.hw.len', name: 'Hardware address length', type: 'uint8', base: 'dec' },
  hops: { abbrev: 'dhcp.hops', name: 'Hops', type: 'uint8', base: 'dec' },
  id: { abbrev: 'dhcp.id', name: 'Transaction ID', type: 'uint32', base: 'hex' },
  secs: { abbrev: 'dhcp.secs', name: 'Seconds elapsed', type: 'uint16', base: 'dec' },
  flags: { abbrev: 'dhcp.flags', name: 'Bootp flags', type: 'uint16', base: 'hex' },
  flagsBc: { abbrev: 'dhcp.flags.bc', name: 'Broadcast flag', type: 'boolean', bitmask: 0x8000, bits: 16, tfs: ['Broadcast', 'Unicast'] },
  flagsReserved: { abbrev: 'dhcp.flags.reserved', name: 'Reserved flags', type: 'uint16', base: 'hex', bitmask: 0x7fff, bits: 16 },
  ipClient: { abbrev: 'dhcp.ip.client', name: 'Client IP address', type: 'ipv4' },
  ipYour: { abbrev: 'dhcp.ip.your', name: 'Your (client) IP address', type: 'ipv4' },
  ipServer: { abbrev: 'dhcp.ip.server', name: 'Next server IP address', type: 'ipv4' },
  ipRelay: { abbrev: 'dhcp.ip.relay', name: 'Relay agent IP address', type: 'ipv4' },
  hwAddr: { abbrev: 'dhcp.hw.addr', name: 'Client hardware address', type: 'bytes' },
  hwAddrPadding: { abbrev: 'dhcp.hw.addr_padding', name: 'Client hardware address padding', type: 'bytes' },
  hwMac: { abbrev: 'dhcp.hw.mac_addr', name: 'Client MAC address', type: 'ether' },
  server: { abbrev: 'dhcp.server', name: 'Server host name', type: 'string' },
  file: { abbrev: 'dhcp.file', name: 'Boot file name', type: 'string' },
  cookie: { abbrev: 'dhcp.cookie', name: 'Magic cookie', type: 'ipv4' },
  vendorSpecific: { abbrev: 'dhcp.vendor_specific_options', name: 'Bootp vendor specific options', type: 'bytes' },
  optionType: { abbrev: 'dhcp.option.type', name: 'Option', type: 'uint8', base: 'dec' },
  optionLength: { abbrev: 'dhcp.option.length', name: 'Length', type: 'uint8', base: 'dec' },
  optionValue: { abbrev: 'dhcp.option.value', name: 'Value', type: 'bytes' },
  optionPadding: { abbrev: 'dhcp.option.padding', name: 'Padding', type: 'bytes' },
  optionEnd: { abbrev: 'dhcp.option.end', name: 'Option End', type: 'uint8', base: 'dec' },
  clientId: { abbrev: 'dhcp.client_id', name: 'Identifier', type: 'bytes' },
  clientIdType: { abbrev: 'dhcp.client_id.type', name: 'Type', type: 'uint8', base: 'dec' },
  clientIdUndef: { abbrev: 'dhcp.client_id.undef', name: 'Client Identifier', type: 'string' },
  endMissing: { abbrev: 'dhcp.end_option_missing', name: 'End option missing', type: 'none' },
  serverOverloaded: { abbrev: 'dhcp.server_name_overloaded_by_dhcp', name: 'Server name option overloaded by DHCP', type: 'none' },
  maskTooWide: { abbrev: 'dhcp.option.classless_static.route', name: 'Mask width > 32', type: 'none' },
  fileOverloaded: { abbrev: 'dhcp.boot_filename_overloaded_by_dhcp', name: 'Boot file name option overloaded by DHCP', type: 'none' },
});

const COOKIE = 0x63825363;
const OPT_PAD = 0;
const OPT_OVERLOAD = 52;
const OPT_MSGTYPE = 53;
const OPT_END = 255;

/** What a first walk over the options finds before anything is shown. */
interface Summary { msgType: number | undefined; overload: number }

export function dissectDhcp(tvb: Tvb, offset: number, end: number, ctx: PacketContext, parent: Tree): number {
  const on = parent.enabled;
  const op = u8(tvb, offset);
  const xid = u32(tvb, offset + 4);
  const optStart = offset + 240;
  const hasCookie = remaining(tvb, offset + 236) >= 4 && end - offset >= 240 && u32(tvb, offset + 236) === COOKIE;
  const summary: Summary = hasCookie ? summarise(tvb, optStart, end) : { msgType: undefined, overload: 0 };
  if (hasCookie && summary.overload & 1) scanInto(summary, tvb, offset + 108, offset + 236);
  if (hasCookie && summary.overload & 2) scanInto(summary, tvb, offset + 44, offset + 108);

  const htype = u8(tvb, offset + 1);
  const hlen = u8(tvb, offset + 2);
  const isDhcp = summary.msgType !== undefined;
  const typeName = isDhcp ? MESSAGE_TYPES[summary.msgType!] ?? 'Unknown Message Type' : '';
  ctx.cols.protocol = isDhcp ? 'DHCP' : 'BOOTP';
  if (isDhcp) {
    ctx.cols.setInfo(`DHCP ${typeName.padEnd(8)} - Transaction ID 0x${xid.toString(16)}`);
  } else if (op === 1) {
    ctx.cols.setInfo(`Boot Request from ${clientAddressText(tvb, offset, htype, hlen)}`);
  } else if (op === 2) {
    ctx.cols.setInfo(`Boot Reply`);
  } else {
    ctx.cols.setInfo(`Unknown BOOTP message type (${op})`);
  }

  const tree = ctx.enter(dhcpProto, parent, tvb, offset, end - offset,
    on ? dhcpProto.label + (isDhcp ? ` (${typeName})` : '') : undefined);
  ctx.cols.protocol = isDhcp ? 'DHCP' : 'BOOTP';

  tree.add(hfDhcp.type, tvb, offset, 1, op);
  tree.add(hfDhcp.hwType, tvb, offset + 1, 1, htype, on ? `Hardware type: ${HW_TYPES[htype] ?? 'Unknown'} (0x${htype.toString(16).padStart(2, '0')})` : undefined);
  tree.add(hfDhcp.hwLen, tvb, offset + 2, 1, hlen);
  tree.add(hfDhcp.hops, tvb, offset + 3, 1, u8(tvb, offset + 3));
  tree.add(hfDhcp.id, tvb, offset + 4, 4, xid);
  tree.add(hfDhcp.secs, tvb, offset + 8, 2, u16(tvb, offset + 8));
  const flags = u16(tvb, offset + 10);
  const flagsItem = tree.add(hfDhcp.flags, tvb, offset + 10, 2, flags,
    on ? `Bootp flags: 0x${flags.toString(16).padStart(4, '0')}` + (flags & 0x8000 ? ', Broadcast flag (Broadcast)' : ' (Unicast)') : undefined);
  flagsItem.add(hfDhcp.flagsBc, tvb, offset + 10, 2, (flags & 0x8000) !== 0);
  flagsItem.add(hfDhcp.flagsReserved, tvb, offset + 10, 2, flags & 0x7fff);
  tree.add(hfDhcp.ipClient, tvb, offset + 12, 4, u32(tvb, offset + 12));
  tree.add(hfDhcp.ipYour, tvb, offset + 16, 4, u32(tvb, offset + 16));
  tree.add(hfDhcp.ipServer, tvb, offset + 20, 4, u32(tvb, offset + 20));
  tree.add(hfDhcp.ipRelay, tvb, offset + 24, 4, u32(tvb, offset + 24));

  const ch = offset + 28;
  if (htype === 1 && hlen === 6) {
    tree.add(hfDhcp.hwMac, tvb, ch, 6, slice(tvb, ch, 6));
    tree.add(hfDhcp.hwAddrPadding, tvb, ch + 6, 10, slice(tvb, ch + 6, 10));
  } else if (hlen === 0) {
    tree.add(hfWs.text, tvb, ch, 16, null, on ? 'Client address not given' : undefined);
  } else {
    const n = Math.min(hlen, 16);
    tree.add(hfDhcp.hwAddr, tvb, ch, n, slice(tvb, ch, n));
    if (n < 16) tree.add(hfDhcp.hwAddrPadding, tvb, ch + n, 16 - n, slice(tvb, ch + n, 16 - n));
  }

  addNameField(tree, tvb, offset + 44, 64, hfDhcp.server, 'Server host name', (summary.overload & 2) !== 0, 'Server name option overloaded by DHCP', hfDhcp.serverOverloaded);
  addNameField(tree, tvb, offset + 108, 128, hfDhcp.file, 'Boot file name', (summary.overload & 1) !== 0, 'Boot file name option overloaded by DHCP', hfDhcp.fileOverloaded);

  if (!hasCookie) {
    // Plain BOOTP: a fixed 64-byte vendor area (a shorter packet is malformed, as in Wireshark).
    tree.add(hfDhcp.vendorSpecific, tvb, offset + 236, 64, slice(tvb, offset + 236, 64));
    return end - offset;
  }
  tree.add(hfDhcp.cookie, tvb, offset + 236, 4, COOKIE, on ? 'Magic cookie: DHCP' : undefined);

  const overload = { value: 0 };
  const stop = dissectOptions(tvb, optStart, end, tree, offset, overload);
  if (stop < end) tree.add(hfDhcp.optionPadding, tvb, stop, end - stop, slice(tvb, stop, end - stop));
  return end - offset;
}

function clientAddressText(tvb: Tvb, offset: number, htype: number, hlen: number): string {
  // Paquet resolves no names, so the address alone, as `tshark -n` shows it.
  if (htype === 1 && hlen === 6) return macText(slice(tvb, offset + 28, 6));
  return hex(slice(tvb, offset + 28, Math.min(hlen, 16)), ':');
}

function addNameField(tree: Tree, tvb: Tvb, at: number, size: number, def: FieldDef, label: string, overloaded: boolean, overloadText: string, overloadDef: FieldDef): void {
  if (overloaded) {
    const item = tree.add(hfWs.text, tvb, at, size, null, tree.enabled ? overloadText : undefined);
    addExpert(item, tvb, at, size, Severity.Note, GROUPS.Protocol, overloadText, overloadDef);
    return;
  }
  if (u8(tvb, at) === 0) {
    tree.add(hfWs.text, tvb, at, size, null, tree.enabled ? `${label} not given` : undefined);
    return;
  }
  const bytes = slice(tvb, at, size);
  let n = bytes.indexOf(0);
  if (n < 0) n = size;
  tree.add(def, tvb, at, size, ascii(tvb, at, n));
}

function summarise(tvb: Tvb, from: number, end: number): Summary {
  const s: Summary = { msgType: undefined, overload: 0 };
  scanInto(s, tvb, from, end);
  return s;
}

/** The first walk: message type and overload, without reading past what is there. */
function scanInto(s: Summary, tvb: Tvb, from: number, end: number): void {
  let cur = from;
  const limit = Math.min(end, tvb.bytes.length);
  while (cur < limit) {
    const code = tvb.bytes[cur]!;
    if (code === OPT_END) return;
    if (code === OPT_PAD) { cur++; continue; }
    if (cur + 1 >= limit) return;
    const len = tvb.bytes[cur + 1]!;
    if (cur + 2 + len > limit) return;
    if (code === OPT_MSGTYPE && len >= 1 && s.msgType === undefined) s.msgType = tvb.bytes[cur + 2]!;
    if (code === OPT_OVERLOAD && len >= 1) s.overload = tvb.bytes[cur + 2]!;
    cur += 2 + len;
  }
}

/** Options from `from` until End or `end`; returns where the options stop (after End). */
function dissectOptions(tvb: Tvb, from: number, end: number, tree: Tree, msgStart: number, overload: { value: number }): number {
  let cur = from;
  while (cur < end) {
    const code = u8(tvb, cur);
    if (code === OPT_PAD) {
      let n = 1;
      while (cur + n < end && tvb.bytes[cur + n] === 0) n++;
      const pad = tree.add(hfDhcp.optionType, tvb, cur, n, 0, tree.enabled ? 'Option: (0) Padding' : undefined);
      pad.add(hfDhcp.optionPadding, tvb, cur, n, slice(tvb, cur, n));
      cur += n;
      continue;
    }
    if (code === OPT_END) {
      // Wireshark 4.0 gives the End item the value 0 in dhcp.option.type although its label says 255.
      const item = tree.add(hfDhcp.optionType, tvb, cur, 1, 0, tree.enabled ? 'Option: (255) End' : undefined);
      item.add(hfDhcp.optionEnd, tvb, cur, 1, OPT_END);
      return cur + 1;
    }
    const len = u8(tvb, cur + 1);
    const valAt = cur + 2;
    slice(tvb, valAt, len);
    const item = tree.add(hfDhcp.optionType, tvb, cur, 2 + len, code, tree.enabled ? optionLabel(tvb, code, valAt, len) : undefined);
    item.add(hfDhcp.optionLength, tvb, cur + 1, 1, len);
    dissectOptionValue(tvb, code, valAt, len, item, msgStart, overload);
    cur = valAt + len;
  }
  if (tree.enabled) addExpert(tree, tvb, cur, 0, Severity.Error, GROUPS.Protocol, 'End option missing', hfDhcp.endMissing);
  return cur;
}

function optionLabel(tvb: Tvb, code: number, at: number, len: number): string {
  const info = OPTIONS.get(code);
  let s = `Option: (${code}) ${optionName(code)}`;
  if (info?.kind === 'ip' && len === 4) s += ` (${ipv4Text(u32(tvb, at))})`;
  if (info?.kind === 'msgtype' && len === 1) s += ` (${MESSAGE_TYPES[u8(tvb, at)] ?? 'Unknown Message Type'})`;
  return s;
}

function dissectOptionValue(tvb: Tvb, code: number, at: number, len: number, item: Tree, msgStart: number, overload: { value: number }): void {
  const info = OPTIONS.get(code);
  const raw = slice(tvb, at, len);
  const kind = info?.kind ?? 'bytes';
  const fixed: Partial<Record<typeof kind, number>> = { ip: 4, u8: 1, u16: 2, u32: 4, i32: 4, time: 4, bool: 1, msgtype: 1, overload: 1 };
  const want = fixed[kind];
  if (kind === 'agentinfo' || kind === 'userclass' || kind === 'routes' || kind === 'domains' || kind === 'fqdn') {
    item.addHidden(hfDhcp.optionValue, tvb, at, len, raw);
    if (kind === 'agentinfo') agentInformation(tvb, at, len, item);
    else if (kind === 'userclass') userClass(tvb, at, len, item);
    else if (kind === 'routes') classlessRoutes(tvb, at, len, item);
    else if (kind === 'domains') searchDomains(tvb, at, len, item);
    else clientFqdn(tvb, at, len, item);
    return;
  }
  if (kind === 'bytes' || !info || (want !== undefined && len !== want) || (kind === 'ips' && len % 4 !== 0)) {
    item.add(hfDhcp.optionValue, tvb, at, len, raw);
    return;
  }
  item.addHidden(hfDhcp.optionValue, tvb, at, len, raw);
  const def = info.field!;
  switch (kind) {
    case 'ip':
      item.add(def, tvb, at, 4, u32(tvb, at));
      break;
    case 'ips':
      for (let i = 0; i < len; i += 4) item.add(def, tvb, at + i, 4, u32(tvb, at + i));
      break;
    case 'string': {
      let n = raw.indexOf(0);
      if (n < 0) n = len;
      item.add(def, tvb, at, len, ascii(tvb, at, n));
      break;
    }
    case 'u8': item.add(def, tvb, at, 1, u8(tvb, at)); break;
    case 'u16': item.add(def, tvb, at, 2, u16(tvb, at)); break;
    case 'u32': item.add(def, tvb, at, 4, u32(tvb, at)); break;
    case 'i32': {
      const v = u32(tvb, at) | 0;
      item.add(def, tvb, at, 4, v, item.enabled ? `${def.name}: (${v}s) ${v < 0 ? '-' : ''}${timeSecsText(Math.abs(v))}` : undefined);
      break;
    }
    case 'time': {
      const v = u32(tvb, at);
      item.add(def, tvb, at, 4, v, item.enabled ? `${def.name}: (${v}s) ${v === 0xffffffff ? 'infinity' : timeSecsText(v)}` : undefined);
      break;
    }
    case 'bool': item.add(def, tvb, at, 1, u8(tvb, at) !== 0); break;
    case 'msgtype': item.add(def, tvb, at, 1, u8(tvb, at)); break;
    case 'reqlist':
      for (let i = 0; i < len; i++) {
        const c = u8(tvb, at + i);
        item.add(def, tvb, at + i, 1, c, item.enabled ? `Parameter Request List Item: (${c}) ${optionName(c)}` : undefined);
      }
      break;
    case 'clientid':
      if (len === 7 && u8(tvb, at) === 1) {
        item.add(hfDhcp.hwType, tvb, at, 1, 1, item.enabled ? 'Hardware type: Ethernet (0x01)' : undefined);
        item.add(hfDhcp.hwMac, tvb, at + 1, 6, slice(tvb, at + 1, 6));
      } else if (len > 0) {
        const idType = u8(tvb, at);
        item.add(hfDhcp.clientIdType, tvb, at, 1, idType);
        // Type 0 carries a name (RFC 2132 9.14), shown as text.
        if (idType === 0) item.add(hfDhcp.clientIdUndef, tvb, at + 1, len - 1, ascii(tvb, at + 1, len - 1));
        else item.add(hfDhcp.clientId, tvb, at + 1, len - 1, slice(tvb, at + 1, len - 1));
      }
      break;
    case 'overload': {
      const v = u8(tvb, at);
      overload.value = v;
      item.add(def, tvb, at, 1, v, item.enabled ? `Option Overload: ${OVERLOAD_NAMES[v] ?? 'Unknown'} (${v})` : undefined);
      // Options carried in the sname and file fields are shown under this option, sname first.
      if (v & 2) {
        const sub = item.add(hfWs.text, tvb, msgStart + 44, 64, null, item.enabled ? 'Server host name option overload' : undefined);
        dissectOptions(tvb, msgStart + 44, msgStart + 108, sub, msgStart, { value: 0 });
      }
      if (v & 1) {
        const sub = item.add(hfWs.text, tvb, msgStart + 108, 128, null, item.enabled ? 'Boot file name option overload' : undefined);
        dissectOptions(tvb, msgStart + 108, msgStart + 236, sub, msgStart, { value: 0 });
      }
      break;
    }
    default:
      break;
  }
}

/** Option 82 (RFC 3046): suboptions added by relay agents. */
function agentInformation(tvb: Tvb, at: number, len: number, item: Tree): void {
  const on = item.enabled;
  let cur = at;
  const end = at + len;
  while (cur + 2 <= end) {
    const code = u8(tvb, cur);
    const n = u8(tvb, cur + 1);
    const sub = AGENT_SUBOPTIONS.get(code);
    const s = item.add(hfDhcpSub.agentSuboption, tvb, cur, 2 + n, code, on ? `Option 82 Suboption: (${code}) ${sub?.name ?? 'Unknown'}` : undefined);
    s.add(hfDhcpSub.suboptionLength, tvb, cur + 1, 1, n);
    const v = cur + 2;
    if (!sub) s.add(hfDhcpSub.agentValue, tvb, v, n, slice(tvb, v, n));
    else if (sub.field.type === 'ipv4' && n === 4) s.add(sub.field, tvb, v, 4, u32(tvb, v));
    else if (sub.field.type === 'string') s.add(sub.field, tvb, v, n, ascii(tvb, v, n));
    else s.add(sub.field.type === 'bytes' ? sub.field : hfDhcpSub.agentValue, tvb, v, n, slice(tvb, v, n));
    cur = v + n;
  }
}

/** Option 121 (RFC 3442): destination prefixes with only their significant octets, then the router. */
function classlessRoutes(tvb: Tvb, at: number, len: number, item: Tree): void {
  let cur = at;
  while (cur < at + len) {
    const width = u8(tvb, cur);
    if (width > 32) {
      addExpert(item, tvb, cur, 1, Severity.Warning, GROUPS.Protocol, 'Mask width > 32', hfDhcp.maskTooWide);
      return;
    }
    const significant = (width + 7) >> 3;
    const dest = [0, 0, 0, 0];
    for (let i = 0; i < significant; i++) dest[i] = u8(tvb, cur + 1 + i);
    const router = ipv4Text(u32(tvb, cur + 1 + significant));
    const size = 1 + significant + 4;
    const text = width === 0 ? ` default-${router}` : ` ${dest.join('.')}/${width}-${router}`;
    item.add(hfDhcpSub.route, tvb, cur, size, slice(tvb, cur, size), item.enabled ? text : undefined);
    cur += size;
  }
}

/** Option 119 (RFC 3397): DNS names, compressed against the start of the option. */
function searchDomains(tvb: Tvb, at: number, len: number, item: Tree): void {
  const sub = makeTvb(tvb.bytes.subarray(0, at + len), tvb.source);
  let cur = at;
  while (cur < at + len) {
    const n = readDnsName(sub, cur, at);
    item.add(hfDhcpSub.searchDomain, tvb, cur, n.used, n.name);
    cur += n.used;
  }
}

const FQDN_FLAG_NAMES: ReadonlyArray<[number, string]> = [[0x8, 'Server DDNS'], [0x4, 'Encoding'], [0x2, 'Server overrides'], [0x1, 'Server']];

/** Option 81 (RFC 4702): flags, two legacy result codes, then the name (wire format when E is set). */
function clientFqdn(tvb: Tvb, at: number, len: number, item: Tree): void {
  const on = item.enabled;
  const flags = u8(tvb, at);
  const set = FQDN_FLAG_NAMES.filter(([bit]) => flags & bit).map(([, name]) => name);
  const f = item.add(hfDhcpSub.fqdnFlags, tvb, at, 1, flags, on ? `Flags: 0x${flags.toString(16).padStart(2, '0')}${set.map((x) => ', ' + x).join('')}` : undefined);
  f.add(hfDhcpSub.fqdnMbz, tvb, at, 1, flags >> 4);
  f.add(hfDhcpSub.fqdnN, tvb, at, 1, (flags & 0x8) !== 0);
  f.add(hfDhcpSub.fqdnE, tvb, at, 1, (flags & 0x4) !== 0);
  f.add(hfDhcpSub.fqdnO, tvb, at, 1, (flags & 0x2) !== 0);
  f.add(hfDhcpSub.fqdnS, tvb, at, 1, (flags & 0x1) !== 0);
  item.add(hfDhcpSub.fqdnRcode1, tvb, at + 1, 1, u8(tvb, at + 1));
  item.add(hfDhcpSub.fqdnRcode2, tvb, at + 2, 1, u8(tvb, at + 2));
  if (len <= 3) return;
  if (flags & 0x4) {
    const n = readDnsName(makeTvb(tvb.bytes.subarray(0, at + len), tvb.source), at + 3, at + 3);
    item.add(hfDhcpSub.fqdnName, tvb, at + 3, len - 3, n.name);
  } else {
    item.add(hfDhcpSub.fqdnName, tvb, at + 3, len - 3, ascii(tvb, at + 3, len - 3));
  }
}

/** Option 77 (RFC 3004): length-prefixed user class instances. */
function userClass(tvb: Tvb, at: number, len: number, item: Tree): void {
  const on = item.enabled;
  let cur = at;
  for (let i = 0; cur < at + len; i++) {
    const n = u8(tvb, cur);
    const inst = item.add(hfDhcpSub.userClass, tvb, cur, 1 + n, i, on ? `Instance of User Class: [${i}]` : undefined);
    inst.add(hfDhcpSub.userClassLength, tvb, cur, 1, n);
    inst.add(hfDhcpSub.userClassData, tvb, cur + 1, n, slice(tvb, cur + 1, n));
    cur += 1 + n;
  }
}

export function register(r: Registry): void {
  r.addProtocol(dhcpProto, hfDhcp);
  r.addFields(optionFields());
  r.add('udp.port', 67, dissectDhcp);
  r.add('udp.port', 68, dissectDhcp);
  r.addNamed('dhcp', dissectDhcp);
}
