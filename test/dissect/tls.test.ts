/**
 * TLS: hand-built hellos and records dissected directly (with a stand-in for
 * TCP's per-stream data), and real captures through the engine, including a
 * ClientHello split over TCP segments, against tshark 4.0's SNI values
 * (shared/corpus/expected/tshark-summary.json) and its column formats.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameProto } from '../../shared/dissect/frame.js';
import { FrameMemos } from '../../shared/dissect/frame-store.js';
import { PacketContext, SessionState } from '../../shared/dissect/packet.js';
import { Registry } from '../../shared/dissect/registry.js';
import { NULL_TREE, TreeNode, walk, type Tree } from '../../shared/dissect/tree.js';
import { fieldText } from '../../shared/format/field-text.js';
import { dissectTls, heuristicTls, register as registerTls } from '../../shared/dissect/proto/tls.js';
import type { TcpPayload } from '../../shared/dissect/proto/tcp-reassembly.js';
import type { Dissected } from '../../shared/dissect/engine.js';
import { dissectFile, SHARED } from '../support/dissect-file.js';

const summary: Record<string, { tls_sni?: string[] }> = JSON.parse(readFileSync(resolve(SHARED, 'corpus/expected/tshark-summary.json'), 'utf8'));

const u16 = (v: number) => [v >> 8, v & 255];
const u24 = (v: number) => [v >> 16, (v >> 8) & 255, v & 255];
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const record = (type: number, version: number, body: number[]) => [type, ...u16(version), ...u16(body.length), ...body];
const handshake = (type: number, body: number[]) => [type, ...u24(body.length), ...body];
const ext = (type: number, body: number[]) => [...u16(type), ...u16(body.length), ...body];

function clientHello(sni: string, alpn: string[]): number[] {
  const sniExt = ext(0, [...u16(sni.length + 3), 0, ...u16(sni.length), ...ascii(sni)]);
  const alpnList = alpn.flatMap((p) => [p.length, ...ascii(p)]);
  const alpnExt = ext(16, [...u16(alpnList.length), ...alpnList]);
  const versions = ext(43, [4, 0x03, 0x04, 0x03, 0x03]);
  const exts = [...sniExt, ...alpnExt, ...versions];
  const body = [0x03, 0x03, ...new Array(32).fill(7), 0, ...u16(4), 0x13, 0x01, 0xc0, 0x2f, 1, 0, ...u16(exts.length), ...exts];
  return record(22, 0x0301, handshake(1, body));
}

function serverHello13(): number[] {
  const exts = [...ext(43, [0x03, 0x04]), ...ext(51, [0, 29, ...u16(2), 1, 2])];
  const body = [0x03, 0x03, ...new Array(32).fill(9), 0, 0x13, 0x01, 0, ...u16(exts.length), ...exts];
  return record(22, 0x0303, handshake(2, body));
}

class Stream {
  readonly session = new SessionState();
  readonly memos = new FrameMemos();
  private num = 0;
  readonly registry = new Registry();
  constructor() { registerTls(this.registry); }

  /** One segment of stream 0 in `direction`, dissected by TLS as TCP would call it. */
  segment(bytes: number[], direction: 0 | 1, withTree = true, visitedNum?: number) {
    const data = Uint8Array.from(bytes);
    const num = visitedNum ?? ++this.num;
    const frame = { num, tsSec: 0, tsNsec: 0, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, data };
    const ctx = new PacketContext(frame, this.registry, this.session, this.memos, visitedNum !== undefined);
    const root = new TreeNode(frameProto.def, 0, 0, data.length, null);
    const tree: Tree = withTree ? root : NULL_TREE;
    const asked: Array<[number, number]> = [];
    const payload: TcpPayload = {
      kind: 'tcp', stream: 0, direction, srcPort: direction === 0 ? 50000 : 443, dstPort: direction === 0 ? 443 : 50000,
      reassembled: false, canDesegment: true, fin: false, tcpTree: tree, key: `${num}:0`,
      desegment: (offset, more) => { asked.push([offset, more]); },
    };
    ctx.call(dissectTls, ctx.frameTvb, 0, data.length, tree, payload);
    const values = (abbrev: string) => [...walk(root.children ?? [])].filter((n) => n.def.abbrev === abbrev).map(fieldText);
    return { ctx, values, asked, root };
  }
}

