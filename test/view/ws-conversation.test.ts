import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { constants, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Dissected } from '../../shared/dissect/engine.js';
import type { WsMessage } from '../../shared/ipc/contract.js';
import { tcpStreamOf } from '../../shared/view/follow-tcp-packet.js';
import { WS_BYTES_LIMIT, wsConversationSummary, wsMessages } from '../../shared/view/ws-conversation.js';
import { concat, Conversation, dissectAll, upgradeResponse, UPGRADE_REQUEST, wsFrame } from '../dissect/tcp-builder.js';
import { CHAT, dissectFile } from '../support/dissect-file.js';

// ------------------------------------------------------------------ against tshark

interface TFrame { fin: boolean; rsv: number; opcode: number; mask: boolean; length: number; pmc?: boolean; text?: string; closeCode?: number; closeReason?: string }
interface TPacket { num: number; stream: number; src: string; epoch: string; rel: string; segments: number[]; ws: TFrame[] }
interface Expected { generator: string; captures: { capture: string; decodeAs: number | null; packets: TPacket[] }[] }

/** `node test/view/generate-expected.mjs` writes this from tshark's WebSocket frames (`-T json -J websocket`). */
const expected = JSON.parse(readFileSync(resolve(import.meta.dirname, 'expected/websocket-frames.json'), 'utf8')) as Expected;

const OPCODES: Record<number, string> = { 0: 'continuation', 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };
const utf8Length = (s: string) => new TextEncoder().encode(s).length;

/** What tshark's frames say the messages are: fragments joined per sender, control frames on their own. */
function tsharkMessages(packets: readonly TPacket[]) {
  type Part = { p: TPacket; f: TFrame };
  const out: ReturnType<typeof message>[] = [];
  const open = new Map<string, Part[]>();
  function message(parts: Part[]) {
    const first = parts[0]!, last = parts[parts.length - 1]!;
    const opcode = OPCODES[first.f.opcode] ?? 'reserved';
    const compressed = first.f.pmc === true;
    const raw = parts.reduce((n, x) => n + x.f.length, 0);
    const frames = [...new Set(parts.flatMap((x) => [x.p.num, ...x.p.segments]))].sort((a, b) => a - b);
    const text = opcode === 'close' ? first.f.closeReason : opcode === 'text' ? last.f.text : undefined;
    return {
      src: first.p.src, opcode, masked: first.f.mask, compressed, frames,
      size: opcode === 'text' && compressed && text !== undefined ? utf8Length(text) : raw,
      ...(text !== undefined ? { text } : {}),
      ...(first.f.closeCode !== undefined ? { closeCode: first.f.closeCode } : {}),
      relTime: Number(last.p.rel), epochTime: Number(last.p.epoch),
    };
  }
  for (const p of packets) {
    for (const f of p.ws) {
      if (f.opcode & 8) {
        out.push(message([{ p, f }]));
        continue;
      }
      let parts = open.get(p.src);
      if (f.opcode !== 0) {
        if (parts) out.push(message(parts));
        parts = [{ p, f }];
      } else (parts ??= []).push({ p, f });
      if (f.fin) {
        out.push(message(parts));
        open.delete(p.src);
      } else open.set(p.src, parts);
    }
  }
  return out;
}

function streamPackets(packets: readonly Dissected[], stream: number): Dissected[] {
  return packets.filter((d) => tcpStreamOf(d) === stream);
}

