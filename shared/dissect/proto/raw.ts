/**
 * Raw IP link types. LINKTYPE_RAW (101, and 12 as some BSDs wrote it) goes
 * through the `raw` layer, which picks IPv4 or IPv6 from the version nibble;
 * LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229) hand the frame straight to IP,
 * so tshark shows no `raw` layer for them.
 */
import { fields } from '../field.js';
import { protocol, type Dissector, type Registry } from '../registry.js';
import { u16, u8 } from '../tvb.js';

export const rawProto = protocol('raw', 'Raw', 'Raw packet data');
export const hfRaw = fields({});

export const dissectRaw: Dissector = (tvb, offset, end, ctx, tree) => {
  ctx.cols.protocol = 'N/A';
  ctx.cols.setInfo('Raw packet data');
  ctx.enter(rawProto, tree, tvb, offset, end - offset);
  ctx.cols.protocol = 'N/A';
  if (end - offset >= 2 && u16(tvb, offset) === 0xff03) {
    // PPP in HDLC framing: not decoded by Paquet.
  } else if (end > offset) {
    const version = u8(tvb, offset) & 0xf0;
    if (version === 0x40 && ctx.dispatch('ethertype', 0x0800, tvb, offset, end, tree)) return end - offset;
    if (version === 0x60 && ctx.dispatch('ethertype', 0x86dd, tvb, offset, end, tree)) return end - offset;
  }
  const data = ctx.registry.byName('data');
  if (data && end > offset) ctx.call(data, tvb, offset, end, tree);
  return end - offset;
};

function direct(etype: number): Dissector {
  return (tvb, offset, end, ctx, tree) => {
    if (!ctx.dispatch('ethertype', etype, tvb, offset, end, tree)) {
      const data = ctx.registry.byName('data');
      if (data && end > offset) ctx.call(data, tvb, offset, end, tree);
    }
    return end - offset;
  };
}

export function register(r: Registry): void {
  r.addProtocol(rawProto, hfRaw);
  r.add('linktype', 101, dissectRaw);
  r.add('linktype', 12, dissectRaw);
  r.add('linktype', 14, dissectRaw);
  r.add('linktype', 228, direct(0x0800));
  r.add('linktype', 229, direct(0x86dd));
}