describe('TLS built by hand', () => {
  it('decodes a ClientHello: SNI, ALPN, supported_versions; columns as tshark', () => {
    const { ctx, values } = new Stream().segment(clientHello('example.org', ['h2', 'http/1.1']), 0);
    expect(ctx.cols.protocol).toBe('TLSv1');
    expect(ctx.cols.info).toBe('Client Hello');
    expect(values('tls.record.content_type')).toEqual(['22']);
    expect(values('tls.record.version')).toEqual(['0x0301']);
    expect(values('tls.handshake.type')).toEqual(['1']);
    expect(values('tls.handshake.version')).toEqual(['0x0303']);
    expect(values('tls.handshake.ciphersuite')).toEqual(['0x1301', '0xc02f']);
    expect(values('tls.handshake.extensions_server_name')).toEqual(['example.org']);
    expect(values('tls.handshake.extensions_alpn_str')).toEqual(['h2', 'http/1.1']);
    expect(values('tls.handshake.extensions.supported_version')).toEqual(['0x0304', '0x0303']);
    expect(values('tls.handshake.extension.type')).toEqual(['0', '16', '43']);
  });

  it('takes the version from supported_versions in the ServerHello for the rest of the connection', () => {
    const s = new Stream();
    s.segment(clientHello('a.test', []), 0);
    const sh = s.segment([...serverHello13(), ...record(20, 0x0303, [1]), ...record(23, 0x0303, [1, 2, 3, 4])], 1);
    expect(sh.ctx.cols.protocol).toBe('TLSv1.3');
    expect(sh.ctx.cols.info).toBe('Server Hello, Change Cipher Spec, Application Data');
    expect(sh.values('tls.handshake.extensions.supported_version')).toEqual(['0x0304']);
    expect(sh.values('tls.record.opaque_type')).toEqual(['23']);
    expect(sh.values('tls.app_data_proto')).toEqual(['Hypertext Transfer Protocol']);
    const later = s.segment(record(23, 0x0303, [9, 9, 9]), 0);
    expect(later.ctx.cols.protocol).toBe('TLSv1.3');
    expect(later.values('tls.app_data')).toEqual(['090909']);
  });

  it('shows TLS 1.2 Finished after ChangeCipherSpec as an encrypted handshake message', () => {
    const s = new Stream();
    const r = s.segment([...record(20, 0x0303, [1]), ...record(22, 0x0303, new Array(40).fill(0xa5))], 0);
    expect(r.ctx.cols.info).toBe('Change Cipher Spec, Encrypted Handshake Message');
    expect(r.ctx.cols.protocol).toBe('TLSv1.2');
  });

  it('names alerts in the clear and hides encrypted ones', () => {
    expect(new Stream().segment(record(21, 0x0301, [2, 70]), 1).ctx.cols.info).toBe('Alert (Level: Fatal, Description: Protocol Version)');
    expect(new Stream().segment(record(21, 0x0303, new Array(26).fill(3)), 1).ctx.cols.info).toBe('Encrypted Alert');
  });

  it('asks TCP for the rest of a record cut at the segment end', () => {
    const hello = clientHello('split.example', ['h2']);
    const r = new Stream().segment(hello.slice(0, 40), 0);
    expect(r.asked).toEqual([[0, hello.length - 40]]);
    // As in Wireshark: an empty TLS layer and a cleared Info, for TCP to mark as a segment.
    expect(r.values('tls')).toHaveLength(1);
    expect(r.values('tls.record')).toEqual([]);
    expect(r.ctx.cols.info).toBe('');
  });

  it('throws a malformed SNI extension into the TLS layer only', () => {
    const bad = ext(0, [0]);
    const body = [0x03, 0x03, ...new Array(32).fill(1), 0, ...u16(2), 0, 0x2f, 1, 0, ...u16(bad.length), ...bad];
    const r = new Stream().segment(record(22, 0x0301, handshake(1, body)), 0);
    expect(r.ctx.malformed).toBe(true);
    expect(r.ctx.cols.info).toMatch(/^Client Hello ?\[Malformed Packet\]$/);
  });

  it('gives the same columns without a tree and on a revisit', () => {
    const s = new Stream();
    s.segment(clientHello('x.test', []), 0);
    const first = s.segment([...serverHello13(), ...record(23, 0x0303, [5])], 1);
    const fast = new Stream();
    fast.segment(clientHello('x.test', []), 0, false);
    const firstFast = fast.segment([...serverHello13(), ...record(23, 0x0303, [5])], 1, false);
    expect(firstFast.ctx.cols.info).toBe(first.ctx.cols.info);
    expect(firstFast.ctx.cols.protocol).toBe(first.ctx.cols.protocol);
    // Frame 1 again after the ServerHello: still the ClientHello's record version in the Protocol column.
    const again = s.segment(clientHello('x.test', []), 0, true, 1);
    expect(again.ctx.cols.protocol).toBe('TLSv1');
  });

  it('is recognised on any port by its heuristic only for a hello', () => {
    const s = new Stream();
    const data = Uint8Array.from(clientHello('h.test', []));
    const ctx = new PacketContext({ num: 1, tsSec: 0, tsNsec: 0, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, data }, s.registry, s.session, s.memos, false);
    expect(heuristicTls(ctx.frameTvb, 0, data.length, ctx, NULL_TREE)).toBeGreaterThan(0);
    const http = Uint8Array.from(ascii('GET / HTTP/1.1\r\n\r\n'));
    const ctx2 = new PacketContext({ num: 2, tsSec: 0, tsNsec: 0, capLen: http.length, origLen: http.length, linkType: 1, interfaceId: 0, data: http }, s.registry, s.session, s.memos, false);
    expect(heuristicTls(ctx2.frameTvb, 0, http.length, ctx2, NULL_TREE)).toBe(0);
  });
});

