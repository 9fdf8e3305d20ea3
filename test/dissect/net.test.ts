/**
 * IPv4, IPv6, ARP, ICMP, ICMPv6 and UDP on hand-built frames. Each expectation
 * is what tshark 4.0 printed for the same frames written to a pcap (single
 * pass, default preferences), e.g. `tshark -T fields -e _ws.col.Info`.
 */
import { describe, expect, it } from 'vitest';
import { dissectFrames, field, hex, netRegistry, testFrame } from './net-support.js';
import { Dissection, type Dissected } from '../../shared/dissect/engine.js';
import { internetChecksum } from '../../shared/dissect/proto/icmp-checksum.js';

function cat(...parts: (Uint8Array | string)[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'string' ? hex(p) : p));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) { out.set(a, o); o += a.length; }
  return out;
}
function u16(v: number): string { return v.toString(16).padStart(4, '0'); }
function ascii(s: string): Uint8Array { return Uint8Array.from(s, (c) => c.charCodeAt(0)); }

// Frame builders mirroring the ones used to make the tshark reference pcaps.
const ETH_HDR = '020000000002' + '020000000001';
function ether(type: string, payload: Uint8Array): Uint8Array { return cat(ETH_HDR, type, payload); }
function ip4(proto: number, payload: Uint8Array, o: { src?: string; dst?: string; id?: number; frag?: number; ttl?: number } = {}): Uint8Array {
  const hdr = hex('4500' + u16(20 + payload.length) + u16(o.id ?? 1) + u16(o.frag ?? 0) + (o.ttl ?? 64).toString(16).padStart(2, '0') +
    proto.toString(16).padStart(2, '0') + '0000' + (o.src ?? '0a000001') + (o.dst ?? '0a000002'));
  const sum = internetChecksum(hdr, 0, 20);
  hdr[10] = sum >> 8; hdr[11] = sum & 0xff;
  return cat(hdr, payload);
}
function icmp4(type: number, code: number, rest: string, body: Uint8Array): Uint8Array {
  const m = cat(type.toString(16).padStart(2, '0') + code.toString(16).padStart(2, '0') + '0000' + rest, body);
  const sum = internetChecksum(m, 0, m.length);
  m[2] = sum >> 8; m[3] = sum & 0xff;
  return m;
}
const LL1 = 'fe80' + '00'.repeat(13) + '01';
const LL2 = 'fe80' + '00'.repeat(13) + '02';
function ip6(nxt: number, payload: Uint8Array, src = LL1, dst = LL2, hlim = 64): Uint8Array {
  return cat('60000000' + u16(payload.length) + nxt.toString(16).padStart(2, '0') + hlim.toString(16).padStart(2, '0') + src + dst, payload);
}
function icmp6(type: number, code: number, body: Uint8Array, src = LL1, dst = LL2): Uint8Array {
  const m = cat(type.toString(16).padStart(2, '0') + code.toString(16).padStart(2, '0') + '0000', body);
  const pseudo: number[] = [];
  for (const a of [hex(src), hex(dst)]) for (let i = 0; i < 16; i += 2) pseudo.push((a[i]! << 8) | a[i + 1]!);
  pseudo.push(0, m.length, 0, 58);
  const sum = internetChecksum(m, 0, m.length, -1, pseudo);
  m[2] = sum >> 8; m[3] = sum & 0xff;
  return m;
}
function udpHdr(sport: number, dport: number, len: number, sum: number): string { return u16(sport) + u16(dport) + u16(len) + u16(sum); }

