/**
 * Ethernet II (LINKTYPE_ETHERNET): addresses, then the ethertype step. Frames
 * whose type field is a length (802.3) would go to LLC, which Paquet does not
 * decode: their payload is shown as data.
 */
import { addExpert, GROUPS, Severity } from '../expert.js';
import { fields, type FieldDef } from '../field.js';
import { protocol, type Dissector, type Registry } from '../registry.js';
import type { Tree } from '../tree.js';
import { ensure, slice, u16, u24, type Tvb } from '../tvb.js';
import { macText } from '../../format/address-text.js';
import { ETHERTYPE_NAMES } from './eth-types.js';
import { hfEthTrailer } from './eth-trailer-fields.js';
import { addEthernetTrailer, dissectByEthertype } from './ethertype.js';

export const ethProto = protocol('eth', 'Ethernet', 'Ethernet');

const LG: readonly [string, string] = ['Locally administered address (this is NOT the factory default)', 'Globally unique address (factory default)'];
const IG: readonly [string, string] = ['Group address (multicast/broadcast)', 'Individual address (unicast)'];

export const hfEth = fields({
  dst: { abbrev: 'eth.dst', name: 'Destination', type: 'ether' },
  dstResolved: { abbrev: 'eth.dst_resolved', name: 'Destination (resolved)', type: 'string' },
  dstOui: { abbrev: 'eth.dst.oui', name: 'Destination OUI', type: 'uint24' },
  src: { abbrev: 'eth.src', name: 'Source', type: 'ether' },
  srcResolved: { abbrev: 'eth.src_resolved', name: 'Source (resolved)', type: 'string' },
  srcOui: { abbrev: 'eth.src.oui', name: 'Source OUI', type: 'uint24' },
  len: { abbrev: 'eth.len', name: 'Length', type: 'uint16', base: 'dec' },
  type: { abbrev: 'eth.type', name: 'Type', type: 'uint16', base: 'hex', strings: ETHERTYPE_NAMES },
  addr: { abbrev: 'eth.addr', name: 'Address', type: 'ether' },
  addrResolved: { abbrev: 'eth.addr_resolved', name: 'Address (resolved)', type: 'string' },
  addrOui: { abbrev: 'eth.addr.oui', name: 'Address OUI', type: 'uint24' },
  dstLg: { abbrev: 'eth.dst.lg', name: 'LG bit', type: 'boolean', bitmask: 0x020000, bits: 24, tfs: LG },
  dstIg: { abbrev: 'eth.dst.ig', name: 'IG bit', type: 'boolean', bitmask: 0x010000, bits: 24, tfs: IG },
  srcLg: { abbrev: 'eth.src.lg', name: 'LG bit', type: 'boolean', bitmask: 0x020000, bits: 24, tfs: LG },
  srcIg: { abbrev: 'eth.src.ig', name: 'IG bit', type: 'boolean', bitmask: 0x010000, bits: 24, tfs: IG },
  lg: { abbrev: 'eth.lg', name: 'LG bit', type: 'boolean', bitmask: 0x020000, bits: 24, tfs: LG },
  ig: { abbrev: 'eth.ig', name: 'IG bit', type: 'boolean', bitmask: 0x010000, bits: 24, tfs: IG },
  srcNotGroup: { abbrev: 'eth.src_not_group', name: 'Source MAC must not be a group address: IEEE 802.3-2002, Section 3.2.3(b)', type: 'none' },
  ...hfEthTrailer,
});

/**
 * A MAC as Paquet shows it. Paquet resolves no names (no OUI database, no
 * `Broadcast`), so it writes what `tshark -n` writes: the address itself.
 */
