import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dissection } from '../../shared/dissect/engine.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import { treeLines } from '../../shared/format/tree-text.js';
import { CHAT, readFrames, REPO } from '../support/dissect-file.js';
import { ACK, Conversation, dissectAll, FIN, PSH, SYN, tcpFrame, values } from './tcp-builder.js';

describe('TCP header and Info', () => {
  it('lists the SYN options in the Info column in wire order', () => {
    // MSS 1460, SACK permitted, timestamps 7/0, NOP, window scale 7
    const opts = [2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 7, 0, 0, 0, 0, 1, 3, 3, 7];
    const f = tcpFrame(1, { fromClient: true, seq: 123456, flags: SYN, win: 64240, options: opts }, 9000);
    const [p] = dissectAll([f]).packets;
    expect(p!.info).toBe('40000 \u2192 9000 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=7 TSecr=0 WS=128');
    expect(values(p!, 'tcp.flags')).toEqual(['0x0002']);
    expect(values(p!, 'tcp.flags.str')).toEqual(['\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7S\u00b7']);
    expect(values(p!, 'tcp.seq_raw')).toEqual(['123456']);
    expect(values(p!, 'tcp.options.wscale.multiplier')).toEqual(['128']);
    expect(values(p!, 'tcp.option_kind')).toEqual(['2', '4', '8', '1', '3']);
  });

  it('scales the window once both sides agreed on it in the handshake', () => {
    const ws = (shift: number) => [1, 3, 3, shift];
    const c = new Conversation(9000, false)
      .raw({ fromClient: true, seq: 10, flags: SYN, options: ws(2) })
      .raw({ fromClient: false, seq: 20, ack: 11, flags: SYN | ACK, options: ws(3) })
      .raw({ fromClient: true, seq: 11, ack: 21, flags: ACK, win: 100 });
    const ps = dissectAll(c.frames()).packets;
    expect(values(ps[2]!, 'tcp.window_size')).toEqual(['400']);
    expect(values(ps[2]!, 'tcp.window_size_scalefactor')).toEqual(['4']);
    expect(ps[2]!.info).toBe('40000 \u2192 9000 [ACK] Seq=1 Ack=1 Win=400 Len=0');
  });

  it('numbers streams in order of first appearance and keeps relative sequence numbers per direction', () => {
    const a = new Conversation(9000).send(true, 'abc').frames();
    const b = new Conversation(9001).frames();
    const frames = [a[0]!, b[0]!, a[1]!, b[1]!, a[2]!, a[3]!].map((f, i) => ({ ...f, num: i + 1 }));
    const ps = dissectAll(frames).packets;
    expect(ps.map((p) => values(p, 'tcp.stream')[0])).toEqual(['0', '1', '0', '1', '0', '0']);
    expect(values(ps[5]!, 'tcp.seq')).toEqual(['1']);
    expect(values(ps[5]!, 'tcp.nxtseq')).toEqual(['4']);
    expect(values(ps[2]!, 'tcp.ack')).toEqual(['1']);
  });
});

