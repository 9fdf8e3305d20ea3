// What test/cli compares with tshark: the captures, the field sets, the -E
// variants and the command-line mistakes. Shared by generate-expected.mjs
// (which runs tshark) and the tests (which run paquet), so both use the same
// arguments. Paths are relative to the repository root.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const CHAT = '../shared/captures/workerman-chat-7272.pcap';

/** Field sets for -T fields; tshark knows every name, Paquet once the dissector is in. */
export const FIELD_SETS = {
  chat: [
    'frame.number', 'frame.len', 'frame.protocols', 'sll.pkttype', 'ip.src', 'ip.dst', 'ip.addr', 'ip.flags',
    'tcp.srcport', 'tcp.dstport', 'tcp.port', 'tcp.flags', 'tcp.flags.syn', 'tcp.option_kind', 'tcp.options',
    'http.request.method', 'http.request.line', 'http.response.code', 'websocket.opcode', 'websocket.masking_key',
    'websocket.payload', 'tcp', 'frame', '_ws.col.Protocol', '_ws.col.Info', '_ws.col.Time', '_ws.col.unknown',
  ],
  link: ['frame.number', 'frame.protocols', 'eth.src', 'eth.dst', 'eth.type', 'arp.opcode', 'arp.src.proto_ipv4', 'arp.dst.proto_ipv4', '_ws.col.Source', '_ws.col.Info'],
  http: ['frame.number', 'http.request.uri', 'http.user_agent', 'http.request.line', '_ws.col.Info'],
  strings: ['frame.number', 'http.request.uri', 'http.host', 'http.user_agent', 'http.referer', 'http.request.line', 'dns.txt', '_ws.col.Info'],
  ip: ['frame.number', 'frame.protocols', 'ip.src', 'ipv6.src', 'ipv6.dst', 'udp.srcport', 'udp.dstport', 'dns.qry.name', 'dns.a', 'icmpv6.type', '_ws.col.Destination', '_ws.col.Info'],
};

/** A display filter per field set, for -Y comparisons (each keeps some packets and drops others where it can). */
export const FILTERS = {
  chat: 'websocket || tcp.flags.syn == 1',
  link: 'arp.opcode == 1 || eth.type != 0x0806',
  ip: 'udp.srcport == 53 || icmpv6',
  http: 'http.request',
  strings: 'http.referer == "r" || dns.txt contains "\\t"',
};

export const CAPTURES = [
  { slug: 'chat', path: CHAT, fieldSet: 'chat' },
  { slug: 'arp-who-has', path: '../shared/corpus/arp/zeek/arp-who-has.pcap', fieldSet: 'link' },
  { slug: 'icmpv6-rfc7112', path: '../shared/corpus/tcpdump/icmpv6-rfc7112.pcap', fieldSet: 'ip' },
  { slug: 'dns-udp', path: '../shared/corpus/tcpdump/dns_udp.pcap', fieldSet: 'ip' },
  { slug: 'nanosecs', path: '../shared/corpus/pcap-format/pcapplusplus/nanosecs.pcap', fieldSet: 'link' },
  { slug: 'null-dns-svcb', path: '../shared/corpus/linktypes/null/zeek-dns-svcb.pcap', fieldSet: 'ip' },
  { slug: 'arp-vlan', path: '../shared/corpus/arp/pcapplusplus/ArpRequestWithVlan.pcap', fieldSet: 'link' },
  // Short TCP headers: the malformed expert's own item (_ws.malformed.expert) in every output.
  { slug: 'malformed-tcp', path: '../shared/corpus/ip-tcp/pcapplusplus/tcp-malformed.pcap', fieldSet: 'ip' },
  { slug: 'empty', path: '../shared/corpus/pcap-format/arkime/empty.pcap', fieldSet: 'ip' },
  { slug: 'long-info', path: 'test/tmp/dns-450-answers.pcap', fieldSet: 'ip' },
  { slug: 'long-labels', path: 'test/tmp/http-long-labels.pcap', fieldSet: 'http' },
  { slug: 'odd-strings', path: 'test/tmp/odd-strings.pcap', fieldSet: 'strings' },
  // Link type 147 (USER0): tshark leaves Source, Destination, Protocol and Info empty. Only the
  // formatter tests use it (Paquet has no user_dlt dissector, so the whole output cannot agree).
  { slug: 'empty-columns', path: 'test/tmp/user0.pcap', fieldSet: 'link', formatOnly: true },
];

