/**
 * DNS over TCP (RFC 1035 4.2.2): each message is preceded by a two-byte length;
 * a segment may hold several messages or part of one, which TCP reassembles.
 */
import type { PacketContext } from '../packet.js';
import type { Tree } from '../tree.js';
import { u16, type Tvb } from '../tvb.js';
import { dissectMessage } from './dns.js';
import { dissectPdus, isTcpPayload } from './tcp-reassembly.js';

export function dissectDnsOverTcp(tvb: Tvb, offset: number, end: number, ctx: PacketContext, tree: Tree, data?: unknown): number {
  const payload = isTcpPayload(data) ? data : undefined;
  dissectPdus(tvb, offset, end, ctx, tree, payload, 2, (t, o) => 2 + u16(t, o), dissectOne);
  return end - offset;
}

function dissectOne(tvb: Tvb, offset: number, end: number, ctx: PacketContext, tree: Tree): number {
  dissectMessage(tvb, offset + 2, end, ctx, tree, false, offset);
  return end - offset;
}
