/**
 * Filter semantics on hand-built packets. Expectations follow Wireshark 4.0's
 * documented behaviour (wireshark-filter(4)) and what tshark 4.0 does with the
 * same filter on equivalent packets.
 */
import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../shared/filter/index.js';
import type { Dissected } from '../../shared/dissect/engine.js';
import { F, httpPacket, packet, P, testRegistry, websocketPacket } from './support.js';

const registry = testRegistry();
const http = httpPacket();
const ws = websocketPacket();

function run(filter: string, pkt: Dissected): boolean {
  const r = compileFilter(filter, registry);
  if (!r.ok) throw new Error(`${filter}: ${r.error.message} (column ${r.error.column})`);
  return r.filter.matches(pkt);
}

/** [filter, matches the HTTP packet, matches the WebSocket packet] */
const TABLE: [string, boolean, boolean][] = [
  // existence
  ['tcp', true, true],
  ['http', true, false],
  ['websocket', false, true],
  ['ip', true, false],
  ['tcp.analysis.retransmission', false, true],
  ['!tcp.analysis.retransmission', true, false],
  ['not tcp.analysis.retransmission', true, false],
  // integers, word operators, bases
  ['tcp.dstport == 80', true, false],
  ['tcp.dstport eq 80', true, false],
  ['tcp.dstport == 0x50', true, false],
  ['tcp.dstport == 0120', true, false],
  ['tcp.dstport == 0b1010000', true, false],
  ["tcp.dstport == 'P'", true, false],
  ['tcp.srcport > 60000', false, false],
  ['tcp.srcport gt 7000', true, true],
  ['tcp.srcport ge 7272', true, true],
  ['tcp.srcport lt 7272', false, false],
  ['tcp.srcport le 7272', false, true],
  ['tcp.srcport != 7272', true, false],
  ['tcp.srcport ne 7272', true, false],
  ['frame.len > 60', true, true],
  ['frame.len >= 100 && frame.len <= 100', false, true],
  // value strings (case-insensitive names) and booleans
  ['ip.proto == TCP', true, false],
  ['ip.proto == "tcp"', true, false],
  ['websocket.opcode == Text', false, true],
  ['websocket.opcode == "Connection Close"', false, true],
  ['tcp.flags.syn == 1', false, false],
  ['tcp.flags.ack == 1', true, true],
  ['tcp.flags.ack == True', true, true],
  ['tcp.flags.ack == 2', true, true],
  ['tcp.flags.syn == False', true, true],
  ['tcp.flags.syn == 0 && tcp.flags.ack == 1', true, true],
  ['tcp.flags.ack == Set', true, true],
  ['tcp.flags.syn == "Not set"', true, true],
  ['frame.marked == 0', true, false],
  // strings
  ['http.request.method == "GET"', true, false],
  ['http.request.method == GET', true, false],
  ['http.request.method == "\\x47ET"', true, false],
  ['http.request.method == "\\107ET"', true, false],
  ['http.request.method == "\\u00c9" or http.request.method == "G\\x45T"', true, false],
  ['http.request.method == "get"', false, false],
  ['http.request.method > "A"', true, false],
  ['http.request.method contains "E"', true, false],
  ['http.request.method matches "^get$"', true, false],
  ['http.request.method matches "(?-i)^get$"', false, false],
  ['http.request.method matches "(?i)^GeT$"', true, false],
  ['websocket.payload.text contains "hi"', false, true],
  ['websocket.payload.text matches "h.*e"', false, true],
  // bytes, protocols, contains
  ['tcp.payload contains "HTTP"', true, false],
  ['tcp.payload contains 48:54:54:50', true, false],
  ['tcp.payload contains 0x0d', true, false],
  ['tcp contains "GET"', true, false],
  ['frame contains "hi there"', false, true],
  ['frame matches "http/1\\\\.1"', true, false],
  ['http == 47:45:54:20:2f:20:48:54:54:50:2f:31:2e:31:0d:0a', true, false],
  // slices
  ['frame[0:2] == 00:11', true, false],
  ['frame[0:2] == 0011', true, false],
  ['frame[0:2] == 00-11', true, false],
  ['frame[0:2] == 00.11', true, false],
  ['frame[12:2] == 08:00', true, false],
  ['eth.src[1-2] == 77:88', true, false],
  ['eth.src[:3] == 66:77:88', true, false],
  ['eth.src[3:] == 99:aa:bb', true, false],
  ['eth.src[-1] == bb', true, false],
  ['eth.src[-2:] == aa:bb', true, false],
  ['eth.src[0,2,4-5] == 66:88:aa:bb', true, false],
  ['tcp.payload[0] == 0x81', false, true],
  ['tcp.payload[0] == 81', false, true],
  ['tcp.payload[0:2] == "GE"', true, false],
  ['http.request.method[0:2] == "GE"', true, false],
  ['ip.src[0] == 0a', true, false],
  ['frame[200] == 00', false, false],
  ['frame[95:10] == 00', false, false],
  ['frame[0:2] > 00', true, true],
  // addresses
  ['ip.src == 10.1.2.3', true, false],
  ['ip.src == 10.0.0.0/8', true, false],
  ['ip.dst == 10.0.0.0/8', false, false],
  ['ip.addr == 192.168.0.0/16', true, false],
  ['ip.addr == 10.1.2.3 && ip.addr == 192.168.0.9', true, false],
  ['ip.addr != 10.1.2.3', false, false],
  ['ip.addr !== 10.1.2.3', true, false],
  ['ip.addr ~= 10.1.2.3', true, false],
  ['ip.src > 10.0.0.0', true, false],
  ['ip.addr in {10.1.2.0 .. 10.1.2.255}', true, false],
  ['ip.addr', true, false],
  ['ipv6.addr == fe80::2', false, true],
  ['ipv6.src == fe80::/10', false, true],
  ['ipv6.src == fe80:0:0:0:0:0:0:1', false, true],
  ['ipv6.addr == ::1', false, false],
  ['eth.addr == 00:11:22:33:44:55', true, false],
  ['eth.src == 66-77-88-99-aa-bb', true, false],
  ['eth.src == 6677.8899.aabb', true, false],
  ['eth.dst == ff:ff:ff:ff:ff:ff', false, false],
  ['eth.src contains 77', true, false],
  ['eth.src contains 88:99', true, false],
  ['eth.src contains 99:88', false, false],
  ['eth.src > 00:00:00:00:00:00', true, false],
  ['ip.src & 255.0.0.0', true, false],
  ['ip.src & 255.255.0.0 == 10.1.0.0', true, false],
  ['ip.dst & 0.0.0.255 == 0.0.0.9', true, false],
  // either-side ports and membership
  ['tcp.port == 80', true, false],
  ['tcp.port == 7272', false, true],
  ['tcp.port in {80 443 7272}', true, true],
  ['tcp.port in {80, 443}', true, false],
  ['tcp.port in {8000..8100}', false, false],
  ['tcp.port in {7000..7999}', false, true],
  ['tcp.port in {59000 .. 60000}', true, true],
  ['tcp.port not in {80}', false, true],
  ['http.request.method in {"HEAD", "GET"}', true, false],
  // all/any quantifiers: the WebSocket packet has opcodes 1 and 8
  ['websocket.opcode == 8', false, true],
  ['websocket.opcode != 8', false, false],
  ['websocket.opcode != 2', false, true],
  ['websocket.opcode === 1', false, false],
  ['websocket.opcode all_eq 1', false, false],
  ['websocket.opcode !== 1', false, true],
  ['all websocket.opcode > 0', false, true],
  ['all websocket.opcode > 1', false, false],
  ['any websocket.opcode > 1', false, true],
  ['websocket contains 81', false, true],
  ['all websocket contains 81', false, false],
  ['all websocket matches "^[\\x81\\x88]"', false, true],
  ['all websocket matches "^\\x81"', false, false],
  // time
  ['frame.time_relative > 1', true, true],
  ['frame.time_relative > 1.5', false, true],
  ['frame.time_relative >= 1.5', true, true],
  ['frame.time_relative in {1 .. 1.6}', true, false],
  ['frame.time > "2023-11-14 22:13:20"', true, false],
  ['frame.time < "2023-11-14T22:13:20.5Z"', true, false],
  ['frame.time < "Nov 14, 2023 22:13:20.2 UTC"', false, false],
  // logic and precedence
  ['tcp.stream == 1 and http', true, false],
  ['tcp.stream == 1 && websocket', false, false],
  ['http || websocket', true, true],
  ['http or websocket and ip', true, false],
  ['(http or websocket) and ip', true, false],
  ['(http or websocket) and ipv6', false, true],
  ['not http and tcp', false, true],
  ['!(http && tcp)', false, true],
  ['!!http', true, false],
  // fields compared with fields, bitwise and, functions, layers
  ['tcp.srcport > tcp.dstport', true, false],
  ['tcp.port == tcp.dstport', true, true],
  ['tcp.flags & 0x02', false, false],
  ['tcp.flags & 0x10', true, true],
  ['tcp.flags & 0x10 == 0x10', true, true],
  ['frame[0] & 0x0f', false, false],
  ['len(http.request.method) == 3', true, false],
  ['len(tcp.payload) > 20', false, true],
  ['count(websocket.opcode) == 2', false, true],
  ['count(ip.addr) == 2', true, false],
  ['upper(http.request.method) == "GET"', true, false],
  ['lower(http.request.method) == "get"', true, false],
  ['string(tcp.dstport) == "80"', true, false],
  ['string(frame.len) matches "^1.0$"', false, true],
  ['max(tcp.srcport, tcp.dstport) == 59798', true, false],
  ['min(tcp.srcport, tcp.dstport) == 7272', false, true],
  ['max(websocket.opcode) == 8', false, true],
  ['min(websocket.opcode, 5) == 1', false, true],
  ['max(tcp.srcport, 60000) == 60000', true, true],
  ['abs(tcp.srcport) == 7272', false, true],
  ['eth.src[-3--1] == 99:aa:bb', true, false],
  ['tcp.srcport > tcp.dstport + 59000', true, false],
  ['tcp.dstport + 1 == 81', true, false],
  ['frame.len - 8 == 92', false, true],
  ['frame.len -8 == 92', false, true],
  ['frame.len == 2 * 50', false, true],
  ['frame.len == 2 * {40 + 10}', false, true],
  ['frame.len == {40 + 10} * 2', false, true],
  ['frame.len == {25 * 2} + tcp.srcport - 7222', false, true],
  ['frame.len % 7 == 2', false, true],
  ['frame.len / 3 == 33', false, true],
  ['-frame.len == -100', false, true],
  ['frame.time_relative + 1 > 2.5', false, true],
  ['frame.len + 1', true, true],
  ['websocket.opcode * 2 == 16', false, true],
  ['tcp.flags & 0x10 + 0', true, true],
  ['websocket.opcode#2 == 8', false, true],
  ['websocket.opcode#1 == 8', false, false],
  ['websocket.opcode#[1-2] == 8', false, true],
];

