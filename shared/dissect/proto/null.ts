/**
 * BSD loopback: LINKTYPE_NULL (0) has a 4-byte address family in the byte
 * order of the machine that captured it, so it is guessed as Wireshark does
 * (reading it little-endian, as tshark on x86 does, and swapping when the
 * value only makes sense the other way round); LINKTYPE_LOOP (108) is
 * always big-endian. A value above 1500 is an ethertype.
 */
import { fields } from '../field.js';
import type { PacketContext } from '../packet.js';
import { protocol, type Dissector, type Registry } from '../registry.js';
import type { Tree } from '../tree.js';
import { u16, u32, u32le, type Tvb } from '../tvb.js';
import { ETHERTYPE_NAMES } from './eth-types.js';

export const nullProto = protocol('null', 'Null', 'Null/Loopback');

const FAMILY_NAMES: Readonly<Record<number, string>> = {
  2: 'IP', 7: 'OSI', 16: 'Appletalk', 23: 'Netware IPX/SPX', 24: 'IPv6', 28: 'IPv6', 30: 'IPv6',
};

export const hfNull = fields({
  type: { abbrev: 'null.type', name: 'Type', type: 'uint16', base: 'hex', strings: ETHERTYPE_NAMES },
  family: { abbrev: 'null.family', name: 'Family', type: 'uint32', base: 'dec', strings: FAMILY_NAMES },
});

/** The address families BSDs use for IP and IPv6 (IPv6's number differs between them). */
function familyEthertype(family: number): number | undefined {
  if (family === 2) return 0x0800;
  if (family === 24 || family === 28 || family === 30) return 0x86dd;
  return undefined;
}

/** Wireshark's guess at the byte order of a NULL header read little-endian. */
export function guessNullHeader(raw: number): number {
  if ((raw & 0xffff0000) !== 0) {
    if ((raw & 0xff000000) === 0 && (raw & 0x00ff0000) < 0x00060000) return raw >>> 16;
    return (((raw & 0xff) << 24) | ((raw & 0xff00) << 8) | ((raw >>> 8) & 0xff00) | (raw >>> 24)) >>> 0;
  }
  if ((raw & 0xff) === 0 && (raw & 0xff00) < 0x0600) return ((raw & 0xff) << 8) | ((raw >>> 8) & 0xff);
  return raw;
}

function setColumns(ctx: PacketContext): void {
  ctx.cols.protocol = 'N/A';
  ctx.cols.setInfo('Null/Loopback');
}

function dispatchFamily(ctx: PacketContext, family: number, tvb: Tvb, off: number, end: number, tree: Tree): void {
  const etype = familyEthertype(family);
  if (etype !== undefined && ctx.dispatch('ethertype', etype, tvb, off, end, tree)) return;
  const data = ctx.registry.byName('data');
  if (data && end > off) ctx.call(data, tvb, off, end, tree);
}

export const dissectNull: Dissector = (tvb, offset, end, ctx, tree) => {
  if (u16(tvb, offset) === 0xff03) {
    // PPP in HDLC-like framing: not decoded by Paquet.
    const data = ctx.registry.byName('data');
    if (data) ctx.call(data, tvb, offset, end, tree);
    return end - offset;
  }
  setColumns(ctx);
  const header = guessNullHeader(u32le(tvb, offset));
  const t = ctx.enter(nullProto, tree, tvb, offset, 4);
  ctx.cols.protocol = 'N/A';
  if (header > 1500) {
    t.add(hfNull.type, tvb, offset, 4, header & 0xffff);
    if (!ctx.dispatch('ethertype', header & 0xffff, tvb, offset + 4, end, tree)) {
      const data = ctx.registry.byName('data');
      if (data && end > offset + 4) ctx.call(data, tvb, offset + 4, end, tree);
    }
    return end - offset;
  }
  t.add(hfNull.family, tvb, offset, 4, header);
  dispatchFamily(ctx, header, tvb, offset + 4, end, tree);
  return end - offset;
};

export const dissectLoop: Dissector = (tvb, offset, end, ctx, tree) => {
  setColumns(ctx);
  const family = u32(tvb, offset);
  const t = ctx.enter(nullProto, tree, tvb, offset, 4);
  ctx.cols.protocol = 'N/A';
  t.add(hfNull.family, tvb, offset, 4, family);
  dispatchFamily(ctx, family, tvb, offset + 4, end, tree);
  return end - offset;
};

export function register(r: Registry): void {
  r.addProtocol(nullProto, hfNull);
  r.add('linktype', 0, dissectNull);
  r.add('linktype', 108, dissectLoop);
}
