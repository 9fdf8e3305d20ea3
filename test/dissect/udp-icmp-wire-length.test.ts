/**
 * UDP, ICMP and ICMPv6 take their length on the wire from IP, not from the frame: a frame whose
 * Ethernet padding or trailer the capture lost ends, on the wire, past the datagram. Each frame
 * holds the whole IP datagram and lost only what followed it. The expectations are tshark 4.0's
 * (`tshark -n -r FILE -V`; these bytes, with these captured and wire lengths, written to a pcap).
 */
import { describe, expect, it } from 'vitest';
import type { FrameInput } from '../../shared/dissect/packet.js';
import { treeLines } from '../../shared/format/tree-text.js';
import { dissectAll, values } from './tcp-builder.js';

function frame(num: number, hex: string, origLen: number): FrameInput {
  const data = Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
  return { num, tsSec: num, tsNsec: 0, capLen: data.length, origLen, linkType: 1, interfaceId: 0, data };
}

/** UDP whose length field (24) exceeds IP's payload (20); 54 of 60 bytes captured, the rest padding. */
const UDP_LONGER_THAN_IP = frame(1, '0011223344556677889900aa08004500002800010000401166c20a0000010a000002' +
  '9c40270f00180000f0f1f2f3f4f5f6f7f8f9fafb', 60);
/** An ICMP echo request, 46 of 60 bytes captured, the rest padding. */
const ICMP_ECHO = frame(2, '0011223344556677889900aa08004500002000010000400166da0a0000010a000002' +
  '080015190001000170717273', 60);
/** An ICMPv6 echo request, 66 of 70 bytes captured, the rest a 4-byte trailer (an FCS). */
const ICMPV6_ECHO = frame(3, '0011223344556677889900aa86dd60000000000c3a40' +
  'fe800000000000000000000000000001fe800000000000000000000000000002800091bf000100017778797a', 70);

describe('UDP and ICMP length on the wire', () => {
  const [udp, icmp, icmpv6] = dissectAll([UDP_LONGER_THAN_IP, ICMP_ECHO, ICMPV6_ECHO]).packets;

  it('checks the UDP length against IP payload length, not the frame', () => {
    expect(udp!.info).toBe('40000 → 9999 [BAD UDP LENGTH 24 > IP PAYLOAD LENGTH] Len=16');
    const lines = treeLines(udp!.tree!);
    expect(lines).toContain('    Length: 24 (bogus, payload length 20)');
    expect(lines).toContain('        [Expert Info (Error/Malformed): Bad length value 24 > IP payload length]');
    expect(values(udp!, 'data.len')).toEqual(['12']);
  });

  it('verifies an ICMP checksum when the whole datagram was captured', () => {
    expect(treeLines(icmp!.tree!)).toContain('    Checksum: 0x1519 [correct]');
    expect(values(icmp!, 'icmp.checksum.status')).toEqual(['1']);
  });

  it('verifies an ICMPv6 checksum when the whole datagram was captured', () => {
    expect(treeLines(icmpv6!.tree!)).toContain('    Checksum: 0x91bf [correct]');
    expect(values(icmpv6!, 'icmpv6.checksum.status')).toEqual(['1']);
  });
});
