import { constants, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MessageInflater } from '../../shared/dissect/proto/websocket-inflate.js';
import { unmask } from '../../shared/dissect/proto/websocket.js';
import { concat, Conversation, dissectAll, nodes, upgradeResponse, UPGRADE_REQUEST, values, wsFrame } from './tcp-builder.js';

const KEY = [0x37, 0xfa, 0x21, 0x3d];
const hex = (a: number[]) => a.map((x) => x.toString(16).padStart(2, '0')).join('');

/** A stream on a port no dissector owns, upgraded by HTTP: frames after it are WebSocket. */
function upgraded(extensions?: string): Conversation {
  return new Conversation(9000).send(true, UPGRADE_REQUEST).send(false, upgradeResponse(extensions));
}

/** RFC 7692 7.2.1: compress, sync-flush, drop the 00 00 ff ff tail. */
function pmd(text: string | Buffer, dictionary?: Buffer): Uint8Array {
  const out = deflateRawSync(typeof text === 'string' ? Buffer.from(text) : text, { finishFlush: constants.Z_SYNC_FLUSH, ...(dictionary ? { dictionary } : {}) });
  expect([...out.subarray(out.length - 4)]).toEqual([0, 0, 0xff, 0xff]);
  return new Uint8Array(out.subarray(0, out.length - 4));
}