describe('TLS in real captures', () => {
  const sni = (packets: Dissected[]) => packets.flatMap((p) => [...walk(p.tree ?? [])].filter((n) => n.def.abbrev === 'tls.handshake.extensions_server_name').map(fieldText));

  for (const capture of ['tls/arkime/tls13.pcap', 'tls/pcapplusplus/tls.pcap', 'tls/zeek/tls13-ech.pcap', 'tls/arkime/tls-split-client-hello.pcap', 'tls/suricata-verify/tls-client-hello-frag-01-dump_mtu300.pcap', 'tls/zeek/tls-early-alert.pcap']) {
    it(`${capture}: server names as tshark reports them`, () => {
      const { packets } = dissectFile(`../shared/corpus/${capture}`);
      expect(sni(packets)).toEqual(summary[capture]!.tls_sni);
    });
  }

  it('tls-split-client-hello.pcap: the ClientHello is reassembled from two segments', () => {
    const { packets } = dissectFile('../shared/corpus/tls/arkime/tls-split-client-hello.pcap');
    expect(packets[3]!.protocol).toBe('TCP');
    expect(packets[4]!.protocol).toBe('TLSv1');
    expect(packets[4]!.info).toBe('Client Hello');
    expect(packets[7]!.protocol).toBe('TLSv1.3');
    expect(packets[7]!.info).toBe('Server Hello, Change Cipher Spec');
  });

  it('tls1.2.pcap: Protocol and Info per frame as tshark, also on the fast path', () => {
    const full = dissectFile('../shared/corpus/tls/zeek/tls1.2.pcap').packets;
    const fast = dissectFile('../shared/corpus/tls/zeek/tls1.2.pcap', false).packets;
    const tlsFrames = (ps: Dissected[]) => ps.filter((p) => p.protocol.startsWith('TLS')).map((p) => `${p.num} ${p.protocol} ${p.info}`);
    expect(tlsFrames(full).slice(0, 6)).toEqual([
      '4 TLSv1 Client Hello',
      '5 TLSv1.2 Server Hello',
      '8 TLSv1.2 Certificate, Server Hello Done',
      '10 TLSv1.2 Client Key Exchange, Change Cipher Spec, Encrypted Handshake Message',
      '11 TLSv1.2 Change Cipher Spec, Encrypted Handshake Message',
      '13 TLSv1.2 Application Data',
    ]);
    expect(tlsFrames(fast)).toEqual(tlsFrames(full));
  });
});
