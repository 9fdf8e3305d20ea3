/**
 * TCP's segment length is the one on the wire, and whether a segment was cut short is
 * TCP's own buffer's business, not the frame's. The expectations are tshark 4.0's
 * (`tshark -n -r FILE -V` and `-T fields`; the built frames were written to a pcap and read by it).
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FrameInput } from '../../shared/dissect/packet.js';
import { treeLines } from '../../shared/format/tree-text.js';
import { dissectFile, SHARED } from '../support/dissect-file.js';
import { ACK, dissectAll, PSH, tcpFrame, values } from './tcp-builder.js';

/** One frame, 128 of 1296 bytes captured: 40 bytes of a 1208-byte HTTP response segment. */
const CUT_SHORT_HTTP = resolve(SHARED, 'corpus/linktypes/sll/ppp-SllPacket.pcap');
/** An SMTP session captured 68 bytes a frame; the short frames end in 2 bytes of Ethernet padding the capture lost. */
const SNAPLEN_68 = resolve(SHARED, 'corpus/ip-tcp/zeek/tcp-truncated-header.pcap');

/**
 * The frame's IPv4 datagram in two fragments, the first carrying `firstLen` bytes of its payload
 * (a multiple of 8); the second frame had 4 more bytes on the wire than were captured (an FCS).
 */
function fragments(frame: FrameInput, firstLen: number): [FrameInput, FrameInput] {
  const ip = 14, hlen = 20;
  const whole = frame.data;
  const payload = whole.subarray(ip + hlen);
  const part = (num: number, from: number, to: number, more: boolean): FrameInput => {
    const b = new Uint8Array(ip + hlen + to - from);
    b.set(whole.subarray(0, ip + hlen));
    b.set(payload.subarray(from, to), ip + hlen);
    const v = new DataView(b.buffer);
    v.setUint16(ip + 2, hlen + to - from);
    v.setUint16(ip + 6, (more ? 0x2000 : 0) | (from / 8));
    return { ...frame, num, capLen: b.length, origLen: b.length, data: b };
  };
  const last = part(frame.num + 1, firstLen, payload.length, false);
  return [part(frame.num, 0, firstLen, true), { ...last, origLen: last.capLen + 4 }];
}

describe('TCP segment length', () => {
  it('counts the bytes on the wire when the capture cut the segment short (ppp-SllPacket.pcap)', () => {
    const p = dissectFile(CUT_SHORT_HTTP).packets[0]!;
    const lines = treeLines(p.tree!);
    expect(lines).toContain('Transmission Control Protocol, Src Port: 80, Dst Port: 50243, Seq: 1, Ack: 1, Len: 1208');
    expect(values(p, 'tcp.len')).toEqual(['1208']);
    expect(values(p, 'tcp.nxtseq')).toEqual(['1209']);
    expect(values(p, 'tcp.analysis.bytes_in_flight')).toEqual(['1208']);
    // The payload item holds the 40 captured bytes and names the segment's length.
    expect(lines).toContain('    TCP payload (1208 bytes)');
    expect(values(p, 'tcp.payload')[0]).toHaveLength(80);
  });

  it('takes the length from IP, not from the frame, whose padding the capture also cut (tcp-truncated-header.pcap)', () => {
    const ps = dissectFile(SNAPLEN_68).packets;
    const lens = (from: number, to: number): string[] => ps.slice(from - 1, to).map((p) => values(p, 'tcp.len').join());
    // Frame 2: a SYN-ACK, 58 of 60 bytes captured; frames 4, 6, 8: data cut short.
    expect(lens(2, 8)).toEqual(['0', '0', '84', '0', '24', '0', '204']);
    expect(values(ps[7]!, 'tcp.nxtseq')).toEqual(['289']);
    expect(ps[7]!.info).toBe('25 → 60827 [PSH, ACK] Seq=85 Ack=25 Win=58400 Len=204');
    // The sequence numbers follow: no segment looks lost, no ACK acknowledges unseen data.
    expect(ps.slice(1).flatMap((p) => values(p, 'tcp.analysis.flags'))).toEqual([]);
    // Frame 6 kept none of its 24 bytes: tshark shows no payload and reports nothing cut short.
    expect(values(ps[5]!, 'tcp.payload')).toEqual([]);
    expect(treeLines(ps[5]!.tree!).some((l) => l.includes('Packet size limited'))).toBe(false);
  });

  it('reassembles a PDU whose last segment came in IPv4 fragments of a frame cut short after the datagram', () => {
    const request = 'GET / HTTP/1.1\r\nHost: a\r\n';
    const frames = [
      tcpFrame(1, { fromClient: true, seq: 1000, ack: 1, flags: PSH | ACK, payload: request }, 80),
      ...fragments(tcpFrame(2, { fromClient: true, seq: 1000 + request.length, ack: 1, flags: PSH | ACK, payload: 'Accept: */*\r\n\r\n' }, 80), 24),
    ];
    const { packets } = dissectAll(frames);
    const last = packets[2]!;
    expect(last.protocols).toBe('eth:ethertype:ip:tcp:http');
    expect(last.info).toBe('GET / HTTP/1.1 ');
    expect(values(last, 'tcp.reassembled.length')).toEqual([String(request.length + 15)]);
    expect(last.sources.map((s) => s.name)).toEqual(['Frame', 'Reassembled IPv4', 'Reassembled TCP']);
  });
});
