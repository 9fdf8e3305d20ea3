/**
 * A hand-built registry and packets for the filter's unit tests, so they do not
 * wait for the dissectors: an Ethernet/IPv4/TCP/HTTP frame and a WebSocket one,
 * with the fields Wireshark gives them (names, FT types, value strings).
 */
import type { Dissected } from '../../shared/dissect/engine.js';
import { fields, type FieldDef, type FieldValue } from '../../shared/dissect/field.js';
import { protocol, Registry } from '../../shared/dissect/registry.js';
import { TreeNode } from '../../shared/dissect/tree.js';
import { makeTvb } from '../../shared/dissect/tvb.js';

export const P = {
  frame: protocol('frame', 'Frame', 'Frame'),
  eth: protocol('eth', 'Ethernet', 'Ethernet II'),
  ip: protocol('ip', 'IPv4', 'Internet Protocol Version 4'),
  ipv6: protocol('ipv6', 'IPv6', 'Internet Protocol Version 6'),
  tcp: protocol('tcp', 'TCP', 'Transmission Control Protocol'),
  http: protocol('http', 'HTTP', 'Hypertext Transfer Protocol'),
  websocket: protocol('websocket', 'WebSocket', 'WebSocket'),
};

export const F = fields({
  frameLen: { abbrev: 'frame.len', name: 'Frame Length', type: 'uint32' },
  frameNumber: { abbrev: 'frame.number', name: 'Frame Number', type: 'uint32' },
  timeRelative: { abbrev: 'frame.time_relative', name: 'Time since reference or first frame', type: 'relative_time' },
  time: { abbrev: 'frame.time', name: 'Arrival Time', type: 'absolute_time' },
  marked: { abbrev: 'frame.marked', name: 'Frame is marked', type: 'boolean' },
  ethDst: { abbrev: 'eth.dst', name: 'Destination', type: 'ether' },
  ethSrc: { abbrev: 'eth.src', name: 'Source', type: 'ether' },
  ethType: { abbrev: 'eth.type', name: 'Type', type: 'uint16', base: 'hex', strings: { 0x0800: 'IPv4', 0x86dd: 'IPv6' } },
  ipProto: { abbrev: 'ip.proto', name: 'Protocol', type: 'uint8', strings: { 6: 'TCP', 17: 'UDP' } },
  ipSrc: { abbrev: 'ip.src', name: 'Source Address', type: 'ipv4' },
  ipDst: { abbrev: 'ip.dst', name: 'Destination Address', type: 'ipv4' },
  ipTtl: { abbrev: 'ip.ttl', name: 'Time to Live', type: 'uint8' },
  ipv6Src: { abbrev: 'ipv6.src', name: 'Source Address', type: 'ipv6' },
  ipv6Dst: { abbrev: 'ipv6.dst', name: 'Destination Address', type: 'ipv6' },
  srcport: { abbrev: 'tcp.srcport', name: 'Source Port', type: 'uint16' },
  dstport: { abbrev: 'tcp.dstport', name: 'Destination Port', type: 'uint16' },
  stream: { abbrev: 'tcp.stream', name: 'Stream index', type: 'uint32' },
  flags: { abbrev: 'tcp.flags', name: 'Flags', type: 'uint16', base: 'hex', bitmask: 0xfff, bits: 16 },
  syn: { abbrev: 'tcp.flags.syn', name: 'Syn', type: 'boolean', bitmask: 0x2, bits: 16, tfs: ['Set', 'Not set'] },
  ack: { abbrev: 'tcp.flags.ack', name: 'Acknowledgment', type: 'boolean', bitmask: 0x10, bits: 16, tfs: ['Set', 'Not set'] },
  payload: { abbrev: 'tcp.payload', name: 'TCP payload', type: 'bytes' },
  analysis: { abbrev: 'tcp.analysis', name: 'SEQ/ACK analysis', type: 'none' },
  retrans: { abbrev: 'tcp.analysis.retransmission', name: 'Retransmission', type: 'none' },
  method: { abbrev: 'http.request.method', name: 'Request Method', type: 'string' },
  uri: { abbrev: 'http.request.uri', name: 'Request URI', type: 'string' },
  opcode: { abbrev: 'websocket.opcode', name: 'Opcode', type: 'uint8', strings: { 1: 'Text', 2: 'Binary', 8: 'Connection Close' } },
  text: { abbrev: 'websocket.payload.text', name: 'Text', type: 'string' },
});

export function testRegistry(): Registry {
  const r = new Registry();
  r.addProtocol(P.frame, [F.frameLen, F.frameNumber, F.timeRelative, F.time, F.marked]);
  r.addProtocol(P.eth, [F.ethDst, F.ethSrc, F.ethType]);
  r.addProtocol(P.ip, [F.ipProto, F.ipSrc, F.ipDst, F.ipTtl]);
  r.addProtocol(P.ipv6, [F.ipv6Src, F.ipv6Dst]);
  r.addProtocol(P.tcp, [F.srcport, F.dstport, F.stream, F.flags, F.syn, F.ack, F.payload, F.analysis, F.retrans]);
  r.addProtocol(P.http, [F.method, F.uri]);
  r.addProtocol(P.websocket, [F.opcode, F.text]);
  return r;
}