describe('TCP analysis', () => {
  it('flags duplicate ACKs with the frame they repeat and a running count', () => {
    const c = new Conversation(9000).send(true, 'hello').ack(false).ack(false).ack(false);
    const ps = dissectAll(c.frames()).packets;
    // frame 5 is the first ACK of the data; 6 and 7 repeat it
    expect(ps[4]!.info.startsWith('9000 \u2192 40000 [ACK]')).toBe(true);
    expect(ps[5]!.info.startsWith('[TCP Dup ACK 5#1] 9000 \u2192 40000 [ACK]')).toBe(true);
    expect(ps[6]!.info.startsWith('[TCP Dup ACK 5#2] ')).toBe(true);
    expect(values(ps[6]!, 'tcp.analysis.duplicate_ack_num')).toEqual(['2']);
    expect(values(ps[6]!, 'tcp.analysis.duplicate_ack_frame')).toEqual(['5']);
    // tshark lists the flag item and the expert item under the same name
    expect(values(ps[6]!, 'tcp.analysis.duplicate_ack')).toHaveLength(2);
  });

  it('flags a segment that repeats bytes already sent as a retransmission and does not dissect it again', () => {
    const c = new Conversation(9000).send(true, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const again = c.segments[3]!;
    c.raw({ ...again });
    const ps = dissectAll(c.frames()).packets;
    expect(ps[4]!.info.startsWith('[TCP Retransmission] 40000 \u2192 9000 [PSH, ACK] Seq=1 Ack=1')).toBe(true);
    expect(values(ps[4]!, 'tcp.analysis.retransmission')).toHaveLength(1);
    expect(ps[4]!.protocols.endsWith(':tcp')).toBe(true);
    expect(ps[3]!.protocols.endsWith(':tcp:http')).toBe(true);
  });

  it('calls a resend right after two duplicate ACKs a fast retransmission', () => {
    // client data starts at raw 1001; the server keeps acking 1011 because 1011..1020 was lost
    const c = new Conversation(9000).send(true, 'a'.repeat(10));
    const ackLost = { fromClient: false, seq: 5001, ack: 1011, flags: ACK };
    c.raw({ ...ackLost }).raw({ ...ackLost }).raw({ ...ackLost });
    c.raw({ fromClient: true, seq: 1011, ack: 5001, flags: PSH | ACK, payload: 'b'.repeat(10) });
    const ps = dissectAll(c.frames()).packets;
    expect(ps[5]!.info.startsWith('[TCP Dup ACK 5#1] ')).toBe(true);
    expect(ps[6]!.info.startsWith('[TCP Dup ACK 5#2] ')).toBe(true);
    // not a resend of bytes seen before, so it is not a retransmission at all
    expect(ps[7]!.info.startsWith('40000 \u2192 9000 [PSH, ACK] Seq=11 ')).toBe(true);
    c.raw({ fromClient: true, seq: 1011, ack: 5001, flags: PSH | ACK, payload: 'b'.repeat(10), t: 7500 });
    const again = dissectAll(c.frames()).packets;
    expect(again[8]!.info.startsWith('[TCP Fast Retransmission] 40000 \u2192 9000 [PSH, ACK] Seq=11 ')).toBe(true);
    expect(values(again[8]!, 'tcp.analysis.fast_retransmission')).toHaveLength(1);
  });

  it('starts a new stream when a SYN reuses the ports of a finished one', () => {
    const a = new Conversation(9000).send(true, 'x', PSH | ACK | FIN).frames();
    const b = new Conversation(9000).frames().map((f, i) => ({ ...f, num: a.length + i + 1 }));
    // same ports, a different initial sequence number
    const syn = { ...b[0]!, data: b[0]!.data.slice() };
    new DataView(syn.data.buffer).setUint32(14 + 20 + 4, 777777);
    const ps = dissectAll([...a, syn]).packets;
    expect(values(ps[4]!, 'tcp.stream')).toEqual(['1']);
    expect(ps[4]!.info.startsWith('[TCP Port numbers reused] 40000 \u2192 9000 [SYN]')).toBe(true);
  });

  it('reports the segment an ACK acknowledges and counts the bytes in flight', () => {
    const c = new Conversation(9000).send(true, 'x'.repeat(10)).send(true, 'y'.repeat(5)).ack(false);
    const ps = dissectAll(c.frames()).packets;
    expect(values(ps[4]!, 'tcp.analysis.bytes_in_flight')).toEqual(['15']);
    expect(values(ps[5]!, 'tcp.analysis.acks_frame')).toEqual(['5']);
  });

  it('counts a FIN in the sequence space', () => {
    const c = new Conversation(9000).send(true, 'abc', FIN | ACK | PSH);
    const ps = dissectAll(c.frames()).packets;
    expect(values(ps[3]!, 'tcp.nxtseq')).toEqual(['5']);
  });
});

/** A tree's lines but a request's "[Response in frame: N]": only a revisit knows the answer (tshark's -2 pass). */
/** The tree's lines but what only a revisit knows: later frames, and the stream's message count. */
function firstPassLines(tree: Parameters<typeof treeLines>[0]): string[] {
  return treeLines(tree)
    .filter((l) => !/^ *\[(Response|Next request|Next response) in frame: \d+\]$/.test(l))
    .map((l) => l.replace(/^( *\[HTTP (?:request|response) \d+)\/\d+\]$/, '$1/total]'));
}

describe('two passes', () => {
  it('gives the same tree and columns when frames are revisited out of order', () => {
    const frames = readFrames(CHAT);
    const d = new Dissection(defaultRegistry());
    const first = frames.map((f) => d.dissect(f, true));
    const order = frames.map((_, i) => i).reverse();
    order.push(...[22, 7, 3, 27, 8, 35]);
    for (const i of order) {
      const again = d.dissect(frames[i]!, true);
      const want = first[i]!;
      expect(again.info, `frame ${i + 1} info`).toBe(want.info);
      expect(again.protocol).toBe(want.protocol);
      expect(again.protocols).toBe(want.protocols);
      expect(firstPassLines(again.tree!), `frame ${i + 1} tree`).toEqual(firstPassLines(want.tree!));
      expect(again.sources.map((s) => s.name)).toEqual(want.sources.map((s) => s.name));
    }
  });

  it('revisits every frame of the TCP/HTTP/WebSocket golden captures identically, and the fast path agrees on the columns', () => {
    const cases: { capture: string }[] = JSON.parse(readFileSync(resolve(REPO, 'test/golden/cases/tcp-http-ws.json'), 'utf8'));
    const differing: string[] = [];
    for (const c of cases) {
      const frames = readFrames(c.capture);
      const d = new Dissection(defaultRegistry());
      const view = (p: ReturnType<Dissection['dissect']>) => JSON.stringify([p.info, p.protocol, p.protocols, firstPassLines(p.tree!)]);
      const first = frames.map((f) => view(d.dissect(f, true)));
      for (let i = frames.length - 1; i >= 0; i--) {
        if (view(d.dissect(frames[i]!, true)) !== first[i]) differing.push(`${c.capture} frame ${i + 1}`);
      }
      // The fast path (no tree) must give the same columns on its own first pass.
      const fast = new Dissection(defaultRegistry());
      frames.forEach((f, i) => {
        const p = fast.dissect(f, false);
        const [info, protocol, protocols] = JSON.parse(first[i]!) as string[];
        if (p.info !== info || p.protocol !== protocol || p.protocols !== protocols) differing.push(`${c.capture} frame ${i + 1} (fast path)`);
      });
    }
    expect(differing).toEqual([]);
  });

  it('computes the same columns on the fast path (no tree)', () => {
    const frames = readFrames(CHAT);
    const slow = dissectAll(frames, true).packets;
    const fast = dissectAll(frames, false).packets;
    expect(fast.map((p) => [p.protocol, p.info, p.protocols])).toEqual(slow.map((p) => [p.protocol, p.info, p.protocols]));
    expect(fast.every((p) => p.tree === null)).toBe(true);
  });
});