/** Bytes that never occur in field values: -T fields separator and aggregator for exact splitting. */
export const RAW_SEPARATOR = '\u0002';
export const RAW_AGGREGATOR = '\u0001';

export const COLUMN_FIELDS = ['_ws.col.No.', '_ws.col.Time', '_ws.col.Source', '_ws.col.Destination', '_ws.col.Protocol', '_ws.col.Length', '_ws.col.Info'];

/** -E combinations checked against tshark. */
export const OPTION_VARIANTS = [
  { slug: 'default', options: [] },
  { slug: 'header', options: ['header=y'] },
  { slug: 'first', options: ['occurrence=f'] },
  { slug: 'last', options: ['occurrence=l', 'header=yes'] },
  { slug: 'space-comma', options: ['separator=/s', 'aggregator=/s'] },
  { slug: 'quote-double', options: ['quote=d', 'header=y'] },
  { slug: 'quote-single-comma', options: ['quote=s', 'separator=,'] },
  { slug: 'chars', options: ['separator=|x', 'aggregator=;', 'quote=n'] },
  { slug: 'slash-other', options: ['separator=/q', 'occurrence=a'] },
  { slug: 'bom', options: ['bom=y', 'header=y'] },
];

/** Every tshark -t format. */
export const TIME_FORMATS = ['r', 'a', 'ad', 'adoy', 'd', 'dd', 'e', 'u', 'ud', 'udoy'];

export const TRUNCATED = 'test/tmp/chat-truncated.pcap';
/** A DNS response with 450 answers: its Info column is longer than the 4095 bytes tshark keeps. */
export const LONG_INFO = 'test/tmp/dns-450-answers.pcap';
export const USER0 = 'test/tmp/user0.pcap';
/** An HTTP request whose URI and User-Agent are longer than a tree label may be. */
export const LONG_LABELS = 'test/tmp/http-long-labels.pcap';
export const LONG_URI = '/' + 'a'.repeat(300);
export const LONG_USER_AGENT = '\u00e9'.repeat(150);
/** String fields holding control characters (not the raw separators 0x01, 0x02), backslashes, a NUL and bytes past 0x7f (valid and invalid UTF-8). */
export const ODD_STRINGS = 'test/tmp/odd-strings.pcap';
export const NOT_A_CAPTURE = 'test/tmp/not-a-capture.bin';
/** The chat capture gzip-compressed, and that cut off inside its deflate stream. */
export const GZIP = 'test/tmp/chat.pcap.gz';
export const GZIP_CUT = 'test/tmp/chat-cut.pcap.gz';

/** Files the error cases need, made from the chat capture (and deterministic bytes) under test/tmp. */
export function makeFixtures(repo) {
  mkdirSync(join(repo, 'test/tmp'), { recursive: true });
  const chat = readFileSync(join(repo, CHAT));
  writeFileSync(join(repo, TRUNCATED), chat.subarray(0, 3000));
  // level 9 so the bytes (and the cut) do not depend on zlib's default
  const gz = gzipSync(chat, { level: 9 });
  writeFileSync(join(repo, GZIP), gz);
  writeFileSync(join(repo, GZIP_CUT), gz.subarray(0, 1500));
  const junk = new Uint8Array(100);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 37 + 11) & 0xff;
  writeFileSync(join(repo, NOT_A_CAPTURE), junk);
  writeFileSync(join(repo, LONG_INFO), longInfoCapture());
  writeFileSync(join(repo, LONG_LABELS), longLabelCapture());
  writeFileSync(join(repo, ODD_STRINGS), oddStringsCapture());
  writeFileSync(join(repo, USER0), pcap(147, [[1, 0, [1, 2, 3, 4]], [2, 5, [1, 2, 3, 4]]]));
}

