/**
 * Link layers on hand-built frames: Ethernet (padding, trailer, FCS guess,
 * 802.3 lengths, truncation), VLAN tags, Linux cooked capture v1/v2, BSD
 * loopback byte-order guessing and raw IP. Expected values are what tshark 4.0
 * prints for the same bytes (checked by writing them to a pcap and running
 * `tshark -T fields`).
 */
import { describe, expect, it } from 'vitest';
import { dissectFrames, field, hex, type TestFrame } from './net-support.js';
import { Dissection, type Dissected } from '../../shared/dissect/engine.js';
import { guessNullHeader } from '../../shared/dissect/proto/null.js';

function dissectAll(linkType: number, frames: (Uint8Array | TestFrame)[], withTree = true): Dissected[] {
  return dissectFrames(linkType, frames, withTree).packets;
}

const BCAST_FROM_001122 = 'ffffffffffff001122334455';

describe('Ethernet', () => {
  it('shows an unknown ethertype as data, with the type in the Protocol column', () => {
    const [p] = dissectAll(1, [hex(BCAST_FROM_001122 + '88b5' + '68656c6c6f20776f726c64')]);
    expect(p!.protocols).toBe('eth:ethertype:data');
    expect(p!.protocol).toBe('0x88b5');
    expect(p!.info).toBe('Local Experimental Ethertype 1');
    expect(p!.dst).toBe('ff:ff:ff:ff:ff:ff') // Paquet resolves no names: as tshark -n;
    expect(p!.src).toBe('00:11:22:33:44:55');
    expect(field(p!, 'eth.type')).toBe('0x88b5');
    expect(field(p!, 'eth.addr')).toBe('ff:ff:ff:ff:ff:ff,00:11:22:33:44:55');
    expect(field(p!, 'eth.dst.oui')).toBe('16777215');
    expect(field(p!, 'eth.src.oui')).toBe('4386');
    expect(field(p!, 'eth.dst.ig')).toBe('1');
    expect(field(p!, 'eth.ig')).toBe('1,0');
    expect(field(p!, 'data.len')).toBe('11');
  });

  it('marks a frame cut inside the source address malformed, keeping the destination', () => {
    const [p] = dissectAll(1, [hex('ffffffffffff00112233')]);
    expect(p!.malformed).toBe(true);
    expect(p!.dst).toBe('ff:ff:ff:ff:ff:ff');
    expect(p!.src).toBe('');
    expect(p!.info).toContain('[Malformed Packet]');
  });

  it('shows an 802.3 length field and hands the payload to data', () => {
    const [p] = dissectAll(1, [hex(BCAST_FROM_001122 + '0040' + '78'.repeat(64))]);
    expect(field(p!, 'eth.len')).toBe('64');
    expect(field(p!, 'eth.type')).toBe('');
    expect(field(p!, 'data.len')).toBe('64');
  });

  // An ARP request padded with zeros to 60 bytes, then the same with 4 more bytes (an FCS by Wireshark's guess).
  const arpRequest = '0001080006040001' + '001122334455' + '0a000002' + '000000000000' + '0a000001';
  it('takes zero bytes up to 60 as padding', () => {
    const [p] = dissectAll(1, [hex(BCAST_FROM_001122 + '0806' + arpRequest + '00'.repeat(18))]);
    expect(field(p!, 'eth.padding')).toBe('00'.repeat(18));
    expect(field(p!, 'eth.trailer')).toBe('');
    expect(field(p!, 'eth.fcs')).toBe('');
    expect(p!.info).toBe('Who has 10.0.0.1? Tell 10.0.0.2');
  });

  it('guesses an FCS in the last 4 bytes of a 64-byte frame', () => {
    const [p] = dissectAll(1, [hex(BCAST_FROM_001122 + '0806' + arpRequest + '00'.repeat(18) + 'deadbeef')]);
    expect(field(p!, 'eth.padding')).toBe('00'.repeat(18));
    expect(field(p!, 'eth.fcs')).toBe('0xdeadbeef');
    expect(field(p!, 'eth.fcs.status')).toBe('2');
  });

  it('calls non-zero bytes after the payload a trailer, with a note', () => {
    const [p] = dissectAll(1, [hex(BCAST_FROM_001122 + '0806' + arpRequest + '74206672' + '00'.repeat(14))]);
    expect(field(p!, 'eth.padding')).toBe('');
    expect(field(p!, 'eth.trailer')).toBe('74206672' + '00'.repeat(14));
    expect(field(p!, 'eth.padding_bad')).not.toBe('');
  });
});

