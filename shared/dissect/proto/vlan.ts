/** IEEE 802.1Q VLAN tags (also the 0x9100 Q-in-Q type), each tag a `vlan` layer followed by an ethertype. */
import { addExpert, GROUPS, Severity } from '../expert.js';
import { fields } from '../field.js';
import { protocol, type Dissector, type Registry } from '../registry.js';
import { u16 } from '../tvb.js';
import { ETHERTYPE_NAMES } from './eth-types.js';
import { dissectByEthertype } from './ethertype.js';
import { dissectData } from './data.js';

export const vlanProto = protocol('vlan', 'VLAN', '802.1Q Virtual LAN');

/** 802.1Q-2014 priority names (Wireshark's default "8 priorities, 0 drop eligible"). */
const PRIORITY_NAMES: Readonly<Record<number, string>> = {
  0: 'Best Effort (default)', 1: 'Background', 2: 'Excellent Effort', 3: 'Critical Applications',
  4: 'Video, < 100ms latency and jitter', 5: 'Voice, < 10ms latency and jitter', 6: 'Internetwork Control', 7: 'Network Control',
};

export const hfVlan = fields({
  priority: { abbrev: 'vlan.priority', name: 'Priority', type: 'uint16', base: 'dec', bitmask: 0xe000, bits: 16, strings: PRIORITY_NAMES },
  dei: { abbrev: 'vlan.dei', name: 'DEI', type: 'boolean', bitmask: 0x1000, bits: 16, tfs: ['Eligible', 'Ineligible'] },
  id: { abbrev: 'vlan.id', name: 'ID', type: 'uint16', base: 'dec', bitmask: 0x0fff, bits: 16 },
  etype: { abbrev: 'vlan.etype', name: 'Type', type: 'uint16', base: 'hex', strings: ETHERTYPE_NAMES },
  len: { abbrev: 'vlan.len', name: 'Length', type: 'uint16', base: 'dec' },
  trailer: { abbrev: 'vlan.trailer', name: 'Trailer', type: 'bytes' },
  tooManyTags: { abbrev: 'vlan.too_many_tags', name: 'Too many nested VLAN tags', type: 'none' },
});

const MAX_NESTED_TAGS = 20;

export const dissectVlan: Dissector = (tvb, offset, end, ctx, tree) => {
  ctx.cols.clearInfo();
  const tci = u16(tvb, offset);
  const pri = tci >> 13;
  const dei = (tci >> 12) & 1;
  const id = tci & 0xfff;
  ctx.cols.setInfo(`PRI: ${pri}  DEI: ${dei}  ID: ${id}`);
  const t = ctx.enter(vlanProto, tree, tvb, offset, 4, tree.enabled ? `802.1Q Virtual LAN, PRI: ${pri}, DEI: ${dei}, ID: ${id}` : undefined);
  ctx.cols.protocol = 'VLAN';
  let depth = 0;
  for (const p of ctx.protocols) if (p === 'vlan') depth++;
  if (depth > MAX_NESTED_TAGS) {
    addExpert(t, tvb, offset, 4, Severity.Warning, GROUPS.Undecoded, 'Too many nested VLAN tags', hfVlan.tooManyTags);
    return end - offset;
  }
  t.add(hfVlan.priority, tvb, offset, 2, pri);
  t.add(hfVlan.dei, tvb, offset, 2, dei === 1);
  t.add(hfVlan.id, tvb, offset, 2, id);
  const type = u16(tvb, offset + 2);
  if (type <= 1500) {
    t.add(hfVlan.len, tvb, offset + 2, 2, type);
    const payloadEnd = Math.min(end, offset + 4 + type);
    if (payloadEnd > offset + 4) ctx.call(dissectData, tvb, offset + 4, payloadEnd, tree);
    return end - offset;
  }
  t.add(hfVlan.etype, tvb, offset + 2, 2, type);
  dissectByEthertype(ctx, { etype: type, layerStart: offset, layerTree: t, trailerDef: hfVlan.trailer, fcsLen: 0 }, tvb, offset + 4, end, tree);
  return end - offset;
};

/** IEEE 802.1ad service tag (ethertype 0x88a8), which Wireshark shows as its own layer. */
export const ieee8021adProto = protocol('ieee8021ad', '802.1ad', 'IEEE 802.1ad');

export const hfIeee8021ad = fields({
  priority: { abbrev: 'ieee8021ad.priority', name: 'Priority', type: 'uint16', base: 'dec', bitmask: 0xe000, bits: 16 },
  dei: { abbrev: 'ieee8021ad.dei', name: 'DEI', type: 'uint16', base: 'dec', bitmask: 0x1000, bits: 16 },
  id: { abbrev: 'ieee8021ad.id', name: 'ID', type: 'uint16', base: 'dec', bitmask: 0x0fff, bits: 16 },
  etype: { abbrev: 'ieee8021ah.etype', name: 'Type', type: 'uint16', base: 'hex', strings: ETHERTYPE_NAMES },
  trailer: { abbrev: 'ieee8021ah.trailer', name: 'Trailer', type: 'bytes' },
});

export const dissectIeee8021ad: Dissector = (tvb, offset, end, ctx, tree) => {
  const tci = u16(tvb, offset);
  const id = tci & 0xfff;
  const t = ctx.enter(ieee8021adProto, tree, tvb, offset, 4, tree.enabled ? `IEEE 802.1ad, ID: ${id}` : undefined);
  ctx.cols.setInfo(`PRI: ${tci >> 13}  DROP: ${(tci >> 12) & 1} ID: ${id}`);
  t.add(hfIeee8021ad.priority, tvb, offset, 2, tci >> 13);
  t.add(hfIeee8021ad.dei, tvb, offset, 2, (tci >> 12) & 1);
  t.add(hfIeee8021ad.id, tvb, offset, 2, id);
  const type = u16(tvb, offset + 2);
  t.add(hfIeee8021ad.etype, tvb, offset + 2, 2, type);
  dissectByEthertype(ctx, { etype: type, layerStart: offset, layerTree: t, trailerDef: hfIeee8021ad.trailer, fcsLen: 0 }, tvb, offset + 4, end, tree);
  return end - offset;
};

export function register(r: Registry): void {
  r.addProtocol(ieee8021adProto, hfIeee8021ad);
  r.add('ethertype', 0x88a8, dissectIeee8021ad);
  r.addProtocol(vlanProto, hfVlan);
  r.add('ethertype', 0x8100, dissectVlan);
  r.add('ethertype', 0x9100, dissectVlan);
}
