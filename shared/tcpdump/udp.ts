/** UDP: `src.port > dst.port: UDP, length N`, or the DNS / BOOTP text on their ports. */
import { transportChecksum, type NetworkInfo } from './checksum.js';
import { printBootp } from './bootp.js';
import { printDns } from './dns.js';
import { intField, type PacketText } from './packet.js';

export function printUdp(p: PacketText, off: number, len: number, net: NetworkInfo, portsOnly = false): void {
  const node = p.layer('udp', off);
  p.need(off, 4, 'udp');
  const sport = intField(node, 'udp.srcport', () => p.u16(off, 'udp'));
  const dport = intField(node, 'udp.dstport', () => p.u16(off + 2, 'udp'));
  p.put(portsOnly ? `${sport} > ${dport}: ` : `${net.src}.${sport} > ${net.dst}.${dport}: `);
  p.need(off, 8, 'udp');
  const ulen = intField(node, 'udp.length', () => p.u16(off + 4, 'udp'));
  if (ulen < 8) {
    p.put(`truncated-udp ${len}`);
    return;
  }
  // A first fragment carries less than the UDP length says; tcpdump only objects when the datagram is whole.
  if (ulen > len && !net.fragmented) {
    p.put(`truncated-udp - ${ulen - len} bytes missing!`);
    return;
  }
  const stored = p.u16(off + 6, 'udp');
  // tcpdump checks UDP checksums with -v over IPv6 (where they are mandatory) but only with -vv over IPv4.
  const check = net.version === 6 ? p.verbose > 0 : p.verbose > 1;
  if (check && !net.fragmented && p.captured(off, ulen)) {
    if (net.version === 4 && stored === 0) {
      p.put('[no cksum] ');
    } else {
      const should = transportChecksum(p, net, 17, off, ulen, off + 6);
      p.put(should === stored || (should === 0 && stored === 0xffff) ? '[udp sum ok] ' : `[bad udp cksum 0x${stored.toString(16).padStart(4, '0')} -> 0x${should.toString(16).padStart(4, '0')}!] `);
    }
  }
  const payload = ulen - 8;
  // Application printers get what this datagram (a fragment, maybe) carries; the generic line tells the UDP length.
  const carried = Math.min(ulen, len) - 8;
  const port = (n: number) => sport === n || dport === n;
  if (port(67) || port(68)) printBootp(p, off + 8, carried);
  else if (port(53)) printDns(p, off + 8, carried, false);
  else if (port(123)) printNtp(p, off + 8, carried);
  else if (port(5353)) printDns(p, off + 8, carried, true);
  else p.put(`UDP, length ${payload}`);
}

const NTP_MODES = ['unspecified', 'symmetric active', 'symmetric passive', 'Client', 'Server', 'Broadcast', 'Control Message', 'Reserved'];

/** NTP's summary: version, mode and length (the -v details are not reproduced). */
function printNtp(p: PacketText, off: number, len: number): void {
  const first = p.u8(off, 'ntp');
  p.put(`NTPv${(first >> 3) & 7}, ${NTP_MODES[first & 7]}, length ${len}`);
}