/** Build a tree: [def, offset, length, value, children?]. */
export type Spec = [FieldDef, number, number, FieldValue, Spec[]?];

export function node([def, offset, length, value, children]: Spec, source = 0): TreeNode {
  const n = new TreeNode(def, source, offset, length, value);
  if (children) n.children = children.map((c) => node(c, source));
  return n;
}

export function packet(bytes: Uint8Array, specs: Spec[]): Dissected {
  const tvb = makeTvb(bytes);
  return { num: 1, tree: specs.map((s) => node(s)), sources: [{ name: 'Frame', tvb }] } as unknown as Dissected;
}

function hexBytes(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  return Uint8Array.from(clean.match(/../g)!, (h) => parseInt(h, 16));
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Ethernet 00:11:22:33:44:55 <- 66:77:88:99:aa:bb, IPv4 10.1.2.3 -> 192.168.0.9, TCP 59798 -> 80 [PSH, ACK], "GET / HTTP/1.1\r\n". */
export function httpPacket(): Dissected {
  const eth = hexBytes('001122334455 66778899aabb 0800');
  const ip = hexBytes('4500 0048 1234 4000 4006 0000 0a010203 c0a80009');
  const tcp = hexBytes('e996 0050 00000001 00000001 5018 ffff 0000 0000');
  const http = ascii('GET / HTTP/1.1\r\n');
  const bytes = new Uint8Array([...eth, ...ip, ...tcp, ...http]);
  const tcpOff = 34;
  const payOff = 54;
  return packet(bytes, [
    [P.frame.def, 0, bytes.length, null, [
      [F.frameLen, 0, 0, bytes.length],
      [F.frameNumber, 0, 0, 4],
      [F.timeRelative, 0, 0, 1_500_000_000n],
      [F.time, 0, 0, 1_700_000_000_250_000_000n],
      [F.marked, 0, 0, false],
    ]],
    [P.eth.def, 0, 14, null, [
      [F.ethDst, 0, 6, eth.subarray(0, 6)],
      [F.ethSrc, 6, 6, eth.subarray(6, 12)],
      [F.ethType, 12, 2, 0x0800],
    ]],
    [P.ip.def, 14, 20, null, [
      [F.ipTtl, 22, 1, 64],
      [F.ipProto, 23, 1, 6],
      [F.ipSrc, 26, 4, 0x0a010203],
      [F.ipDst, 30, 4, 0xc0a80009],
    ]],
    [P.tcp.def, tcpOff, 20 + http.length, null, [
      [F.srcport, tcpOff, 2, 59798],
      [F.dstport, tcpOff + 2, 2, 80],
      [F.stream, tcpOff, 0, 1],
      [F.flags, tcpOff + 12, 2, 0x018, [
        [F.ack, tcpOff + 12, 2, true],
        [F.syn, tcpOff + 12, 2, false],
      ]],
      [F.payload, payOff, http.length, bytes.subarray(payOff)],
    ]],
    [P.http.def, payOff, http.length, null, [
      [F.method, payOff, 3, 'GET'],
      [F.uri, payOff + 4, 1, '/'],
    ]],
  ]);
}

/** An IPv6 frame carrying a retransmitted WebSocket text frame "hi there" (two WebSocket messages). */
export function websocketPacket(): Dissected {
  const bytes = new Uint8Array(100);
  bytes.set(latin1('\x81\x08hi there'), 60);
  bytes.set(latin1('\x88\x00'), 70);
  const v6 = (last: number): Uint8Array => {
    const b = new Uint8Array(16);
    b[0] = 0xfe; b[1] = 0x80; b[15] = last;
    return b;
  };
  return packet(bytes, [
    [P.frame.def, 0, 100, null, [
      [F.frameLen, 0, 0, 100],
      [F.timeRelative, 0, 0, 2_000_000_000n],
    ]],
    [P.ipv6.def, 0, 40, null, [
      [F.ipv6Src, 8, 16, v6(1)],
      [F.ipv6Dst, 24, 16, v6(2)],
    ]],
    [P.tcp.def, 40, 60, null, [
      [F.srcport, 40, 2, 7272],
      [F.dstport, 42, 2, 59806],
      [F.stream, 40, 0, 2],
      [F.flags, 52, 2, 0x018, [[F.ack, 52, 2, true], [F.syn, 52, 2, false]]],
      [F.analysis, 40, 0, null, [[F.retrans, 40, 0, null]]],
      [F.payload, 60, 40, bytes.subarray(60)],
    ]],
    [P.websocket.def, 60, 10, null, [
      [F.opcode, 60, 1, 1],
      [F.text, 62, 8, 'hi there'],
    ]],
    [P.websocket.def, 70, 2, null, [
      [F.opcode, 70, 1, 8],
    ]],
  ]);
}