function dissectAll(frames: Uint8Array[], withTree = true): { packets: Dissected[]; d: Dissection; frames: Uint8Array[] } {
  return { ...dissectFrames(1, frames, withTree), frames };
}
const input = (f: Uint8Array, i: number) => testFrame(1, f, i);
describe('IPv4', () => {
  const udpPayload = ascii('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345');
  const datagram = cat(udpHdr(40001, 40002, 40, 0x1111), udpPayload);
  const frags = [
    ether('0800', ip4(17, datagram.subarray(0, 16), { id: 0x77, frag: 0x2000 })),
    ether('0800', ip4(17, datagram.subarray(16, 32), { id: 0x77, frag: 0x2002 })),
    ether('0800', ip4(17, datagram.subarray(32), { id: 0x77, frag: 0x0004 })),
  ];

  it('shows the header with the checksum unverified, as by default', () => {
    const { packets: [p] } = dissectAll([frags[0]!]);
    expect(field(p!, 'ip.len')).toBe('36');
    expect(field(p!, 'ip.id')).toBe('0x0077');
    expect(field(p!, 'ip.flags')).toBe('0x01');
    expect(field(p!, 'ip.flags.mf')).toBe('1');
    expect(field(p!, 'ip.checksum.status')).toBe('2');
    expect(field(p!, 'ip.addr')).toBe('10.0.0.1,10.0.0.2');
    expect(field(p!, 'ip.hdr_len')).toBe('20');
  });

  it('reassembles in-order fragments in the frame that completes the datagram', () => {
    const { packets } = dissectAll(frags);
    expect(packets.map((p) => p.info)).toEqual([
      'Fragmented IP protocol (proto=UDP 17, off=0, ID=0077)',
      'Fragmented IP protocol (proto=UDP 17, off=16, ID=0077)',
      '40001 \u2192 40002 Len=32',
    ]);
    expect(packets.map((p) => p.protocols)).toEqual(['eth:ethertype:ip:data', 'eth:ethertype:ip:data', 'eth:ethertype:ip:udp:data']);
    const last = packets[2]!;
    expect(field(last, 'ip.fragment')).toBe('1,2,3');
    expect(field(last, 'ip.reassembled.length')).toBe('40');
    expect(field(last, 'udp.length')).toBe('40');
    expect(field(last, 'data.len')).toBe('32');
    expect(field(packets[0]!, 'ip.frag_offset')).toBe('0');
    expect(field(packets[1]!, 'ip.frag_offset')).toBe('2');
    expect(last.sources.length).toBe(2);
  });

  it('gives the same answer when a reassembled frame is dissected again', () => {
    const { packets, d } = dissectAll(frags);
    const again = d.dissect(input(frags[2]!, 2), true);
    expect(again.info).toBe(packets[2]!.info);
    expect(field(again, 'ip.fragment')).toBe('1,2,3');
    const first = d.dissect(input(frags[0]!, 0), true);
    expect(first.info).toBe(packets[0]!.info);
  });

  it('reports a header length under 20 and stops there', () => {
    const b = ip4(17, hex(udpHdr(1, 2, 8, 0)));
    b[0] = 0x44;
    const { packets: [p] } = dissectAll([ether('0800', b)]);
    expect(p!.info).toBe('Bogus IP header length (16, must be at least 20)');
    expect(field(p!, 'ip.hdr_len')).toBe('16');
    expect(p!.src).toBe('02:00:00:00:00:01');
    expect(p!.protocols).toBe('eth:ethertype:ip');
  });

  it('takes a zero total length as TCP segmentation offload', () => {
    const b = ip4(17, cat(udpHdr(1, 2, 12, 0), ascii('abcd')));
    b[2] = 0; b[3] = 0;
    const { packets: [p] } = dissectAll([ether('0800', b)]);
    expect(field(p!, 'ip.len')).toBe('32');
    expect(p!.info).toBe('1 \u2192 2 Len=4');
    expect(field(p!, 'data.len')).toBe('4');
  });
});

describe('UDP', () => {
  const frames = [
    ether('0800', ip4(17, cat(udpHdr(1234, 5678, 12, 0), ascii('abcd')))),
    ether('0800', ip4(17, cat(udpHdr(1234, 5678, 4, 0x1111), ascii('abcd')))),
    ether('0800', ip4(17, cat(udpHdr(1234, 5678, 40, 0x1111), ascii('abcd')))),
    ether('0800', ip4(17, cat(udpHdr(5678, 1234, 12, 0x2222), ascii('efgh')))),
    ether('0800', ip4(17, hex(udpHdr(1, 2, 8, 0)))),
  ];
  const { packets } = dissectAll(frames);

  it('writes Info as tshark does, including bad lengths', () => {
    expect(packets.map((p) => p.info)).toEqual([
      '1234 \u2192 5678 Len=4',
      '1234 \u2192 5678 [BAD UDP LENGTH 4 < 8]',
      '1234 \u2192 5678 [BAD UDP LENGTH 40 > IP PAYLOAD LENGTH] Len=32',
      '5678 \u2192 1234 Len=4',
      '1 \u2192 2 Len=0',
    ]);
  });

  it('numbers conversations in order of appearance and times them', () => {
    expect(packets.map((p) => field(p, 'udp.stream'))).toEqual(['0', '', '0', '1', '2']);
    expect(field(packets[2]!, 'udp.time_relative')).toBe('2.000000000');
    expect(field(packets[2]!, 'udp.time_delta')).toBe('2.000000000');
    expect(field(packets[4]!, 'udp.time_relative')).toBe('');
  });

  it('keeps stream numbers and times when a frame is dissected again', () => {
    const { d } = dissectAll(frames);
    const again = d.dissect(input(frames[3]!, 3), true);
    expect(field(again, 'udp.stream')).toBe('1');
    const third = d.dissect(input(frames[2]!, 2), true);
    expect(field(third, 'udp.time_delta')).toBe('2.000000000');
  });

  it('shows a zero checksum over IPv4 as not present', () => {
    expect(packets.map((p) => field(p, 'udp.checksum.status'))).toEqual(['3', '', '2', '2', '3']);
    expect(field(packets[2]!, 'udp.payload')).toBe('61626364');
  });
});

