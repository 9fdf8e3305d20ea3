/**
 * ARP (and the RARP/InARP opcodes that share its format) for Ethernet-like
 * hardware and IPv4, with Wireshark's Info wording (gratuitous, probe,
 * announcement) and its duplicate-address check across the capture.
 */
import { addExpert, GROUPS, hfWs, Severity } from '../expert.js';
import { fields } from '../field.js';
import { protocol, type Dissector, type Registry } from '../registry.js';
import { slice, u16, u32, u8 } from '../tvb.js';
import { ipv4Text, macText } from '../../format/address-text.js';
import { hex } from '../../format/field-text.js';
import { ARP_HW_TYPE_NAMES, ARP_OPCODE_NAMES } from './arp-types.js';
import { ETHERTYPE_NAMES } from './eth-types.js';
import { etherLabel } from './eth.js';

export const arpProto = protocol('arp', 'ARP', 'Address Resolution Protocol');

export const hfArp = fields({
  hwType: { abbrev: 'arp.hw.type', name: 'Hardware type', type: 'uint16', base: 'dec', strings: ARP_HW_TYPE_NAMES },
  protoType: { abbrev: 'arp.proto.type', name: 'Protocol type', type: 'uint16', base: 'hex', strings: ETHERTYPE_NAMES },
  hwSize: { abbrev: 'arp.hw.size', name: 'Hardware size', type: 'uint8', base: 'dec' },
  protoSize: { abbrev: 'arp.proto.size', name: 'Protocol size', type: 'uint8', base: 'dec' },
  opcode: { abbrev: 'arp.opcode', name: 'Opcode', type: 'uint16', base: 'dec', strings: ARP_OPCODE_NAMES },
  isGratuitous: { abbrev: 'arp.isgratuitous', name: 'Is gratuitous', type: 'boolean' },
  isProbe: { abbrev: 'arp.isprobe', name: 'Is probe', type: 'boolean' },
  isAnnouncement: { abbrev: 'arp.isannouncement', name: 'Is announcement', type: 'boolean' },
  srcHw: { abbrev: 'arp.src.hw', name: 'Sender hardware address', type: 'bytes' },
  srcHwMac: { abbrev: 'arp.src.hw_mac', name: 'Sender MAC address', type: 'ether' },
  srcProto: { abbrev: 'arp.src.proto', name: 'Sender protocol address', type: 'bytes' },
  srcProtoIpv4: { abbrev: 'arp.src.proto_ipv4', name: 'Sender IP address', type: 'ipv4' },
  dstHw: { abbrev: 'arp.dst.hw', name: 'Target hardware address', type: 'bytes' },
  dstHwMac: { abbrev: 'arp.dst.hw_mac', name: 'Target MAC address', type: 'ether' },
  dstProto: { abbrev: 'arp.dst.proto', name: 'Target protocol address', type: 'bytes' },
  dstProtoIpv4: { abbrev: 'arp.dst.proto_ipv4', name: 'Target IP address', type: 'ipv4' },
  drarpError: { abbrev: 'arp.dst.drarp_error_status', name: 'DRARP error status', type: 'uint16', base: 'dec' },
  duplicateFrame: { abbrev: 'arp.duplicate-address-frame', name: 'Frame showing earlier use of IP address', type: 'framenum' },
  duplicateDetected: { abbrev: 'arp.duplicate-address-detected', name: 'Duplicate IP address configured', type: 'none' },
  secondsSinceDuplicate: { abbrev: 'arp.seconds-since-duplicate-address-frame', name: 'Seconds since earlier frame seen', type: 'uint32', base: 'dec' },
});

const OP_REQUEST = 1, OP_REPLY = 2, OP_RREQUEST = 3, OP_RREPLY = 4, OP_DRARP_REQUEST = 5, OP_DRARP_REPLY = 6, OP_DRARP_ERROR = 7;
const OP_IREQUEST = 8, OP_IREPLY = 9, OP_ATM_NAK = 10;

function protocolColumn(op: number): string {
  if (op === OP_RREQUEST || op === OP_RREPLY) return 'RARP';
  if (op >= OP_DRARP_REQUEST && op <= OP_DRARP_ERROR) return 'DRARP';
  if (op === OP_IREQUEST || op === OP_IREPLY) return 'Inverse ARP';
  if (op >= 11 && op <= 22) return 'MARS';
  if (op === 23) return 'MAPOS';
  return 'ARP';
}

interface Binding { readonly mac: string; readonly frame: number; readonly sec: number }

/** A second MAC claiming an address already seen with another. */
interface Duplicate { readonly ip: number; readonly mac: string; readonly earlierMac: string; readonly frame: number; readonly seconds: number }