/** A classic little-endian microsecond pcap: records as [seconds, microseconds, bytes]. */
function pcap(linkType, records) {
  const le = (n, bytes) => Array.from({ length: bytes }, (_, i) => (n >>> (8 * i)) & 255);
  const out = [...le(0xa1b2c3d4, 4), ...le(2, 2), ...le(4, 2), ...le(0, 4), ...le(0, 4), ...le(262144, 4), ...le(linkType, 4)];
  for (const [sec, usec, data] of records) out.push(...le(sec, 4), ...le(usec, 4), ...le(data.length, 4), ...le(data.length, 4), ...data);
  return Buffer.from(out);
}

const be16 = (n) => [(n >> 8) & 255, n & 255];
const be32 = (n) => [...be16(n >>> 16), ...be16(n & 0xffff)];

const OUI_MACS = [0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb];
/** Locally administered addresses: tshark -T json names no vendor for them (Paquet has no OUI table). */
const LOCAL_MACS = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];

/** Ethernet + IPv4 (checksum filled in) around an IP payload. */
function ethIpv4(protocol, payload, macs = OUI_MACS) {
  const ip = [0x45, 0, ...be16(20 + payload.length), 0, 1, 0, 0, 64, protocol, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += (ip[i] << 8) | ip[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  [ip[10], ip[11]] = be16(~sum & 0xffff);
  return [...macs, 8, 0, ...ip, ...payload];
}

/** One TCP segment to port 80 carrying a GET with a long URI and a long UTF-8 User-Agent. */
function longLabelCapture() {
  const http = Buffer.from(`GET ${LONG_URI} HTTP/1.1\r\nUser-Agent: ${LONG_USER_AGENT}\r\n\r\n`, 'utf8');
  const tcp = [...be16(40000), ...be16(80), ...be32(1), ...be32(1), 0x50, 0x18, ...be16(65535), 0, 0, 0, 0, ...http];
  return pcap(1, [[1, 0, ethIpv4(6, tcp)]]);
}

/**
 * An HTTP request whose header values hold control characters, backslashes, a NUL (the value ends
 * there) and bytes past 0x7f; then a DNS response with such TXT strings.
 */
function oddStringsCapture() {
  const http = Buffer.from('GET /p\x03q\x80r HTTP/1.1\r\nHost: h\x1bo\x7fst\\x\r\n' +
    'User-Agent: a\tb\\c\x03d\x08e\x0cf\x0bg\x07h\xc3\xa9i\xffj\r\nReferer: r\x00s\r\n\r\n', 'latin1');
  const tcp = [...be16(40000), ...be16(80), ...be32(1), ...be32(1), 0x50, 0x18, ...be16(65535), 0, 0, 0, 0, ...http];
  const texts = ['a\tb\x03c\\d\re\nf', 'g\x00h', 'i\xc3\xa9j\xffk'].map((t) => Buffer.from(t, 'latin1'));
  const rdata = texts.flatMap((t) => [t.length, ...t]);
  const dns = [...be16(0x1234), ...be16(0x8180), ...be16(1), ...be16(1), 0, 0, 0, 0,
    7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0, ...be16(16), ...be16(1),
    0xc0, 0x0c, ...be16(16), ...be16(1), ...be32(60), ...be16(rdata.length), ...rdata];
  const udp = [...be16(53), ...be16(5353), ...be16(8 + dns.length), 0, 0, ...dns];
  return pcap(1, [[1, 0, ethIpv4(6, tcp, LOCAL_MACS)], [2, 0, ethIpv4(17, udp, LOCAL_MACS)]]);
}

/** Ethernet/IPv4/UDP/DNS: a response for example.com with 450 A records (10.0.x.y). */
function longInfoCapture() {
  const answers = 450;
  const dns = [...be16(0x1234), ...be16(0x8180), ...be16(1), ...be16(answers), 0, 0, 0, 0,
    7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0, ...be16(1), ...be16(1)];
  for (let i = 0; i < answers; i++) dns.push(0xc0, 0x0c, ...be16(1), ...be16(1), ...be32(60), ...be16(4), 10, 0, i >> 8, i & 255);
  const udp = [...be16(53), ...be16(5353), ...be16(8 + dns.length), 0, 0, ...dns];
  return pcap(1, [[1, 0, ethIpv4(17, udp)]]);
}

export const ERROR_CASES = [
  { name: 'missing file', args: ['-r', '../shared/no-such-file.pcap'] },
  { name: 'directory', args: ['-r', 'test'] },
  { name: 'not a capture', args: ['-r', NOT_A_CAPTURE] },
  { name: 'truncated capture', args: ['-r', TRUNCATED] },
  { name: 'gzip capture', args: ['-r', GZIP, '-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Info'] },
  { name: 'cut gzip capture', args: ['-r', GZIP_CUT, '-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Info'] },
  { name: 'corrupt capture', args: ['-r', '../shared/corpus/malformed/pcapplusplus-fuzz/clusterfuzz-testcase-FuzzTarget-5781142119907328'] },
  { name: 'unsupported pcap version', args: ['-r', '../shared/corpus/malformed/libpcap/pcap-invalid-version-1.pcap'] },
  { name: 'unknown long option', args: ['-r', CHAT, '--bogus'] },
  { name: 'unknown short option', args: ['-r', CHAT, '-Z'] },
  { name: 'missing -c argument', args: ['-r', CHAT, '-c'] },
  { name: 'zero count', args: ['-r', CHAT, '-c', '0'] },
  { name: 'negative count', args: ['-r', CHAT, '-c', '-1'] },
  { name: 'non-numeric count', args: ['-r', CHAT, '-c', 'abc'] },
  { name: 'unknown -T', args: ['-r', CHAT, '-T', 'bogus'] },
  { name: '-T fields without -e', args: ['-r', CHAT, '-T', 'fields'] },
  { name: '-e without -T fields', args: ['-r', CHAT, '-e', 'frame.number'] },
  { name: 'bad -E', args: ['-r', CHAT, '-T', 'fields', '-e', 'frame.number', '-E', 'foo=bar'] },
  { name: 'bad -E value', args: ['-r', CHAT, '-T', 'fields', '-e', 'frame.number', '-E', 'occurrence=2'] },
  { name: 'unknown fields', args: ['-r', CHAT, '-T', 'fields', '-e', 'no.such.field', '-e', 'frame.number', '-e', 'also.bad'] },
  { name: '-x with -T fields', args: ['-r', CHAT, '-x', '-T', 'fields', '-e', 'frame.number'] },
  { name: 'bad --hexdump', args: ['-r', CHAT, '--hexdump', 'bogus'] },
  { name: 'bad -t', args: ['-r', CHAT, '-t', 'zz'] },
  { name: 'filter syntax error', args: ['-r', CHAT, '-Y', 'tcp.port == 80 &&'] },
  { name: 'filter unknown field', args: ['-r', CHAT, '-Y', 'tcp.prot == 80'] },
  { name: 'filter with count', args: ['-r', CHAT, '-Y', 'frame.number >= 2', '-c', '3'] },
  { name: 'filter set of fields and calls', args: ['-r', CHAT, '-Y', 'tcp.port in {tcp.dstport, min(tcp.srcport,1)..80}', '-c', '3'] },
  { name: 'filter call after a space in a set', args: ['-r', CHAT, '-Y', 'tcp.port in {80 min(tcp.srcport,1)}'] },
  { name: 'filter member after a field and a space', args: ['-r', CHAT, '-Y', 'tcp.port in {tcp.srcport 80}'] },
  { name: 'count 3', args: ['-r', CHAT, '-c', '3', '-T', 'fields', '-e', 'frame.number'] },
  { name: 'bundled flags', args: ['-r', CHAT, '-c2', '-Tfields', '-eframe.number', '-Eheader=y'] },
];

/** Fields whose tree label Wireshark builds from the declaration alone; tree-text.test.ts checks Paquet's against them (chat frame 8). */
export const LABEL_FRAME = 8;
export const LABEL_FIELDS = [
  'frame.time', 'frame.time_epoch', 'frame.time_relative', 'frame.marked', 'frame.number',
  'sll.etype', 'sll.pkttype', 'ip.version', 'ip.dsfield.ecn', 'ip.id', 'ip.frag_offset', 'ip.ttl', 'ip.proto', 'ip.src',
  'tcp.srcport', 'tcp.flags.res', 'tcp.flags.syn', 'tcp.flags.ack', 'websocket.fin', 'websocket.rsv', 'websocket.opcode',
  'websocket.mask', 'websocket.payload_length', 'websocket.masking_key',
];