describe('WebSocket messages against tshark', () => {
  for (const c of expected.captures) {
    it(c.capture.replace('../shared/', ''), () => {
      const { packets } = dissectFile(c.capture);
      const streams = [...new Set(c.packets.map((p) => p.stream))];
      for (const stream of streams) {
        const where = `${c.capture} stream ${stream}`;
        const summary = wsConversationSummary(packets, stream);
        expect(summary, where).not.toBeNull();
        const ours = wsMessages(streamPackets(packets, stream));
        const theirs = tsharkMessages(c.packets.filter((p) => p.stream === stream));
        expect(summary!.messages, where).toBe(ours.length);
        const mapped = ours.map((m) => ({
          src: m.dir === 'client' ? summary!.client : summary!.server,
          opcode: m.opcode, masked: m.masked, compressed: m.compressed, frames: m.frames, size: m.size,
          ...(m.text !== undefined ? { text: m.text } : {}),
          ...(m.closeCode !== undefined ? { closeCode: m.closeCode } : {}),
          relTime: m.relTime, epochTime: m.epochTime,
        }));
        expect(mapped.map(({ relTime: _r, epochTime: _e, ...m }) => m), where).toEqual(theirs.map(({ relTime: _r, epochTime: _e, ...m }) => m));
        mapped.forEach((m, i) => {
          expect(m.relTime, `${where} #${i}`).toBeCloseTo(theirs[i]!.relTime, 6);
          expect(m.epochTime, `${where} #${i}`).toBeCloseTo(theirs[i]!.epochTime, 6);
        });
        ours.forEach((m, i) => {
          expect(m.index).toBe(i);
          if (m.opcode === 'binary') expect(m.bytes?.length, `${where} #${i}`).toBe(Math.min(m.size, WS_BYTES_LIMIT));
          if (m.text !== undefined && /^\s*[[{]/.test(m.text)) {
            let pretty: string | undefined;
            try { pretty = JSON.stringify(JSON.parse(m.text), null, 2); } catch { pretty = undefined; }
            expect(m.json, `${where} #${i}`).toBe(pretty);
          }
        });
      }
    });
  }
});

describe('the chat capture', () => {
  const { packets } = dissectFile(CHAT);

  it('has one conversation per TCP stream, asked for on path /', () => {
    expect(wsConversationSummary(packets, 0)).toEqual({ id: 0, tcpStream: 0, client: '127.0.0.1:59798', server: '127.0.0.1:7272', path: '/', messages: 8 });
    expect(wsConversationSummary(packets, 1)).toEqual({ id: 1, tcpStream: 1, client: '127.0.0.1:59806', server: '127.0.0.1:7272', path: '/', messages: 5 });
    expect(wsConversationSummary(packets, 2)).toBeNull();
  });

  it('shows the client message of frame 23 unmasked, as text and as indented JSON', () => {
    const ms = wsMessages(streamPackets(packets, 0));
    expect(ms.map((m) => [m.dir, m.opcode, m.frames.join()])).toEqual([
      ['client', 'text', '8'], ['server', 'text', '9'], ['server', 'text', '19'], ['client', 'text', '23'],
      ['server', 'text', '24'], ['server', 'text', '32'], ['client', 'close', '34'], ['server', 'close', '36'],
    ]);
    const say = ms[3]!;
    expect(say.masked).toBe(true);
    expect(say.compressed).toBe(false);
    expect(say.text).toBe('{"type":"say","to_client_id":"all","to_client_name":"所有人","content":"hi, all !"}');
    expect(say.size).toBe(86);
    expect(say.json).toBe('{\n  "type": "say",\n  "to_client_id": "all",\n  "to_client_name": "所有人",\n  "content": "hi, all !"\n}');
    expect(say.relTime).toBeCloseTo(2.117552, 9);
    expect(say.epochTime).toBeCloseTo(1795524303.900756, 6);
    expect(ms[4]!.masked).toBe(false);
    expect(ms[6]).toMatchObject({ opcode: 'close', closeCode: 1001, size: 2, masked: true });
    expect(ms[6]!.text).toBeUndefined();
  });

  it('takes the stream from the packets when they hold several', () => {
    expect(wsMessages(packets).map((m) => m.frames[0])).toEqual([8, 9, 19, 23, 24, 32, 34, 36]);
  });
});

// ------------------------------------------------------------------ built conversations

const KEY = [0x37, 0xfa, 0x21, 0x3d];
const CLIENT = '10.0.0.1:40000';
const SERVER = '10.0.0.2:9000';

/** A stream on a port no dissector owns, upgraded by HTTP (frames 4 and 5): frames from 6 on are WebSocket. */
function upgraded(extensions?: string): Conversation {
  return new Conversation(9000).send(true, UPGRADE_REQUEST).send(false, upgradeResponse(extensions));
}

function messages(c: Conversation): WsMessage[] {
  return wsMessages(dissectAll(c.frames()).packets);
}

/** RFC 7692 7.2.1: compress, sync-flush, drop the 00 00 ff ff tail. */
function pmd(text: string, dictionary?: string): Uint8Array {
  const out = deflateRawSync(Buffer.from(text), { finishFlush: constants.Z_SYNC_FLUSH, ...(dictionary ? { dictionary: Buffer.from(dictionary) } : {}) });
  return new Uint8Array(out.subarray(0, out.length - 4));
}

describe('WebSocket messages of built conversations', () => {
  it('summarises the conversation: who asked, on which path', () => {
    const { packets } = dissectAll(upgraded().send(true, wsFrame({ opcode: 1, payload: 'hi', mask: KEY })).frames());
    expect(wsConversationSummary(packets, 0)).toEqual({ id: 0, tcpStream: 0, client: CLIENT, server: SERVER, path: '/chat', messages: 1 });
  });

  it('joins a fragmented text message, and a ping between its fragments is a message of its own', () => {
    const ms = messages(upgraded()
      .send(true, wsFrame({ opcode: 1, fin: false, payload: 'Hel', mask: KEY }))
      .send(true, wsFrame({ opcode: 9, payload: 'are you there', mask: KEY }))
      .send(true, wsFrame({ opcode: 0, fin: false, payload: 'lo, ', mask: KEY }))
      .send(true, wsFrame({ opcode: 0, payload: 'world', mask: KEY }))
      .send(false, wsFrame({ opcode: 10, payload: 'are you there' })));
    expect(ms.map((m) => [m.index, m.dir, m.opcode, m.frames.join()])).toEqual([
      [0, 'client', 'ping', '7'], [1, 'client', 'text', '6,8,9'], [2, 'server', 'pong', '10'],
    ]);
    expect(ms[1]).toMatchObject({ text: 'Hello, world', size: 12, masked: true, compressed: false });
    expect(ms[1]!.json).toBeUndefined();
    expect(new TextDecoder().decode(ms[0]!.bytes)).toBe('are you there');
    expect(ms[0]!.text).toBeUndefined();
    // Times are the frame that completed the message: the builder puts frame n at n ms.
    expect(ms[1]!.relTime).toBeCloseTo(0.008, 9);
    expect(ms[1]!.epochTime).toBeCloseTo(1_700_000_000.009, 6);
  });

  it('names every frame that carried a WebSocket frame split across TCP segments', () => {
    const first = wsFrame({ opcode: 1, payload: 'x'.repeat(100) + 'END', mask: KEY });
    const second = wsFrame({ opcode: 1, payload: '{"n":[1,2]}', mask: KEY });
    const ms = messages(upgraded().send(true, first.subarray(0, 40)).send(true, concat(first.subarray(40), second)));
    expect(ms.map((m) => m.frames.join())).toEqual(['6,7', '7']);
    expect(ms[0]!.text).toBe('x'.repeat(100) + 'END');
    expect(ms[1]!.json).toBe('{\n  "n": [\n    1,\n    2\n  ]\n}');
  });

  it('gives a binary message its bytes, not text', () => {
    const payload = new Uint8Array([0, 1, 2, 0xfe, 0xff]);
    const [m] = messages(upgraded().send(false, wsFrame({ opcode: 2, payload })));
    expect(m).toMatchObject({ dir: 'server', opcode: 'binary', size: 5, masked: false, frames: [6] });
    expect([...m!.bytes!]).toEqual([...payload]);
    expect(m!.text).toBeUndefined();
    expect(m!.truncated).toBeUndefined();
  });

  it('cuts a binary message longer than 64 KiB and says so', () => {
    const big = new Uint8Array(70_000).map((_, i) => i & 0xff);
    const f = wsFrame({ opcode: 2, payload: big });
    const [m] = messages(upgraded().send(false, f.subarray(0, 40_000)).send(false, f.subarray(40_000)));
    expect(m).toMatchObject({ opcode: 'binary', size: 70_000, truncated: true, frames: [6, 7] });
    expect(m!.bytes!.length).toBe(WS_BYTES_LIMIT);
    expect(m!.bytes![WS_BYTES_LIMIT - 1]).toBe((WS_BYTES_LIMIT - 1) & 0xff);
    expect(m!.bytes!.buffer.byteLength).toBe(WS_BYTES_LIMIT);
  });

  it('reads a close frame: code, and its reason as text', () => {
    const body = concat(new Uint8Array([0x03, 0xe9]), new TextEncoder().encode('going away now'));
    const [m] = messages(upgraded().send(true, wsFrame({ opcode: 8, payload: body, mask: KEY })));
    expect(m).toMatchObject({ dir: 'client', opcode: 'close', closeCode: 1001, text: 'going away now', size: 16, masked: true });
  });

  it('inflates permessage-deflate messages, with the context carried from one message to the next', () => {
    const m1 = 'hello websocket compression, hello again';
    const m2 = 'hello websocket compression, and once more';
    const ms = messages(upgraded('permessage-deflate')
      .send(false, wsFrame({ opcode: 1, payload: pmd(m1), rsv1: true }))
      .send(false, wsFrame({ opcode: 1, payload: pmd(m2, m1), rsv1: true }))
      .send(false, wsFrame({ opcode: 1, payload: 'plain' })));
    expect(ms.map((m) => [m.text, m.size, m.compressed])).toEqual([[m1, m1.length, true], [m2, m2.length, true], ['plain', 5, false]]);
  });

  it('inflates a compressed message sent in fragments', () => {
    const text = '{"event":"tick","values":[1,1,2,3,5,8,13]}';
    const z = pmd(text);
    const ms = messages(upgraded('permessage-deflate; server_no_context_takeover')
      .send(false, wsFrame({ opcode: 1, fin: false, payload: z.subarray(0, 10), rsv1: true }))
      .send(false, wsFrame({ opcode: 0, payload: z.subarray(10) })));
    expect(ms).toHaveLength(1);
    expect(ms[0]).toMatchObject({ text, size: text.length, compressed: true, frames: [6, 7] });
    expect(JSON.parse(ms[0]!.json!)).toEqual(JSON.parse(text));
  });

  it('gives a retransmitted frame once', () => {
    const c = upgraded().send(false, wsFrame({ opcode: 1, payload: 'once' }));
    c.raw({ ...c.segments[c.segments.length - 1]! });
    expect(messages(c).map((m) => [m.text, m.frames.join()])).toEqual([['once', '6']]);
  });

  it('joins a message whose last fragment is empty (the dissector shows no text for it)', () => {
    const ms = messages(upgraded()
      .send(true, wsFrame({ opcode: 1, fin: false, payload: '{"a":', mask: KEY }))
      .send(true, wsFrame({ opcode: 0, fin: false, payload: '1}', mask: KEY }))
      .send(true, wsFrame({ opcode: 0, payload: '', mask: KEY })));
    expect(ms).toEqual([expect.objectContaining({ opcode: 'text', text: '{"a":1}', json: '{\n  "a": 1\n}', size: 7, frames: [6, 7, 8] })]);
  });

  it('shows an unfinished fragmented message at the end, from the bytes that arrived', () => {
    const ms = messages(upgraded().send(true, wsFrame({ opcode: 1, fin: false, payload: 'half a ', mask: KEY })));
    expect(ms).toEqual([expect.objectContaining({ opcode: 'text', text: 'half a ', size: 7, frames: [6] })]);
  });

  it('has no conversation on a stream without WebSocket', () => {
    const c = new Conversation(9000).send(true, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n').send(false, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    const { packets } = dissectAll(c.frames());
    expect(wsConversationSummary(packets, 0)).toBeNull();
    expect(wsMessages(packets)).toEqual([]);
    expect(wsMessages([])).toEqual([]);
  });

  it('lists a conversation switched to WebSocket before any message was sent', () => {
    const { packets } = dissectAll(upgraded().frames());
    expect(wsConversationSummary(packets, 0)).toEqual({ id: 0, tcpStream: 0, client: CLIENT, server: SERVER, path: '/chat', messages: 0 });
  });
});
