/**
 * Dissecting the datagram an ICMP or ICMPv6 error message quotes: Wireshark
 * marks the packet "in error" and makes the columns read-only meanwhile, so the
 * quoted headers appear in the tree without changing the summary line or the
 * addresses of the packet itself.
 */
import type { PacketContext } from '../packet.js';
import type { Tree } from '../tree.js';
import type { Tvb } from '../tvb.js';
import { ipFlags } from './ipv4.js';

export function dissectQuoted(ctx: PacketContext, etype: number, tvb: Tvb, offset: number, end: number, tree: Tree): void {
  const saved = {
    src: ctx.cols.src, dst: ctx.cols.dst, protocol: ctx.cols.protocol, info: ctx.cols.info,
    netSrc: ctx.netSrc, netDst: ctx.netDst, srcPort: ctx.srcPort, dstPort: ctx.dstPort, ipProto: ctx.ipProto,
  };
  const flags = ipFlags(ctx);
  const wasInError = flags.inError;
  flags.inError = true;
  try {
    // Called directly: an error in the quote ends the whole message's dissection, as in Wireshark.
    const d = ctx.registry.lookup('ethertype', etype);
    if (d) d(tvb, offset, end, ctx, tree);
  } finally {
    flags.inError = wasInError;
    ctx.cols.src = saved.src;
    ctx.cols.dst = saved.dst;
    ctx.cols.protocol = saved.protocol;
    ctx.cols.clearFence();
    ctx.cols.setInfo(saved.info);
    ctx.netSrc = saved.netSrc;
    ctx.netDst = saved.netDst;
    ctx.srcPort = saved.srcPort;
    ctx.dstPort = saved.dstPort;
    ctx.ipProto = saved.ipProto;
  }
}
