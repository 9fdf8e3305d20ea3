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
import { flagsOf, type SegmentAnalysis } from '../dissect/proto/tcp-analysis.js';

/** Every colour, in a fixed order: the packet store keeps a colour as its index here. */
export const ROW_COLORS: readonly RowColor[] = [
  'none', 'bad', 'tcp-problem', 'tcp-syn-fin', 'http', 'websocket', 'dns', 'tls', 'icmp', 'arp', 'udp', 'tcp',
];

const ICMP_ERROR = /^(Destination unreachable|Source quench|Redirect|Time-to-live exceeded)/;
const ICMPV6_ERROR = /^(Destination Unreachable|Packet Too Big|Time Exceeded|Parameter Problem)/;

/** Bits of tcpInfoFlags. */
export const TcpInfoFlag = { Syn: 1, Fin: 2, Rst: 4, Ack: 8 } as const;

const ARROW = ' \u2192 ';
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/**
 * The TCP flags named in the Info column (TcpInfoFlag bits), or -1 when another protocol wrote
 * the Info. TCP's Info reads `59798 → 7272 [SYN, ACK] Seq=...` (an analysis prefix may come
 * first): the first `digit → digits [list] Seq=` in the text. Read by hand, not by a regular
 * expression and a split: the worker's first pass asks this of every packet.
 */
export function tcpInfoFlags(info: string): number {
  for (let arrow = info.indexOf(ARROW); arrow >= 0; arrow = info.indexOf(ARROW, arrow + 1)) {
    if (arrow === 0 || !isDigit(info.charCodeAt(arrow - 1))) continue;
    const digits = arrow + ARROW.length;
    let k = digits;
    while (isDigit(info.charCodeAt(k))) k++;
    if (k === digits || !info.startsWith(' [', k)) continue;
    const close = info.indexOf(']', k + 2);
    if (close >= 0 && info.startsWith('] Seq=', close)) return flagsNamed(info, k + 2, close);
  }
  return -1;
}

/** The TcpInfoFlag bits of the names in info[from, to), separated by `, `. */
function flagsNamed(info: string, from: number, to: number): number {
  let bits = 0;
  for (let start = from; start <= to; ) {
    let end = info.indexOf(', ', start);
    if (end < 0 || end > to) end = to;
    if (end - start === 3) bits |= flagNamed(info, start);
    start = end + 2;
  }
  return bits;
}

function flagNamed(info: string, at: number): number {
  if (info.startsWith('SYN', at)) return TcpInfoFlag.Syn;
  if (info.startsWith('FIN', at)) return TcpInfoFlag.Fin;
  if (info.startsWith('RST', at)) return TcpInfoFlag.Rst;
  if (info.startsWith('ACK', at)) return TcpInfoFlag.Ack;
  return 0;
}

/** The analysis the TCP dissector stored for this frame on its first pass, if it is TCP. */
export function tcpAnalysis(d: Dissected): SegmentAnalysis | undefined {
  return d.ctx.getMemo<{ a: SegmentAnalysis }>('tcp')?.a ?? d.ctx.getMemo<SegmentAnalysis>('tcp.short');
}

/** The flags of most segments: one shared object, with none set. */
const NO_ANALYSIS_FLAGS = flagsOf(0);

function badTcp(a: SegmentAnalysis | undefined): boolean {
  if (!a || a.flags === NO_ANALYSIS_FLAGS) return false;
  const f = a.flags;
  // tcp.analysis.flags is present for any of these; window update and keep-alives alone are not "bad".
  return Boolean(f.retransmission || f.spurious || f.fastRetransmission || f.outOfOrder || f.lostSegment || f.ackLostSegment ||
    f.dupAck || f.zeroWindow || f.reusedPorts);
}

/** Bits for the layers the rules below look for, so frame.protocols is walked once. */
const enum Layer { Tcp = 1, Udp = 2, Icmp = 4, Icmpv6 = 8, Arp = 16, WebSocket = 32, Http = 64, Dns = 128, Tls = 256 }

function layersOf(protocols: readonly string[]): number {
  let layers = 0;
  for (const name of protocols) {
    switch (name) {
      case 'tcp': layers |= Layer.Tcp; break;
      case 'udp': layers |= Layer.Udp; break;
      case 'icmp': layers |= Layer.Icmp; break;
      case 'icmpv6': layers |= Layer.Icmpv6; break;
      case 'arp': layers |= Layer.Arp; break;
      case 'websocket': layers |= Layer.WebSocket; break;
      case 'http': case 'http2': layers |= Layer.Http; break;
      case 'dns': case 'mdns': layers |= Layer.Dns; break;
      case 'tls': layers |= Layer.Tls; break;
    }
  }
  return layers;
}

/**
 * `infoFlags` and `analysis`: tcpInfoFlags(d.info) and tcpAnalysis(d), passed by a caller that
 * needs them as well (read only for TCP).
 */
export function rowColor(d: Dissected, infoFlags = tcpInfoFlags(d.info), analysis = tcpAnalysis(d)): RowColor {
  const layers = layersOf(d.ctx.protocols);
  const tcp = (layers & Layer.Tcp) !== 0;
  if (d.malformed) return 'bad';
  if (tcp && badTcp(analysis)) return 'tcp-problem';
  if (((layers & Layer.Icmp) && ICMP_ERROR.test(d.info)) || ((layers & Layer.Icmpv6) && ICMPV6_ERROR.test(d.info))) return 'bad';
  if (layers & Layer.Arp) return 'arp';
  if (layers & (Layer.Icmp | Layer.Icmpv6)) return 'icmp';
  const flags = tcp ? infoFlags : -1;
  if (flags >= 0 && flags & TcpInfoFlag.Rst) return 'bad';
  if (layers & Layer.WebSocket) return 'websocket';
  if ((layers & Layer.Http) || (tcp && (d.ctx.srcPort === 80 || d.ctx.dstPort === 80))) return 'http';
  if (layers & Layer.Dns) return 'dns';
  if (layers & Layer.Tls) return 'tls';
  if (flags >= 0 && flags & (TcpInfoFlag.Syn | TcpInfoFlag.Fin)) return 'tcp-syn-fin';
  if (tcp) return 'tcp';
  if (layers & Layer.Udp) return 'udp';
  return 'none';
}