describe('WebSocket framing', () => {
  it('unmasks a client text frame on a stream upgraded on any port', () => {
    const msg = '{"type":"say","content":"hi, all !"}';
    const c = upgraded().send(true, wsFrame({ opcode: 1, payload: msg, mask: KEY }));
    const ps = dissectAll(c.frames()).packets;
    const p = ps[5]!;
    expect(ps[3]!.info).toBe('GET /chat HTTP/1.1 ');
    expect(ps[4]!.info).toBe('HTTP/1.1 101 Switching Protocols ');
    expect(p.protocol).toBe('WebSocket');
    expect(p.info).toBe('WebSocket Text [FIN] [MASKED]');
    expect(p.protocols.replace(/^frame:/, '')).toBe('eth:ethertype:ip:tcp:http:websocket:data-text-lines');
    expect(values(p, 'websocket.masking_key')).toEqual([hex(KEY)]);
    expect(values(p, 'websocket.mask')).toEqual(['1']);
    expect(values(p, 'websocket.opcode')).toEqual(['1']);
    expect(values(p, 'websocket.payload_length')).toEqual([String(msg.length)]);
    expect(values(p, 'websocket.payload.text')).toEqual([msg]);
  });

  it('unmasks with the key repeating every four bytes', () => {
    const plain = new Uint8Array([1, 2, 3, 4, 5, 6]);
    const masked = plain.map((b, i) => b ^ KEY[i % 4]!);
    expect([...unmask(masked, new Uint8Array(KEY))]).toEqual([...plain]);
  });

  it('reads 16-bit and 64-bit extended payload lengths', () => {
    const mid = 'm'.repeat(300);
    const big = 'b'.repeat(70000);
    const bigFrame = wsFrame({ opcode: 2, payload: big });
    const c = upgraded()
      .send(false, wsFrame({ opcode: 1, payload: mid }))
      .send(false, bigFrame.subarray(0, 40000))
      .send(false, bigFrame.subarray(40000))
      .send(false, wsFrame({ opcode: 1, payload: 'tiny', force64: true }));
    const ps = dissectAll(c.frames()).packets.slice();
    ps.splice(6, 1);
    expect(values(ps[5]!, 'websocket.payload_length')).toEqual(['126']);
    expect(values(ps[5]!, 'websocket.payload_length_ext_16')).toEqual(['300']);
    expect(values(ps[5]!, 'websocket.payload.text')).toEqual([mid]);
    expect(values(ps[6]!, 'websocket.payload_length')).toEqual(['127']);
    expect(values(ps[6]!, 'websocket.payload_length_ext_64')).toEqual(['70000']);
    expect(ps[6]!.info).toBe('WebSocket Binary [FIN] ');
    expect(ps[6]!.protocols.endsWith(':websocket:data')).toBe(true);
    expect(values(ps[7]!, 'websocket.payload_length_ext_64')).toEqual(['4']);
    expect(values(ps[7]!, 'websocket.payload.text')).toEqual(['tiny']);
  });

  it('dissects several frames in one segment; Info shows the last', () => {
    const seg = concat(
      wsFrame({ opcode: 1, payload: 'one', mask: KEY }),
      wsFrame({ opcode: 9, payload: 'p', mask: KEY }),
      wsFrame({ opcode: 1, payload: 'two', mask: KEY }),
    );
    const ps = dissectAll(upgraded().send(true, seg).frames()).packets;
    const p = ps[5]!;
    expect(values(p, 'websocket.opcode')).toEqual(['1', '9', '1']);
    expect(values(p, 'websocket.payload.text')).toEqual(['one', 'two']);
    expect(values(p, 'websocket.payload.ping')).toEqual(['70']);
    expect(values(p, 'tcp.pdu.size')).toEqual(['9', '7', '9']);
    expect(p.info).toBe('WebSocket Text [FIN] [MASKED]');
  });

  it('reassembles one frame sent over three segments', () => {
    const text = 'x'.repeat(100) + 'END';
    const f = wsFrame({ opcode: 1, payload: text, mask: KEY });
    const c = upgraded().send(true, f.subarray(0, 1)).send(true, f.subarray(1, 50)).send(true, f.subarray(50));
    const ps = dissectAll(c.frames()).packets;
    for (const i of [5, 6]) {
      expect(ps[i]!.protocol).toBe('TCP');
      expect(ps[i]!.info.endsWith(' [TCP segment of a reassembled PDU]')).toBe(true);
      expect(values(ps[i]!, 'websocket.opcode')).toEqual([]);
    }
    expect(values(ps[7]!, 'websocket.payload.text')).toEqual([text]);
    expect(values(ps[7]!, 'tcp.segment')).toEqual(['6', '7', '8']);
    expect(values(ps[7]!, 'tcp.reassembled.length')).toEqual([String(f.length)]);
    expect(ps[7]!.info).toBe('WebSocket Text [FIN] [MASKED]');
  });

  it('shows a message fragmented over continuation frames whole on the last frame', () => {
    const c = upgraded()
      .send(true, wsFrame({ opcode: 1, fin: false, payload: 'Hel', mask: KEY }))
      .send(true, wsFrame({ opcode: 9, payload: '', mask: KEY }))
      .send(true, wsFrame({ opcode: 0, payload: 'lo, ', mask: KEY, fin: false }))
      .send(true, wsFrame({ opcode: 0, payload: 'world', mask: KEY }));
    const ps = dissectAll(c.frames()).packets;
    expect(ps[5]!.info).toBe('WebSocket Text[FRAGMENT]  [MASKED]');
    expect(values(ps[5]!, 'websocket.payload.text')).toEqual([]);
    expect(ps[6]!.info).toBe('WebSocket Ping [FIN] [MASKED]');
    expect(ps[8]!.info).toBe('WebSocket Continuation [FIN] [MASKED]');
    expect(values(ps[8]!, 'websocket.payload.text')).toEqual(['Hello, world']);
    expect(values(ps[8]!, 'websocket.fragment')).toEqual(['6', '8', '9']);
    expect(ps[8]!.protocols.endsWith(':websocket:data-text-lines')).toBe(true);
  });

  it('shows the close status code and reason', () => {
    const body = concat(new Uint8Array([0x03, 0xe9]), new TextEncoder().encode('bye'));
    const ps = dissectAll(upgraded().send(false, wsFrame({ opcode: 8, payload: body })).frames()).packets;
    expect(ps[5]!.info).toBe('WebSocket Connection Close [FIN] ');
    expect(values(ps[5]!, 'websocket.payload.close.status_code')).toEqual(['1001']);
    expect(values(ps[5]!, 'websocket.payload.close.reason')).toEqual(['bye']);
  });

  it('does not take frames before the 101 for WebSocket', () => {
    const c = new Conversation(9000).send(true, UPGRADE_REQUEST).send(false, 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')
      .send(true, wsFrame({ opcode: 1, payload: 'nope', mask: KEY }));
    const ps = dissectAll(c.frames()).packets;
    expect(ps[5]!.protocols.includes('websocket')).toBe(false);
  });
});

describe('a frame the snapshot length cut', () => {
  // As tshark -V shows the chat capture cut by `editcap -s 150`: the header, the masked bytes kept, then
  // "WebSocket truncated" (it unmasks and reads the payload whole); frame.protocols ends in websocket.
  const msg = '{"type":"say","content":"' + 'x'.repeat(80) + '"}';
  const frames = upgraded().send(true, wsFrame({ opcode: 1, payload: msg, mask: KEY })).frames();
  const last = frames[frames.length - 1]!;
  const keep = last.data.length - 40;
  const p = dissectAll([...frames.slice(0, -1), { ...last, data: last.data.subarray(0, keep), capLen: keep }]).packets[frames.length - 1]!;

  it('ends the layer after the header and the masked bytes, showing no payload', () => {
    expect(values(p, 'websocket.masking_key')).toEqual([hex(KEY)]);
    expect(nodes(p, 'websocket.masked_payload')).toHaveLength(1);
    expect(values(p, 'websocket.payload.text')).toEqual([]);
    expect(p.protocols.replace(/^frame:/, '')).toBe('eth:ethertype:ip:tcp:http:websocket');
    expect(p.info).toBe('WebSocket Text [FIN] [MASKED][Packet size limited during capture]');
  });
});

describe('permessage-deflate', () => {
  it('inflates messages with context takeover across messages', () => {
    const m1 = 'hello websocket compression, hello again';
    const m2 = 'hello websocket compression, and once more';
    const c1 = pmd(m1);
    const c2 = pmd(m2, Buffer.from(m1));
    const c = upgraded('permessage-deflate')
      .send(false, wsFrame({ opcode: 1, payload: c1, rsv1: true }))
      .send(false, wsFrame({ opcode: 1, payload: c2, rsv1: true }));
    const ps = dissectAll(c.frames()).packets;
    expect(values(ps[5]!, 'websocket.rsv')).toEqual(['0x04']);
    expect(values(ps[5]!, 'websocket.pmc')).toEqual(['1']);
    expect(values(ps[5]!, 'websocket.payload.text')).toEqual([m1]);
    expect(values(ps[6]!, 'websocket.payload.text')).toEqual([m2]);
  });

  it('starts afresh for each message with no_context_takeover', () => {
    const m1 = 'alpha beta gamma';
    const m2 = 'delta epsilon';
    const c = upgraded('permessage-deflate; server_no_context_takeover')
      .send(false, wsFrame({ opcode: 1, payload: pmd(m1), rsv1: true }))
      .send(false, wsFrame({ opcode: 1, payload: pmd(m2), rsv1: true }));
    const ps = dissectAll(c.frames()).packets;
    expect(values(ps[6]!, 'websocket.payload.text')).toEqual([m2]);
  });

  it('stops at the 4 MiB cap with an expert item instead of inflating without bound', () => {
    const bomb = pmd(Buffer.alloc(5 * 1024 * 1024, 0x61));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const ps = dissectAll(upgraded('permessage-deflate').send(false, wsFrame({ opcode: 1, payload: bomb, rsv1: true })).frames()).packets;
    expect(values(ps[5]!, 'websocket.payload.text')).toEqual([]);
    const expert = nodes(ps[5]!, 'websocket.decompression.failed.expert');
    expect(expert).toHaveLength(1);
    expect(expert[0]!.text).toMatch(/4194304 bytes/);
  });

  it('caps a single inflater and refuses the broken context afterwards', () => {
    const inf = new MessageInflater(true, 1000);
    const small = inf.message(pmd('a'.repeat(10)));
    expect(small.ok).toBe(true);
    expect(inf.message(pmd('b'.repeat(5000)))).toEqual({ ok: false, reason: 'cap' });
    expect(inf.message(pmd('c')).ok).toBe(false);
  });
});