export const dissectArp: Dissector = (tvb, offset, end, ctx, tree) => {
  ctx.cols.protocol = 'ARP';
  ctx.cols.clearInfo();
  const hrd = u16(tvb, offset);
  const t = ctx.enter(arpProto, tree, tvb, offset, end - offset);
  ctx.cols.protocol = 'ARP';
  t.add(hfArp.hwType, tvb, offset, 2, hrd);
  const pro = u16(tvb, offset + 2);
  t.add(hfArp.protoType, tvb, offset + 2, 2, pro);
  const hln = u8(tvb, offset + 4);
  t.add(hfArp.hwSize, tvb, offset + 4, 1, hln);
  const pln = u8(tvb, offset + 5);
  t.add(hfArp.protoSize, tvb, offset + 5, 1, pln);
  const op = u16(tvb, offset + 6);
  t.add(hfArp.opcode, tvb, offset + 6, 2, op);
  const total = 8 + 2 * hln + 2 * pln;
  t.setLength(total);
  ctx.cols.protocol = protocolColumn(op);

  const sha = offset + 8;
  const spa = sha + hln;
  const tha = spa + pln;
  const tpa = tha + hln;
  const hwEther = (hrd === 1 || hrd === 6) && hln === 6;
  const protoIpv4 = (pro === 0x0800 || pro === 0xcc) && pln === 4;
  const hwText = (o: number): string => (hwEther ? macText(slice(tvb, o, 6)) : hln === 0 ? '<No address>' : hex(slice(tvb, o, hln), ':'));
  const protoText = (o: number): string => (protoIpv4 ? ipv4Text(u32(tvb, o)) : pln === 0 ? '<No address>' : hex(slice(tvb, o, pln), ':'));

  let duplicate: Duplicate | null = null;
  if ((op === OP_REQUEST || op === OP_REPLY) && hwEther && protoIpv4) {
    duplicate = checkBinding(ctx, slice(tvb, sha, 6), u32(tvb, spa));
    if (op !== OP_REQUEST) {
      const other = checkBinding(ctx, slice(tvb, tha, 6), u32(tvb, tpa));
      if (other && other.ip !== duplicate?.ip) duplicate = other;
    }
  }

  let gratuitous = false, announcement = false, probe = false;
  if (op === OP_REQUEST || op === OP_REPLY) {
    const sameProto = pln > 0 ? equalBytes(slice(tvb, spa, pln), slice(tvb, tpa, pln)) : true;
    if (sameProto) {
      gratuitous = true;
      if (op === OP_REQUEST && allZero(slice(tvb, tha, 6))) announcement = true;
    } else if (op === OP_REQUEST && allZero(slice(tvb, tha, 6)) && u32(tvb, spa) === 0) {
      probe = true;
    }
  }

  ctx.cols.setInfo(infoText(op, gratuitous, announcement, probe, hwText, protoText, sha, spa, tha, tpa));

  if (t.enabled) {
    const opName = ARP_OPCODE_NAMES[op];
    if (opName !== undefined) {
      let s = opName;
      if (gratuitous && op === OP_REQUEST) s = 'request/gratuitous ARP';
      if (gratuitous && op === OP_REPLY) s = 'reply/gratuitous ARP';
      if (probe) s = 'ARP Probe';
      if (announcement) s = 'ARP Announcement';
      t.appendText(` (${s})`);
    } else {
      t.appendText(` (opcode 0x${op.toString(16).padStart(4, '0')})`);
    }
    if (gratuitous) t.addGenerated(hfArp.isGratuitous, tvb, offset, 0, true, 'Is gratuitous: True');
    if (probe) t.addGenerated(hfArp.isProbe, tvb, offset, 0, true, 'Is probe: True');
    if (announcement) t.addGenerated(hfArp.isAnnouncement, tvb, offset, 0, true, 'Is announcement: True');
    if (hln !== 0) {
      if (hwEther) t.add(hfArp.srcHwMac, tvb, sha, 6, slice(tvb, sha, 6), `Sender MAC address: ${etherLabel(slice(tvb, sha, 6))}`);
      else t.add(hfArp.srcHw, tvb, sha, hln, slice(tvb, sha, hln));
    }
    if (pln !== 0) {
      if (protoIpv4) t.add(hfArp.srcProtoIpv4, tvb, spa, 4, u32(tvb, spa));
      else t.add(hfArp.srcProto, tvb, spa, pln, slice(tvb, spa, pln));
    }
    if (hln !== 0) {
      if (hwEther) t.add(hfArp.dstHwMac, tvb, tha, 6, slice(tvb, tha, 6), `Target MAC address: ${etherLabel(slice(tvb, tha, 6))}`);
      else t.add(hfArp.dstHw, tvb, tha, hln, slice(tvb, tha, hln));
    }
    if (pln !== 0 && op !== OP_DRARP_ERROR) {
      if (protoIpv4) t.add(hfArp.dstProtoIpv4, tvb, tpa, 4, u32(tvb, tpa));
      else t.add(hfArp.dstProto, tvb, tpa, pln, slice(tvb, tpa, pln));
    } else if (pln !== 0) {
      t.add(hfArp.drarpError, tvb, tpa, 1, u8(tvb, tpa));
    }
  }
  if (duplicate) {
    const ipText = ipv4Text(duplicate.ip);
    if (tree.enabled) {
      // Wireshark hangs this beside the ARP layer, not inside it.
      const dup = tree.addGenerated(hfWs.text, tvb, offset, 0, null,
        `Duplicate IP address detected for ${ipText} (${duplicate.mac}) - also in use by ${duplicate.earlierMac} (frame ${duplicate.frame})`);
      const frameItem = dup.addGenerated(hfArp.duplicateFrame, tvb, offset, 0, duplicate.frame);
      addExpert(frameItem, tvb, offset, 0, Severity.Warning, GROUPS.Sequence, `Duplicate IP address configured (${ipText})`, hfArp.duplicateDetected);
      dup.addGenerated(hfArp.secondsSinceDuplicate, tvb, offset, 0, duplicate.seconds);
    }
    ctx.cols.appendInfo(` (duplicate use of ${ipText} detected!)`);
  }
  return Math.min(total, end - offset);
};