describe('ICMP', () => {
  const ping = ascii('0123456789abcdef');
  const req = icmp4(8, 0, '12340001', ping);
  const rep = icmp4(0, 0, '12340001', ping);
  const bad = req.slice();
  bad[2]! ^= 0xff;
  const { packets } = dissectAll([
    ether('0800', ip4(1, req)),
    ether('0800', ip4(1, rep, { src: '0a000002', dst: '0a000001', ttl: 60 })),
    ether('0800', ip4(1, bad)),
  ]);

  it('echo Info with both byte orders of the sequence and the TTL', () => {
    expect(packets.map((p) => p.info)).toEqual([
      'Echo (ping) request  id=0x1234, seq=1/256, ttl=64',
      'Echo (ping) reply    id=0x1234, seq=1/256, ttl=60 (request in 1)',
      'Echo (ping) request  id=0x1234, seq=1/256, ttl=64',
    ]);
    expect(field(packets[0]!, 'icmp.seq')).toBe('1');
    expect(field(packets[0]!, 'icmp.seq_le')).toBe('256');
    expect(field(packets[1]!, 'icmp.resp_to')).toBe('1');
    expect(packets[0]!.protocols).toBe('eth:ethertype:ip:icmp:data');
    expect(field(packets[0]!, 'data.len')).toBe('16');
  });

  it('matches the reply to its request again when the reply is dissected on its own later', () => {
    const frames = [ether('0800', ip4(1, req)), ether('0800', ip4(1, rep, { src: '0a000002', dst: '0a000001', ttl: 60 }))];
    const { d } = dissectAll(frames);
    const again = d.dissect(input(frames[1]!, 1), true);
    expect(again.info).toBe('Echo (ping) reply    id=0x1234, seq=1/256, ttl=60 (request in 1)');
    expect(field(again, 'icmp.resp_to')).toBe('1');
  });

  it('verifies the checksum', () => {
    expect(packets.map((p) => field(p, 'icmp.checksum.status'))).toEqual(['1', '1', '0']);
  });

  it('dissects the quoted datagram without touching the columns', () => {
    const inner = ip4(17, cat(udpHdr(40000, 40003, 20, 0x2222), ascii('quer')), { src: '0a000002', dst: '08080808' });
    const { packets: [p] } = dissectAll([ether('0800', ip4(1, icmp4(3, 3, '00000000', inner), { src: '08080808', dst: '0a000002' }))]);
    expect(p!.protocols).toBe('eth:ethertype:ip:icmp:ip:udp:data');
    expect(p!.protocol).toBe('ICMP');
    expect(p!.info).toBe('Destination unreachable (Port unreachable)');
    expect([p!.src, p!.dst]).toEqual(['8.8.8.8', '10.0.0.2']);
    expect(field(p!, 'ip.len')).toBe('60,32');
    expect(field(p!, 'udp.length')).toBe('20');
    expect(field(p!, 'udp.stream')).toBe('0');
    expect(field(p!, 'data.len')).toBe('4');
  });
});

