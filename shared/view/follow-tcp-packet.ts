/**
 * What the follow views need from one dissected TCP packet, read from its
 * detail tree (the same items `tcp.*` filters see) rather than from the
 * dissector's private state, so the views work on any packet the engine gives.
 */
import type { Dissected } from '../dissect/engine.js';
import type { TreeNode } from '../dissect/tree.js';

/** TCP flag bits as in the header (tcp.flags). */
export const TCP_SYN = 0x02;
export const TCP_ACK = 0x10;

export interface TcpPacket {
  readonly num: number;
  readonly stream: number;
  /** "addr:port" of sender and receiver (`[addr]:port` for IPv6). */
  readonly src: string;
  readonly dst: string;
  /** Relative sequence and acknowledgment numbers (tcp.seq, tcp.ack), 32-bit unsigned. */
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  /** TCP segment length (tcp.len): payload bytes on the wire, SYN and FIN not counted. */
  readonly len: number;
  /** The captured payload bytes (fewer than `len` when the snapshot length cut the frame). */
  readonly payload: Uint8Array;
}

const EMPTY: Uint8Array = new Uint8Array(0);

/** "addr:port", with IPv6 addresses in brackets so the port stays readable. */
export function endpointText(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The packet's TCP layer: the first top-level `tcp` item (a TCP header quoted inside ICMP sits deeper). */
export function tcpLayer(d: Dissected): TreeNode | undefined {
  for (const n of d.tree ?? []) if (n.def.abbrev === 'tcp') return n;
  return undefined;
}

/** The stream index of a TCP packet, or undefined when it has none (not TCP, header too short). */
export function tcpStreamOf(d: Dissected): number | undefined {
  const tcp = tcpLayer(d);
  if (!tcp) return undefined;
  for (const c of tcp.children ?? []) if (c.def.abbrev === 'tcp.stream' && typeof c.value === 'number') return c.value;
  return undefined;
}

/** The packet's TCP facts, or null when it is not a TCP packet with a stream index (or was dissected without a tree). */
export function tcpPacketOf(d: Dissected): TcpPacket | null {
  const tcp = tcpLayer(d);
  if (!tcp) return null;
  let stream: number | undefined;
  let srcPort = -1, dstPort = -1, seq = 0, ack = 0, flags = 0, len = 0;
  let payload = EMPTY;
  for (const c of tcp.children ?? []) {
    const v = c.value;
    switch (c.def.abbrev) {
      case 'tcp.stream': if (typeof v === 'number') stream = v; break;
      case 'tcp.srcport': if (typeof v === 'number') srcPort = v; break;
      case 'tcp.dstport': if (typeof v === 'number') dstPort = v; break;
      case 'tcp.seq': if (typeof v === 'number') seq = v; break;
      case 'tcp.ack': if (typeof v === 'number') ack = v; break;
      case 'tcp.flags': if (typeof v === 'number') flags = v; break;
      case 'tcp.len': if (typeof v === 'number') len = v; break;
      case 'tcp.payload': if (v instanceof Uint8Array) payload = v; break;
    }
  }
  if (stream === undefined || srcPort < 0 || dstPort < 0) return null;
  return {
    num: d.num, stream,
    src: endpointText(d.ctx.netSrc, srcPort), dst: endpointText(d.ctx.netDst, dstPort),
    seq, ack, flags, len, payload,
  };
}

/**
 * The client of a connection: the side that sent the SYN; the side a SYN+ACK went to
 * when the SYN itself was not captured; otherwise the first sender.
 */
export function clientOf(packets: readonly TcpPacket[]): string | undefined {
  let synAckTo: string | undefined;
  for (const p of packets) {
    if (!(p.flags & TCP_SYN)) continue;
    if (!(p.flags & TCP_ACK)) return p.src;
    synAckTo ??= p.dst;
  }
  return synAckTo ?? packets[0]?.src;
}

/** a < b in 32-bit sequence space (RFC 1982 serial arithmetic, as Wireshark's LT_SEQ). */
export function seqBefore(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