describe('filter semantics', () => {
  for (const [filter, onHttp, onWs] of TABLE) {
    it(filter, () => {
      expect([run(filter, http), run(filter, ws)]).toEqual([onHttp, onWs]);
    });
  }
});

describe('either-side fields', () => {
  it('uses the dissector\'s own hidden items when the tree has them', () => {
    // A packet whose dissector added tcp.port items: only those count.
    const reg = testRegistry();
    reg.addFields([{ abbrev: 'tcp.port', name: 'Source or Destination Port', type: 'uint16' }]);
    const port = reg.field('tcp.port')!;
    const pkt = packet(new Uint8Array(4), [[P.tcp.def, 0, 4, null, [[F.srcport, 0, 2, 1], [F.dstport, 2, 2, 2], [port, 0, 2, 11], [port, 2, 2, 12]]]]);
    const f = compileFilter('tcp.port == 11', reg);
    const g = compileFilter('tcp.port == 1', reg);
    expect(f.ok && f.filter.matches(pkt)).toBe(true);
    expect(g.ok && g.filter.matches(pkt)).toBe(false);
  });
});

describe('needed fields', () => {
  it('lists every name the filter reads, pairs of either-side fields included', () => {
    const r = compileFilter('ip.addr == 10.0.0.0/8 and (http.request.method == "GET" or frame[0] == 1)', registry);
    expect(r.ok && [...r.filter.fields].sort()).toEqual(['frame', 'http.request.method', 'ip.addr', 'ip.dst', 'ip.src']);
  });
});

describe('empty filter', () => {
  it('passes every packet', () => {
    const r = compileFilter('  ', registry);
    expect(r.ok && r.filter.matches(http)).toBe(true);
  });
});