describe('IPv6 and ICMPv6', () => {
  const ns = icmp6(135, 0, cat('00000000', LL2, '0101001122334455'));
  const na = icmp6(136, 0, cat('60000000', LL1, '0201001122334455'), LL2, LL1);
  const echo = icmp6(128, 0, cat('00070003', ascii('hi!!')));
  const { packets } = dissectAll([
    ether('86dd', ip6(58, ns)),
    ether('86dd', ip6(58, na, LL2, LL1)),
    ether('86dd', ip6(58, echo, LL1, LL2, 255)),
  ]);

  it('Neighbor Discovery and echo Info', () => {
    expect(packets.map((p) => p.info)).toEqual([
      'Neighbor Solicitation for fe80::2 from 00:11:22:33:44:55',
      'Neighbor Advertisement fe80::1 (sol, ovr) is at 00:11:22:33:44:55',
      'Echo (ping) request id=0x0007, seq=3, hop limit=255',
    ]);
    expect(packets.map((p) => field(p, 'icmpv6.checksum.status'))).toEqual(['1', '1', '1']);
    expect(packets.map((p) => p.protocols)).toEqual(['eth:ethertype:ipv6:icmpv6', 'eth:ethertype:ipv6:icmpv6', 'eth:ethertype:ipv6:icmpv6:data']);
    expect([packets[0]!.src, packets[0]!.dst]).toEqual(['fe80::1', 'fe80::2']);
    expect(field(packets[0]!, 'icmpv6.opt.linkaddr')).toBe('00:11:22:33:44:55');
  });

  it('reassembles fragments behind a Fragment header', () => {
    const datagram = cat(udpHdr(1000, 2000, 32, 0x3333), ascii('x'.repeat(24)));
    const f1 = cat('11000001' + '0000abcd', datagram.subarray(0, 16));
    const f2 = cat('11000010' + '0000abcd', datagram.subarray(16));
    const { packets: [a, b] } = dissectAll([ether('86dd', ip6(44, f1)), ether('86dd', ip6(44, f2))]);
    expect(a!.info).toBe('IPv6 fragment (off=0 more=y ident=0x0000abcd nxt=17)');
    expect(a!.protocols).toBe('eth:ethertype:ipv6:ipv6.fraghdr:data');
    expect(b!.info).toBe('1000 \u2192 2000 Len=24');
    expect(b!.protocols).toBe('eth:ethertype:ipv6:ipv6.fraghdr:udp:data');
    expect(field(b!, 'ipv6.fragment')).toBe('1,2');
    expect(a!.protocol).toBe('IPv6');
  });

  it('leaves a packet with another version to data, as tshark does', () => {
    const bogus = ip6(58, echo);
    bogus[0] = 0x00;
    const { packets: [p] } = dissectAll([ether('86dd', bogus)]);
    expect(p!.protocols).toBe('eth:ethertype:data');
    expect(p!.protocol).toBe('0x86dd');
    expect(p!.info).toBe('IPv6');
  });
});

describe('ARP', () => {
  const frames = [
    ether('0806', hex('0001080006040002' + '001122334455' + '0a000001' + '66778899aabb' + '0a000002')),
    ether('0806', hex('0001080006040001' + '001122334455' + '0a000002' + 'ffffffffffff' + '0a000002')),
    ether('0806', hex('0001080006040001' + '001122334455' + '00000000' + '000000000000' + '0a000009')),
    ether('0806', hex('0001080006040001' + '001122334455' + '0a000003' + '000000000000' + '0a000003')),
  ];
  it('words Info like tshark, including the duplicate-address check', () => {
    const { packets } = dissectAll(frames);
    expect(packets.map((p) => p.info)).toEqual([
      '10.0.0.1 is at 00:11:22:33:44:55',
      'Gratuitous ARP for 10.0.0.2 (Request) (duplicate use of 10.0.0.2 detected!)',
      'Who has 10.0.0.9? (ARP Probe)',
      'ARP Announcement for 10.0.0.3',
    ]);
    expect(packets.map((p) => field(p, 'arp.isgratuitous'))).toEqual(['', '1', '', '1']);
    expect(packets.map((p) => field(p, 'arp.opcode'))).toEqual(['2', '1', '1', '1']);
    expect(field(packets[0]!, 'arp.src.proto_ipv4')).toBe('10.0.0.1');
    expect(packets[0]!.src).toBe('02:00:00:00:00:01');
  });

  it('computes the same Info on the fast path', () => {
    const fast = dissectAll(frames, false).packets.map((p) => p.info);
    expect(fast).toEqual(dissectAll(frames, true).packets.map((p) => p.info));
  });
});

describe('malformed input', () => {
  it('never lets an error escape, whatever the bytes', () => {
    // Every prefix of a layered frame: each cut lands in a different layer.
    const full = ether('0800', ip4(1, icmp4(3, 3, '00000000', ip4(17, cat(udpHdr(1, 2, 20, 0), ascii('abcdefghijkl'))))));
    const d = new Dissection(netRegistry());
    for (let n = 1; n <= full.length; n++) {
      const f = full.subarray(0, n);
      expect(() => d.dissect({ ...input(f, n - 1), origLen: n }, true)).not.toThrow();
    }
    // The same cuts as a snapshot length would make them (more bytes on the wire than captured).
    const s = new Dissection(netRegistry());
    for (let n = 1; n <= full.length; n++) {
      const p = s.dissect({ ...input(full.subarray(0, n), n - 1), origLen: full.length }, n % 2 === 0);
      expect(p.num).toBe(n);
    }
  });
});