export function etherName(b: Uint8Array, off = 0): string {
  // Every Ethernet frame names two addresses, and a capture has few: each text is made once, and
  // found again in a table by a few bits of the address, keyed by its two 24-bit halves (a 48-bit
  // number would be boxed for each look-up). An address whose slot another took is made again.
  const high = (b[off]! << 16) | (b[off + 1]! << 8) | b[off + 2]!;
  const low = (b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!;
  const slot = (high ^ low ^ (low >>> 12)) & (MAC_SLOTS - 1);
  if (slotHigh[slot] === high && slotLow[slot] === low) return slotText[slot]!;
  const text = macText(b, off);
  slotHigh[slot] = high;
  slotLow[slot] = low;
  slotText[slot] = text;
  return text;
}

const MAC_SLOTS = 4096;
/** -1: no address yet (the halves are 24-bit). */
const slotHigh = new Int32Array(MAC_SLOTS).fill(-1);
const slotLow = new Int32Array(MAC_SLOTS).fill(-1);
const slotText: string[] = new Array<string>(MAC_SLOTS).fill('');

/** A MAC in a tree label: `tshark -n` gives the bare address (resolution on would add `Name (...)`). */
export function etherLabel(b: Uint8Array, off = 0): string {
  return macText(b, off);
}

function addAddress(t: Tree, tvb: Tvb, off: number, isDst: boolean): void {
  const mac = slice(tvb, off, 6);
  const name = etherName(mac);
  const label = t.labels ? etherLabel(mac) : undefined;
  const item = t.add(isDst ? hfEth.dst : hfEth.src, tvb, off, 6, mac, label && `${isDst ? 'Destination' : 'Source'}: ${label}`);
  if (!isDst && (mac[0]! & 1) !== 0) {
    addExpert(item, tvb, off, 6, Severity.Warning, GROUPS.Protocol, 'Source MAC must not be a group address: IEEE 802.3-2002, Section 3.2.3(b)', hfEth.srcNotGroup);
  }
  const oui = u24(tvb, off);
  item.addHidden(isDst ? hfEth.dstResolved : hfEth.srcResolved, tvb, off, 6, name);
  item.addHidden(isDst ? hfEth.dstOui : hfEth.srcOui, tvb, off, 3, oui);
  item.add(hfEth.addr, tvb, off, 6, mac, label && `Address: ${label}`);
  item.addHidden(hfEth.addrResolved, tvb, off, 6, name);
  item.addHidden(hfEth.addrOui, tvb, off, 3, oui);
  const lg = (mac[0]! & 0x02) !== 0;
  const ig = (mac[0]! & 0x01) !== 0;
  item.add(isDst ? hfEth.dstLg : hfEth.srcLg, tvb, off, 3, lg);
  item.addHidden(hfEth.lg, tvb, off, 3, lg);
  item.add(isDst ? hfEth.dstIg : hfEth.srcIg, tvb, off, 3, ig);
  item.addHidden(hfEth.ig, tvb, off, 3, ig);
}

/** The largest value of the type field that is a length (IEEE 802.3). */
const MAX_802_3_LENGTH = 1500;

export const dissectEth: Dissector = (tvb, offset, end, ctx, tree) => {
  // Destination first: a frame cut inside the source still shows where it went, as in Wireshark.
  ensure(tvb, offset, 6);
  // Name resolution is off (tshark -n), so the column text is the address text: format each once.
  ctx.dlDst = ctx.cols.dst = etherName(tvb.bytes, offset);
  ensure(tvb, offset + 6, 6);
  ctx.dlSrc = ctx.cols.src = etherName(tvb.bytes, offset + 6);
  const type = u16(tvb, offset + 12);
  const is8023 = type <= MAX_802_3_LENGTH;
  // What Info says when no higher layer writes it (an EtherType no one dissects), as Wireshark.
  if (!is8023) ctx.cols.setInfo('Ethernet II');
  let t: Tree = tree;
  if (tree.enabled) {
    const text = !tree.labels ? undefined : is8023 ? 'IEEE 802.3 Ethernet ' : `Ethernet II, Src: ${etherLabel(tvb.bytes, offset + 6)}, Dst: ${etherLabel(tvb.bytes, offset)}`;
    t = ctx.enter(ethProto, tree, tvb, offset, 14, text);
    if (t.wantsAny(hfEth)) {
      addAddress(t, tvb, offset, true);
      addAddress(t, tvb, offset + 6, false);
    }
  } else {
    ctx.enter(ethProto, tree, tvb, offset, 14);
  }
  const payload = offset + 14;
  if (is8023) {
    t.add(hfEth.len, tvb, offset + 12, 2, type);
    const payloadEnd = Math.min(end, payload + type);
    const data = ctx.registry.byName('data');
    if (data && payloadEnd > payload) ctx.call(data, tvb, payload, payloadEnd, tree);
    if (t.enabled && payloadEnd < end) {
      addEthernetTrailer(ctx, { layerStart: offset, layerTree: t, trailerDef: hfEth.trailer, fcsLen: -1 }, tvb, payloadEnd, end);
    }
    return end - offset;
  }
  t.add(hfEth.type, tvb, offset + 12, 2, type);
  dissectByEthertype(ctx, { etype: type, layerStart: offset, layerTree: t, trailerDef: hfEth.trailer as FieldDef, fcsLen: -1 }, tvb, payload, end, tree);
  return end - offset;
};

export function register(r: Registry): void {
  r.addProtocol(ethProto, hfEth);
  r.add('linktype', 1, dissectEth);
}
