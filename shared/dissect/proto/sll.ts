/**
 * Linux cooked capture, v1 (LINKTYPE_LINUX_SLL 113) and v2 (LINKTYPE_LINUX_SLL2 276):
 * the header Linux's "any" device synthesises, with packet direction, address
 * type, the sender's link address and (v2) the interface index. A protocol
 * value above 1500 is an ethertype and goes through the ethertype step.
 */
import { fields } from '../field.js';
import { protocol, type Dissector, type Registry } from '../registry.js';
import type { Tree } from '../tree.js';
import { slice, u16, u32, u8, type Tvb } from '../tvb.js';
import { ipv4FromBytes, macText } from '../../format/address-text.js';
import type { PacketContext } from '../packet.js';
import { ETHERTYPE_NAMES } from './eth-types.js';
import { hfEthTrailer } from './eth-trailer-fields.js';
import { etherLabel, etherName } from './eth.js';
import { dissectByEthertype } from './ethertype.js';
import { SLL_HATYPE_NAMES, SLL_LTYPE_NAMES } from './sll-types.js';

export const sllProto = protocol('sll', 'SLL', 'Linux cooked capture v1');
const SLL2_LABEL = 'Linux cooked capture v2';

const PKTTYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'Unicast to us', 1: 'Broadcast', 2: 'Multicast', 3: 'Unicast to another host', 4: 'Sent by us',
};

export const hfSll = fields({
  pkttype: { abbrev: 'sll.pkttype', name: 'Packet type', type: 'uint16', base: 'dec', strings: PKTTYPE_NAMES },
  hatype: { abbrev: 'sll.hatype', name: 'Link-layer address type', type: 'uint16', base: 'dec', strings: SLL_HATYPE_NAMES },
  halen: { abbrev: 'sll.halen', name: 'Link-layer address length', type: 'uint16', base: 'dec' },
  srcEth: { abbrev: 'sll.src.eth', name: 'Source', type: 'ether' },
  srcIpv4: { abbrev: 'sll.src.ipv4', name: 'Source', type: 'ipv4' },
  srcOther: { abbrev: 'sll.src.other', name: 'Source', type: 'bytes' },
  unused: { abbrev: 'sll.unused', name: 'Unused', type: 'bytes' },
  ltype: { abbrev: 'sll.ltype', name: 'Protocol', type: 'uint16', base: 'hex', strings: SLL_LTYPE_NAMES },
  etype: { abbrev: 'sll.etype', name: 'Protocol', type: 'uint16', base: 'hex', strings: ETHERTYPE_NAMES },
  trailer: { abbrev: 'sll.trailer', name: 'Trailer', type: 'bytes' },
  ifindex: { abbrev: 'sll.ifindex', name: 'Interface index', type: 'uint32', base: 'dec' },
  padding: hfEthTrailer.padding,
});

/** ARPHRD_IPGRE: the "address" is the tunnel's IPv4 source. */
const ARPHRD_IPGRE = 778;
const ADDR_FIELD_LEN = 8;

/** Sender address: 6 bytes shown as a MAC, a GRE tunnel's as IPv4, anything else as bytes. */
function sourceAddress(ctx: PacketContext, t: Tree, tvb: Tvb, off: number, hatype: number, halen: number): void {
  const len = Math.min(halen, ADDR_FIELD_LEN);
  if (halen === 6) {
    const mac = slice(tvb, off, 6);
    ctx.dlSrc = macText(mac);
    ctx.cols.src = etherName(mac);
    if (t.enabled) t.add(hfSll.srcEth, tvb, off, 6, mac, `Source: ${etherLabel(mac)}`);
  } else if (halen === 4 && hatype === ARPHRD_IPGRE) {
    const b = slice(tvb, off, 4);
    ctx.dlSrc = ipv4FromBytes(b);
    ctx.cols.src = ctx.dlSrc;
    t.add(hfSll.srcIpv4, tvb, off, 4, ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0);
  } else if (len > 0) {
    t.add(hfSll.srcOther, tvb, off, len, slice(tvb, off, len));
  }
  if (len < ADDR_FIELD_LEN) t.add(hfSll.unused, tvb, off + len, ADDR_FIELD_LEN - len, slice(tvb, off + len, ADDR_FIELD_LEN - len));
}

function payload(ctx: PacketContext, proto: number, protoOff: number, layerStart: number, t: Tree, tvb: Tvb, off: number, end: number, tree: Tree): void {
  if (proto > 1500) {
    t.add(hfSll.etype, tvb, protoOff, 2, proto);
    dissectByEthertype(ctx, { etype: proto, layerStart, layerTree: t, trailerDef: hfSll.trailer, fcsLen: 0 }, tvb, off, end, tree);
    return;
  }
  t.add(hfSll.ltype, tvb, protoOff, 2, proto);
  const data = ctx.registry.byName('data');
  if (data && end > off) ctx.call(data, tvb, off, end, tree);
}

function enterSll(ctx: PacketContext, tree: Tree, tvb: Tvb, offset: number, len: number, label: string): Tree {
  ctx.cols.clearInfo();
  const t = ctx.enter(sllProto, tree, tvb, offset, len, tree.enabled ? label : undefined);
  return t;
}

export const dissectSll: Dissector = (tvb, offset, end, ctx, tree) => {
  const t = enterSll(ctx, tree, tvb, offset, 16, sllProto.label);
  const pkttype = u16(tvb, offset);
  t.add(hfSll.pkttype, tvb, offset, 2, pkttype);
  const hatype = u16(tvb, offset + 2);
  t.add(hfSll.hatype, tvb, offset + 2, 2, hatype);
  const halen = u16(tvb, offset + 4);
  t.add(hfSll.halen, tvb, offset + 4, 2, halen);
  sourceAddress(ctx, t, tvb, offset + 6, hatype, halen);
  const proto = u16(tvb, offset + 14);
  payload(ctx, proto, offset + 14, offset, t, tvb, offset + 16, end, tree);
  return end - offset;
};

export const dissectSll2: Dissector = (tvb, offset, end, ctx, tree) => {
  const t = enterSll(ctx, tree, tvb, offset, 20, SLL2_LABEL);
  const proto = u16(tvb, offset);
  const ifindex = u32(tvb, offset + 4);
  const hatype = u16(tvb, offset + 8);
  const pkttype = u8(tvb, offset + 10);
  const halen = u8(tvb, offset + 11);
  t.add(proto > 1500 ? hfSll.etype : hfSll.ltype, tvb, offset, 2, proto);
  t.add(hfSll.ifindex, tvb, offset + 4, 4, ifindex);
  t.add(hfSll.hatype, tvb, offset + 8, 2, hatype);
  t.add(hfSll.pkttype, tvb, offset + 10, 1, pkttype);
  t.add(hfSll.halen, tvb, offset + 11, 1, halen);
  sourceAddress(ctx, t, tvb, offset + 12, hatype, halen);
  if (proto > 1500) {
    dissectByEthertype(ctx, { etype: proto, layerStart: offset, layerTree: t, trailerDef: hfSll.trailer, fcsLen: 0 }, tvb, offset + 20, end, tree);
  } else {
    const data = ctx.registry.byName('data');
    if (data && end > offset + 20) ctx.call(data, tvb, offset + 20, end, tree);
  }
  return end - offset;
};

export function register(r: Registry): void {
  r.addProtocol(sllProto, hfSll);
  r.add('linktype', 113, dissectSll);
  r.add('linktype', 276, dissectSll2);
}