function infoText(
  op: number, gratuitous: boolean, announcement: boolean, probe: boolean,
  hw: (o: number) => string, proto: (o: number) => string, sha: number, spa: number, tha: number, tpa: number,
): string {
  switch (op) {
    case OP_REQUEST:
      if (gratuitous) return announcement ? `ARP Announcement for ${proto(tpa)}` : `Gratuitous ARP for ${proto(tpa)} (Request)`;
      if (probe) return `Who has ${proto(tpa)}? (ARP Probe)`;
      return `Who has ${proto(tpa)}? Tell ${proto(spa)}`;
    case OP_REPLY:
      return gratuitous ? `Gratuitous ARP for ${proto(spa)} (Reply)` : `${proto(spa)} is at ${hw(sha)}`;
    case OP_RREQUEST: case OP_IREQUEST: case OP_DRARP_REQUEST:
      return `Who is ${hw(tha)}? Tell ${hw(sha)}`;
    case OP_RREPLY: case OP_DRARP_REPLY:
      return `${hw(tha)} is at ${proto(tpa)}`;
    case OP_DRARP_ERROR:
      return 'DRARP Error';
    case OP_IREPLY:
      return `${hw(sha)} is at ${proto(spa)}`;
    case OP_ATM_NAK:
      return 'ARP NAK';
    case 24: return `Experimental 1 ( opcode ${op} )`;
    case 25: return `Experimental 2 ( opcode ${op} )`;
    case 0: case 65535: return `Reserved opcode ${op}`;
    default: return `Unknown ARP opcode 0x${op.toString(16).padStart(4, '0')}`;
  }
}

/**
 * Remember which MAC claimed an IPv4 address; a different MAC for the same
 * address later is reported as a duplicate (Wireshark's default check).
 */
function checkBinding(ctx: Parameters<Dissector>[3], mac: Uint8Array, ip: number): Duplicate | null {
  if ((mac[0]! & 1) !== 0 || allZero(mac) || ip === 0) return null;
  const memoKey = `arp.dup:${ip}`;
  if (ctx.visited) return ctx.getMemo<Duplicate>(memoKey) ?? null;
  const table = ctx.session.get('arp.bindings', () => new Map<number, Binding>());
  const text = macText(mac);
  const known = table.get(ip);
  if (!known) {
    table.set(ip, { mac: text, frame: ctx.num, sec: ctx.frame.tsSec });
    return null;
  }
  if (known.mac === text || known.frame === ctx.num) return null;
  const found: Duplicate = { ip, mac: text, earlierMac: known.mac, frame: known.frame, seconds: ctx.frame.tsSec - known.sec };
  ctx.setMemo(memoKey, found);
  return found;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function allZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

export function register(r: Registry): void {
  r.addProtocol(arpProto, hfArp);
  r.add('ethertype', 0x0806, dissectArp);
  r.add('ethertype', 0x8035, dissectArp);
}
