import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { followTcpStream, type FollowSegment } from '../../shared/view/follow-tcp.js';
import { tcpStreamOf } from '../../shared/view/follow-tcp-packet.js';
import { ACK, Conversation, dissectAll, FIN, PSH, SYN } from '../dissect/tcp-builder.js';
import { CHAT, dissectFile } from '../support/dissect-file.js';

interface TsharkRecord { num: number; peer: number; data: string }
interface TsharkStream { stream: number; peers: [string, string]; packets: TsharkRecord[] }
interface Expected { generator: string; captures: { capture: string; streams: TsharkStream[] }[] }

/** `node test/view/generate-expected.mjs` writes this from tshark's `-z follow,tcp,yaml,N`. */
const expected = JSON.parse(readFileSync(resolve(import.meta.dirname, 'expected/follow-tcp.json'), 'utf8')) as Expected;

/**
 * Streams whose client Paquet takes from the SYN (or SYN+ACK) where tshark takes the first
 * packet's sender: the capture starts with a server packet. Checked, not assumed.
 */
const CLIENT_FROM_HANDSHAKE = new Set([
  '../shared/corpus/http/zeek/ipv6-http-atomic-frag.pcap#0',
  '../shared/corpus/ip-tcp/zeek/tcp-handshake-reorder.pcap#0',
  '../shared/corpus/ip-tcp/zeek/tcp-missing-syn.pcap#0',
]);

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

/** Our segments as tshark's records: a hole marker is the text Wireshark writes into the data (NUL included). */
function asTshark(s: FollowSegment, flip: boolean): TsharkRecord {
  const data = s.missing !== undefined ? Buffer.from(`[${s.missing} bytes missing in capture file]\0`) : s.bytes;
  return { num: s.num, peer: flip ? 1 - s.dir : s.dir, data: b64(data) };
}

describe('follow TCP stream against tshark -z follow,tcp', () => {
  for (const c of expected.captures) {
    it(c.capture.replace('../shared/', ''), () => {
      const { packets } = dissectFile(c.capture);
      for (const t of c.streams) {
        const ours = followTcpStream(packets, t.stream);
        const where = `${c.capture} stream ${t.stream}`;
        if (t.packets.length === 0 && t.peers.every((p) => p.startsWith(':'))) {
          // tshark numbers a TCP header quoted inside another protocol (sFlow) as a stream with no bytes; Paquet has no stream there.
          expect(ours.segments, where).toEqual([]);
          continue;
        }
        const flip = CLIENT_FROM_HANDSHAKE.has(`${c.capture}#${t.stream}`);
        expect(ours.endpoints, where).toEqual(flip ? [t.peers[1], t.peers[0]] : t.peers);
        const records = ours.segments.map((s) => asTshark(s, flip));
        // Paquet goes on after a hole nobody acknowledged (tshark stops showing that side): those come last, after a marker.
        expect(records.slice(0, t.packets.length), where).toEqual(t.packets);
        const extra = ours.segments.slice(t.packets.length);
        if (extra.length) expect(extra[0]!.missing, `${where}: bytes beyond tshark's start with a hole marker`).toBeGreaterThan(0);
        const totals = [0, 0];
        for (const s of ours.segments) totals[s.dir] += s.bytes.length;
        expect(ours.totals, where).toEqual(totals);
      }
    });
  }

  it('the chat capture: client 59798 sends the Upgrade, the server answers 101, frames follow in order', () => {
    const { packets } = dissectFile(CHAT);
    const s = followTcpStream(packets, 0);
    expect(s.stream).toBe(0);
    expect(s.endpoints).toEqual(['127.0.0.1:59798', '127.0.0.1:7272']);
    expect(s.segments.map((x) => [x.num, x.dir])).toEqual([[4, 0], [6, 1], [8, 0], [9, 1], [19, 1], [23, 0], [24, 1], [32, 1], [34, 0], [36, 1]]);
    expect(text(s.segments[0]!.bytes)).toMatch(/^GET \/ HTTP\/1\.1\r\n/);
    expect(text(s.segments[1]!.bytes)).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(s.totals).toEqual([496 + 57 + 92 + 8, 181 + 155 + 104 + 158 + 115 + 4]);
  });

  it('shows the stream after a hole the other side never acknowledged, where tshark shows nothing more', () => {
    const { packets } = dissectFile('../shared/corpus/ip-tcp/pcapplusplus/unidirectional_tcp_stream_with_missing_packet.pcap');
    const s = followTcpStream(packets, 0);
    expect(s.segments.map((x) => x.num)).toEqual([3, 4, 4, 7, 8, 9, 10, 11]);
    expect(s.segments[1]).toMatchObject({ dir: 0, missing: 1420 });
    expect(s.segments[1]!.bytes.length).toBe(0);
    expect(text(s.segments[3]!.bytes)).toMatch(/^POST \/GetSearchMultipleSuggestions\.ashx HTTP\/1\.1/);
  });
});