describe('802.1Q VLAN', () => {
  it('dissects stacked tags, each followed by the ethertype step', () => {
    const ip = '4500001c0001000040117ccd0a0000010a000002' + '04d2162e0008' + '0000';
    const [p] = dissectAll(1, [hex(BCAST_FROM_001122 + '8100' + '200d' + '8100' + '000a' + '0800' + ip)]);
    expect(p!.protocols).toBe('eth:ethertype:vlan:ethertype:vlan:ethertype:ip:udp');
    expect(field(p!, 'vlan.id')).toBe('13,10');
    expect(field(p!, 'vlan.priority')).toBe('1,0');
    expect(field(p!, 'vlan.etype')).toBe('0x8100,0x0800');
    expect(p!.protocol).toBe('UDP');
  });

  it('puts VLAN tag details in Info when nothing above replaces them', () => {
    const [p] = dissectAll(1, [hex(BCAST_FROM_001122 + '8100' + 'a07b' + '88b5' + 'abcd')]);
    expect(p!.protocol).toBe('0x88b5');
    expect(p!.info).toBe('Local Experimental Ethertype 1');
    const [q] = dissectAll(1, [hex(BCAST_FROM_001122 + '8100' + 'a07b')]);
    expect(q!.protocol).toBe('VLAN');
    expect(q!.info).toContain('PRI: 5  DEI: 0  ID: 123');
  });
});

describe('Linux cooked capture', () => {
  const ipUdp = '4500001c0001000040117ccd0a0000010a000002' + '04d2162e0008' + '0000';
  it('v1: packet type, address type, source and the ethertype pseudo-layer', () => {
    const [p] = dissectAll(113, [hex('0004' + '0001' + '0006' + '001122334455' + 'f67f' + '0800' + ipUdp)]);
    expect(p!.protocols).toBe('sll:ethertype:ip:udp');
    expect(field(p!, 'sll.pkttype')).toBe('4');
    expect(field(p!, 'sll.hatype')).toBe('1');
    expect(field(p!, 'sll.halen')).toBe('6');
    expect(field(p!, 'sll.src.eth')).toBe('00:11:22:33:44:55');
    expect(field(p!, 'sll.unused')).toBe('f67f');
    expect(field(p!, 'sll.etype')).toBe('0x0800');
    expect(field(p!, 'sll.ltype')).toBe('');
    expect(p!.src).toBe('10.0.0.1');
  });

  it('v2: interface index and one-byte packet type', () => {
    const [p] = dissectAll(276, [hex('0800' + '0000' + '00000001' + '0304' + '00' + '06' + '000000000000' + '0000' + ipUdp)]);
    expect(p!.protocols).toBe('sll:ethertype:ip:udp');
    expect(field(p!, 'sll.ifindex')).toBe('1');
    expect(field(p!, 'sll.hatype')).toBe('772');
    expect(field(p!, 'sll.pkttype')).toBe('0');
    expect(field(p!, 'sll.etype')).toBe('0x0800');
    expect(field(p!, 'sll.unused')).toBe('0000');
  });

  it('shows a Linux protocol number (not an ethertype) as sll.ltype', () => {
    const [p] = dissectAll(113, [hex('0000' + '0001' + '0006' + '001122334455' + '0000' + '0004' + '424203')]);
    expect(field(p!, 'sll.ltype')).toBe('0x0004');
    expect(field(p!, 'data.len')).toBe('3');
  });
});

