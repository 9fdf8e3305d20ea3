import { describe, expect, it } from 'vitest';
import type { TcpStream, WsMessage } from '../../shared/ipc/contract.js';
import { followHeader, followText } from '../../renderer/src/lib/format/follow.js';
import { looksLikeJson, prettyJson } from '../../renderer/src/lib/format/json.js';
import { closeCodeName, filterMessages, formatDelta, formatRelTime, formatSize, messageFlags } from '../../renderer/src/lib/format/ws.js';

const enc = (s: string) => new TextEncoder().encode(s);

const stream: TcpStream = {
  stream: 0,
  endpoints: ['127.0.0.1:59798', '127.0.0.1:7272'],
  totals: [18, 19],
  segments: [
    { dir: 0, num: 4, bytes: enc('GET / HTTP/1.1\r\n\r\n') },
    { dir: 1, num: 6, bytes: enc('HTTP/1.1 101 OK\r\n\r\n') },
    { dir: 0, num: 8, bytes: new Uint8Array(0) },
  ],
};

describe('follow TCP text', () => {
  it('writes the header with both endpoints and byte counts', () => {
    expect(followHeader(stream)).toBe('client 127.0.0.1:59798 → server 127.0.0.1:7272, 18 bytes / 19 bytes');
  });

  it('renders ASCII per segment, skipping empty ones', () => {
    const t = followText(stream, 'ascii', 'both');
    expect(t.chunks.map((c) => [c.dir, c.num, c.text])).toEqual([
      [0, 4, 'GET / HTTP/1.1\n\n'],
      [1, 6, 'HTTP/1.1 101 OK\n\n'],
    ]);
    expect(t.truncated).toBe(false);
    expect(t.shownBytes).toBe(37);
  });

  it('shows one direction only', () => {
    expect(followText(stream, 'ascii', 'server').chunks.map((c) => c.num)).toEqual([6]);
    expect(followText(stream, 'ascii', 'client').chunks.map((c) => c.num)).toEqual([4]);
  });

  it('dumps hex with per-direction offsets, server lines indented', () => {
    const t = followText(stream, 'hex', 'both');
    expect(t.chunks[0]!.text.startsWith('00000000  47 45 54 20')).toBe(true);
    expect(t.chunks[0]!.text.split('\n')[1]!.startsWith('00000010  0d 0a')).toBe(true);
    expect(t.chunks[1]!.text.startsWith('    00000000  48 54 54 50')).toBe(true);
  });

  it('writes raw hex one segment a line', () => {
    const t = followText(stream, 'raw', 'client');
    expect(t.chunks[0]!.text).toBe('474554202f20485454502f312e310d0a0d0a\n');
  });

  it('cuts at the byte budget and says so', () => {
    const t = followText(stream, 'ascii', 'both', 20);
    expect(t.truncated).toBe(true);
    expect(t.shownBytes).toBe(20);
    expect(t.chunks).toHaveLength(2);
    expect(t.chunks[1]!.text).toBe('HT');
  });
});

describe('JSON detection', () => {
  it('pretty-prints objects and arrays only', () => {
    expect(prettyJson('{"type":"say","content":"hi, all !"}')).toBe('{\n  "type": "say",\n  "content": "hi, all !"\n}');
    expect(prettyJson(' [1,2] ')).toBe('[\n  1,\n  2\n]');
    expect(prettyJson('42')).toBeNull();
    expect(prettyJson('{not json}')).toBeNull();
    expect(prettyJson('')).toBeNull();
    expect(looksLikeJson('{"a":1')).toBe(false);
  });
});

function msg(partial: Partial<WsMessage> & Pick<WsMessage, 'index' | 'opcode'>): WsMessage {
  return { dir: 'client', relTime: 0, epochTime: 0, size: 0, masked: false, compressed: false, frames: [1], ...partial };
}

describe('WebSocket helpers', () => {
  const messages = [
    msg({ index: 0, opcode: 'text', text: '{"type":"login","client_name":"Mynick"}' }),
    msg({ index: 1, opcode: 'binary', bytes: new Uint8Array([0xca, 0xfe]) }),
    msg({ index: 2, opcode: 'ping' }),
    msg({ index: 3, opcode: 'close', closeCode: 1001, text: 'bye' }),
  ];

  it('filters by substring (case-insensitive, hex for binary, close code) and opcode', () => {
    expect(filterMessages(messages, 'mynick', 'all').map((m) => m.index)).toEqual([0]);
    expect(filterMessages(messages, 'CAFE', 'all').map((m) => m.index)).toEqual([1]);
    expect(filterMessages(messages, '1001', 'all').map((m) => m.index)).toEqual([3]);
    expect(filterMessages(messages, '', 'control').map((m) => m.index)).toEqual([2, 3]);
    expect(filterMessages(messages, '', 'data').map((m) => m.index)).toEqual([0, 1]);
    expect(filterMessages(messages, '', 'binary').map((m) => m.index)).toEqual([1]);
    expect(filterMessages(messages, 'zzz', 'all')).toEqual([]);
  });

  it('names close codes and formats times and sizes', () => {
    expect(closeCodeName(1000)).toBe('Normal Closure');
    expect(closeCodeName(4001)).toBe('Application code');
    expect(formatRelTime(3.9007561)).toBe('3.900756');
    expect(formatDelta(0.0004)).toBe('+0.40 ms');
    expect(formatDelta(0.25)).toBe('+250 ms');
    expect(formatDelta(2.5)).toBe('+2.50 s');
    expect(formatDelta(125)).toBe('+2 min 5 s');
    expect(formatSize(92)).toBe('92 B');
    expect(formatSize(2048)).toBe('2.0 KiB');
  });

  it('lists framing flags', () => {
    expect(messageFlags(msg({ index: 0, opcode: 'text', masked: true, compressed: true, frames: [5, 6] }))).toEqual([
      'masked', 'compressed', 'fragmented (2 frames)',
    ]);
    expect(messageFlags(msg({ index: 0, opcode: 'text' }))).toEqual([]);
  });
});
