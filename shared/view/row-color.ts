/**
 * The packet list's row colour: Wireshark's default colouring rules
 * (/usr/share/wireshark/colorfilters, 4.0), first match wins, evaluated on the
 * first pass, which runs without a tree. So each rule reads what a summary
 * dissection leaves behind instead of tree fields:
 *
 *   Wireshark rule (filter)                                   → what is read here
 *   Bad TCP   tcp.analysis.flags && !window_update && !keep_alive && !keep_alive_ack
 *                                                             → the TCP dissector's per-frame memo ('tcp': its SegmentAnalysis flags)
 *   ICMP errors  icmp.type in {3..5, 11} || icmpv6.type in {1..4} → the Info column's type name (ICMP writes it first)
 *   ARP  arp / ICMP  icmp || icmpv6                           → ctx.protocols (frame.protocols)
 *   TCP RST  tcp.flags.reset                                  → the `[RST, ...]` flag list in TCP's Info text
 *   HTTP  http || tcp.port == 80 || http2                     → ctx.protocols, ctx.srcPort/dstPort
 *   TCP SYN/FIN  tcp.flags & 0x02 || tcp.flags.fin            → the flag list in TCP's Info text
 *   TCP  tcp / UDP  udp                                       → ctx.protocols
 *
 * The flag list is only in the Info column while TCP owns it: a SYN/FIN/RST that
 * also carries application data (whose dissector rewrote Info) is coloured by that
 * protocol instead; Wireshark's HTTP rule comes before SYN/FIN anyway.
 *
 * Paquet's additions (the contract has colours for them; Wireshark has no such
 * default rules): a malformed packet is 'bad' before everything; WebSocket goes
 * right before HTTP (so a WebSocket on port 80 is still told apart from HTTP);
 * DNS (and mDNS) and TLS after HTTP. Rules for protocols Paquet does not dissect (HSRP,
 * STP, OSPF, SCTP, SMB, DCERPC, routing, checksum errors with checksums
 * unverified, TTL, broadcast) are left out.
 */
import type { RowColor } from '../ipc/contract.js';
import type { Dissected } from '../dissect/engine.js';
import type { SegmentAnalysis } from '../dissect/proto/tcp-analysis.js';

/** Every colour, in a fixed order: the packet store keeps a colour as its index here. */
export const ROW_COLORS: readonly RowColor[] = [
  'none', 'bad', 'tcp-problem', 'tcp-syn-fin', 'http', 'websocket', 'dns', 'tls', 'icmp', 'arp', 'udp', 'tcp',
];

const ICMP_ERROR = /^(Destination unreachable|Source quench|Redirect|Time-to-live exceeded)/;
const ICMPV6_ERROR = /^(Destination Unreachable|Packet Too Big|Time Exceeded|Parameter Problem)/;
/** TCP's Info: `59798 → 7272 [SYN, ACK] Seq=...` (an analysis prefix may come first). */
const TCP_FLAG_LIST = /\d \u2192 \d+ \[([^\]]*)\] Seq=/;

/** The TCP flags named in the Info column, or null when another protocol wrote the Info. */
export function tcpFlagsFromInfo(info: string): { syn: boolean; fin: boolean; rst: boolean; ack: boolean } | null {
  const m = TCP_FLAG_LIST.exec(info);
  if (!m) return null;
  const names = m[1]!.split(', ');
  return { syn: names.includes('SYN'), fin: names.includes('FIN'), rst: names.includes('RST'), ack: names.includes('ACK') };
}

/** The analysis the TCP dissector stored for this frame on its first pass, if it is TCP. */
export function tcpAnalysis(d: Dissected): SegmentAnalysis | undefined {
  return d.ctx.getMemo<{ a: SegmentAnalysis }>('tcp')?.a ?? d.ctx.getMemo<SegmentAnalysis>('tcp.short');
}

function badTcp(a: SegmentAnalysis | undefined): boolean {
  if (!a) return false;
  const f = a.flags;
  // tcp.analysis.flags is present for any of these; window update and keep-alives alone are not "bad".
  return Boolean(f.retransmission || f.spurious || f.fastRetransmission || f.outOfOrder || f.lostSegment || f.ackLostSegment ||
    f.dupAck || f.zeroWindow || f.reusedPorts);
}

export function rowColor(d: Dissected): RowColor {
  const protocols = d.ctx.protocols;
  const has = (name: string): boolean => protocols.includes(name);
  const tcp = has('tcp');
  if (d.malformed) return 'bad';
  if (tcp && badTcp(tcpAnalysis(d))) return 'tcp-problem';
  if ((has('icmp') && ICMP_ERROR.test(d.info)) || (has('icmpv6') && ICMPV6_ERROR.test(d.info))) return 'bad';
  if (has('arp')) return 'arp';
  if (has('icmp') || has('icmpv6')) return 'icmp';
  const flags = tcp ? tcpFlagsFromInfo(d.info) : null;
  if (flags?.rst) return 'bad';
  if (has('websocket')) return 'websocket';
  if (has('http') || has('http2') || (tcp && (d.ctx.srcPort === 80 || d.ctx.dstPort === 80))) return 'http';
  if (has('dns') || has('mdns')) return 'dns';
  if (has('tls')) return 'tls';
  if (flags && (flags.syn || flags.fin)) return 'tcp-syn-fin';
  if (tcp) return 'tcp';
  if (has('udp')) return 'udp';
  return 'none';
}