describe('follow TCP stream: sequence numbers decide what is new', () => {
  const client = '10.0.0.1:40000';
  const server = '10.0.0.2:9000';
  const follow = (c: Conversation) => followTcpStream(dissectAll(c.frames()).packets, 0);
  const summary = (segs: readonly FollowSegment[]) => segs.map((s) => `${s.num}:${s.dir}:${s.missing !== undefined ? `<${s.missing} missing>` : text(s.bytes)}`);

  it('gives a retransmitted segment once', () => {
    const c = new Conversation(9000).send(true, 'hello ').send(true, 'world');
    const again = c.segments[c.segments.length - 1]!;
    c.raw({ ...again }).send(false, 'ok');
    const s = follow(c);
    expect(s.endpoints).toEqual([client, server]);
    expect(summary(s.segments)).toEqual(['4:0:hello ', '5:0:world', '7:1:ok']);
    expect(s.totals).toEqual([11, 2]);
  });

  it('keeps only the new tail of a retransmission that carries more than before', () => {
    const c = new Conversation(9000).send(true, 'abc');
    const first = c.segments[3]!;
    c.raw({ ...first, payload: 'abcdef' });
    expect(summary(follow(c).segments)).toEqual(['4:0:abc', '5:0:def']);
  });

  it('puts an out-of-order segment back in place once the missing one arrives', () => {
    const c = new Conversation(9000, true);
    c.raw({ fromClient: true, seq: 1001 + 3, ack: 5001, flags: PSH | ACK, payload: 'DEF' });
    c.raw({ fromClient: true, seq: 1001, ack: 5001, flags: PSH | ACK, payload: 'ABC' });
    expect(summary(follow(c).segments)).toEqual(['5:0:ABC', '4:0:DEF']);
  });

  it('marks the bytes the capture missed when the receiver acknowledges past them', () => {
    const c = new Conversation(9000, true);
    c.raw({ fromClient: true, seq: 1001, ack: 5001, flags: PSH | ACK, payload: 'one ' });
    c.raw({ fromClient: true, seq: 1001 + 4 + 5, ack: 5001, flags: PSH | ACK, payload: 'three' }); // "two " (5 bytes incl. a space) never captured
    c.raw({ fromClient: false, seq: 5001, ack: 1001 + 14, flags: ACK });
    const s = follow(c);
    expect(summary(s.segments)).toEqual(['4:0:one ', '6:0:<5 missing>', '5:0:three']);
    expect(s.totals).toEqual([9, 0]);
  });

  it('takes the client from the SYN+ACK when the capture starts after the SYN', () => {
    const c = new Conversation(9000, false);
    c.raw({ fromClient: false, seq: 5000, ack: 1001, flags: SYN | ACK });
    c.raw({ fromClient: true, seq: 1001, ack: 5001, flags: ACK });
    c.raw({ fromClient: true, seq: 1001, ack: 5001, flags: PSH | ACK, payload: 'GET' });
    const s = follow(c);
    expect(s.endpoints).toEqual([client, server]);
    expect(summary(s.segments)).toEqual(['3:0:GET']);
  });

  it('counts data sent with the SYN (TCP Fast Open) after the SYN sequence number', () => {
    const c = new Conversation(9000, false);
    c.raw({ fromClient: true, seq: 1000, flags: SYN, payload: 'early' });
    c.raw({ fromClient: false, seq: 5000, ack: 1006, flags: SYN | ACK });
    c.raw({ fromClient: true, seq: 1006, ack: 5001, flags: PSH | ACK, payload: '+late' });
    c.raw({ fromClient: true, seq: 1011, ack: 5001, flags: FIN | ACK });
    expect(summary(follow(c).segments)).toEqual(['1:0:early', '3:0:+late']);
  });

  it('ignores packets of other streams and gives nothing for an unknown stream', () => {
    const a = new Conversation(9000).send(true, 'A').frames();
    const { packets } = dissectAll(a);
    expect(packets.map((p) => tcpStreamOf(p))).toEqual([0, 0, 0, 0]);
    const none = followTcpStream(packets, 7);
    expect(none).toEqual({ stream: 7, endpoints: ['', ''], segments: [], totals: [0, 0] });
  });

  it('copies the bytes, so a segment does not hold on to its whole frame', () => {
    const s = follow(new Conversation(9000).send(true, 'xyz'));
    const bytes = s.segments[0]!.bytes;
    expect(bytes.byteLength).toBe(3);
    expect(bytes.buffer.byteLength).toBe(3);
  });
});
