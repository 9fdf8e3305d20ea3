/** Names tcpdump prints for numbers it decodes (ethertypes, IP protocols, address families). */

const ETHERTYPES: Readonly<Record<number, string>> = {
  0x0800: 'IPv4',
  0x0806: 'ARP',
  0x8035: 'Reverse ARP',
  0x86dd: 'IPv6',
  0x8100: '802.1Q',
  0x88a8: '802.1Q-QinQ',
  0x9100: '802.1Q-9100',
  0x9200: '802.1Q-9200',
  0x8847: 'MPLS unicast',
  0x8848: 'MPLS multicast',
  0x8863: 'PPPoE D',
  0x8864: 'PPPoE S',
  0x888e: 'EAPOL',
  0x88cc: 'LLDP',
  0x8809: 'Slow Protocols',
  0x88f7: 'PTP',
  0x9000: 'Loopback',
  0x8137: 'IPX',
  0x809b: 'Appletalk',
  0x80f3: 'Appletalk ARP',
};

export function ethertypeName(type: number): string {
  return ETHERTYPES[type] ?? 'Unknown';
}

/** `ethertype IPv4 (0x0800)`, as in -e link lines. */
export function ethertypeText(type: number): string {
  return `ethertype ${ethertypeName(type)} (0x${type.toString(16).padStart(4, '0')})`;
}

/** IP protocol / IPv6 next-header names, as in `proto TCP (6)` and `next-header UDP (17)`. */
const IP_PROTOCOLS: Readonly<Record<number, string>> = {
  0: 'Options',
  1: 'ICMP',
  2: 'IGMP',
  4: 'IPIP',
  6: 'TCP',
  8: 'EGP',
  9: 'IGRP',
  17: 'UDP',
  33: 'DCCP',
  41: 'IPv6',
  43: 'Routing',
  44: 'Fragment',
  46: 'RSVP',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  58: 'ICMPv6',
  59: 'NONE',
  60: 'DSTOPT',
  89: 'OSPF',
  103: 'PIM',
  112: 'VRRP',
  132: 'SCTP',
};

export function ipProtoName(proto: number): string {
  return IP_PROTOCOLS[proto] ?? 'unknown';
}

/** BSD loopback address families, as in `AF IPv4 (2)`; the IPv6 value differs between BSDs. */
export function addressFamilyName(af: number): string {
  switch (af) {
    case 2: return 'IPv4';
    case 24: case 28: case 30: return 'IPv6';
    case 7: return 'OSI';
    case 23: return 'IPX';
    case 16: case 17: return 'Appletalk';
    default: return 'Unknown';
  }
}

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
export function hex2(n: number): string {
  return HEX2[n & 255]!;
}
