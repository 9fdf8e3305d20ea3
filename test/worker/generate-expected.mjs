#!/usr/bin/env node
// Regenerates test/worker/expected/colors.json: Wireshark's colouring rule for every packet of a few
// captures (`tshark --color -T fields -e frame.coloring_rule.name`, with the default colorfilters), and
// frame.protocols, which the row-colour test needs for Paquet's own additions (WebSocket, DNS, TLS).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
export const COLOR_CAPTURES = [
  '../shared/captures/workerman-chat-7272.pcap',
  '../shared/corpus/http/zeek/post.pcap',
  '../shared/corpus/arp/zeek/arp-who-has.pcap',
  '../shared/corpus/tcpdump/icmpv6-rfc7112.pcap',
  '../shared/corpus/tcpdump/dns_udp.pcap',
  '../shared/corpus/icmp/pcapplusplus/IcmpPackets.pcap',
  '../shared/corpus/icmp/zeek/icmp-timeexceeded.pcap',
  '../shared/corpus/dns/pcapplusplus/dns_over_tcp.pcapng',
];

const version = execFileSync('tshark', ['--version'], { encoding: 'utf8' }).split('\n')[0];
const captures = {};
for (const path of COLOR_CAPTURES) {
  const out = execFileSync('tshark', ['-n', '-r', join(repo, path), '--color', '-T', 'fields', '-e', 'frame.coloring_rule.name', '-e', 'frame.protocols'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  // One [rule, frame.protocols] pair per packet, in frame order.
  captures[path] = out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}
const body = Object.entries(captures)
  .map(([path, rows]) => `  ${JSON.stringify(path)}: [\n${rows.map((r) => '   ' + JSON.stringify(r)).join(',\n')}\n  ]`)
  .join(',\n');
writeFileSync(join(here, 'expected', 'colors.json'), `{\n "generatedBy": ${JSON.stringify(version)},\n "captures": {\n${body}\n }\n}\n`);
