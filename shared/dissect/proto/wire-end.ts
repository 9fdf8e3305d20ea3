/**
 * Where a transport layer ends on the wire, which the captured bytes may not show:
 * TCP, UDP and ICMP lengths and checksum checks follow the length on the wire, as
 * Wireshark's reported length does.
 */
import type { Tvb } from '../tvb.js';
import type { IpPacketInfo } from './ipv4.js';

/**
 * The wire end of a layer whose captured bytes end at `end`: when the snapshot length cut the
 * frame there, where IP's length says the datagram ends (not the frame's end: a link trailer or
 * padding may follow), never past the frame's reported end. A reassembled buffer lacks nothing.
 */
export function wireEnd(tvb: Tvb, end: number, ip: IpPacketInfo | undefined): number {
  if (tvb.source !== 0 || end !== tvb.bytes.length || tvb.reportedLength === end) return end;
  const ipEnd = ip?.wireEnd;
  return ipEnd === undefined ? tvb.reportedLength : Math.max(end, Math.min(ipEnd, tvb.reportedLength));
}