describe('BSD loopback', () => {
  const ipUdp = '4500001c0001000040117ccd0a0000010a000002' + '04d2162e0008' + '0000';
  it('guesses the byte order of the family as Wireshark does', () => {
    expect(guessNullHeader(0x02000000)).toBe(2);
    expect(guessNullHeader(0x00000002)).toBe(2);
    expect(guessNullHeader(0x1e000000)).toBe(30);
    // Written big-endian as a 16-bit value: swapped back.
    expect(guessNullHeader(0x00000200)).toBe(2);
    // An ethertype in the low 16 bits stays as is.
    expect(guessNullHeader(0x00000800)).toBe(0x0800);
  });

  it('NULL: family in either byte order reaches IP, without an ethertype layer', () => {
    for (const header of ['02000000', '00000002']) {
      const [p] = dissectAll(0, [hex(header + ipUdp)]);
      expect(p!.protocols).toBe('null:ip:udp');
      expect(field(p!, 'null.family')).toBe('2');
    }
  });

  it('NULL: IPv6 families 24, 28 and 30', () => {
    const ipv6 = '6000000000083b40' + 'fe80' + '00'.repeat(13) + '01' + 'fe80' + '00'.repeat(13) + '02' + '0000000000000000';
    for (const fam of ['18000000', '1c000000', '1e000000']) {
      const [p] = dissectAll(0, [hex(fam + ipv6)]);
      expect(p!.protocols).toBe('null:ipv6:data');
      expect(p!.info).toBe('IPv6 no next header');
    }
  });

  it('LOOP: always big-endian; columns say N/A until a network layer fills them', () => {
    const [p] = dissectAll(108, [hex('00000002' + ipUdp)]);
    expect(p!.protocols).toBe('null:ip:udp');
    // An address family nobody registered: the data layer, and the loopback's own columns.
    const [q] = dissectAll(108, [hex('00000063' + 'abcdef')]);
    expect(field(q!, 'null.family')).toBe('99');
    expect(q!.protocol).toBe('N/A');
    expect(q!.info).toBe('Null/Loopback');
    expect(q!.protocols).toBe('null:data');
  });
});

describe('raw IP', () => {
  const ipUdp = '4500001c0001000040117ccd0a0000010a000002' + '04d2162e0008' + '0000';
  it('LINKTYPE_RAW goes through the raw layer, picking the version', () => {
    const [p] = dissectAll(101, [hex(ipUdp)]);
    expect(p!.protocols).toBe('raw:ip:udp');
    const [q] = dissectAll(12, [hex(ipUdp)]);
    expect(q!.protocols).toBe('raw:ip:udp');
  });
  it('LINKTYPE_IPV4 has no raw layer', () => {
    const [p] = dissectAll(228, [hex(ipUdp)]);
    expect(p!.protocols).toBe('ip:udp');
  });
});

describe('fast path', () => {
  it('computes the same columns and layers without a tree', () => {
    const frames = [
      hex(BCAST_FROM_001122 + '0806' + '0001080006040001' + '001122334455' + '0a000002' + '000000000000' + '0a000001'),
      hex(BCAST_FROM_001122 + '8100' + '200d' + '0800' + '4500001c0001000040117ccd0a0000010a000002' + '04d2162e0008' + '0000'),
    ];
    const full = dissectAll(1, frames, true);
    const fast = dissectAll(1, frames, false);
    for (let i = 0; i < frames.length; i++) {
      expect(fast[i]!.tree).toBeNull();
      expect([fast[i]!.protocol, fast[i]!.info, fast[i]!.src, fast[i]!.dst, fast[i]!.protocols])
        .toEqual([full[i]!.protocol, full[i]!.info, full[i]!.src, full[i]!.dst, full[i]!.protocols]);
    }
  });
});
