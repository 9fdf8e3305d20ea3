import { describe, expect, it } from 'vitest';
import type { WsMessage } from '../../shared/ipc/contract.js';
import { isoMicros, wsJsonLines } from '../../shared/view/json-lines.js';
import { tcpStreamOf } from '../../shared/view/follow-tcp-packet.js';
import { wsMessages } from '../../shared/view/ws-conversation.js';
import { CHAT, dissectFile } from '../support/dissect-file.js';

function message(over: Partial<WsMessage>): WsMessage {
  return { index: 0, dir: 'server', relTime: 0, epochTime: 0, opcode: 'text', size: 0, masked: false, compressed: false, frames: [1], ...over };
}

describe('WebSocket messages as JSON Lines', () => {
  it('writes one object per message that parses back, line by line', () => {
    const packets = dissectFile(CHAT).packets.filter((d) => tcpStreamOf(d) === 0);
    const ms = wsMessages(packets);
    const text = wsJsonLines(ms);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(ms.length);
    const objs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs[3]).toEqual({
      index: 3, dir: 'client', time: '2026-11-24T12:45:03.900756Z', relTime: 2.117552, opcode: 'text', size: 86,
      text: '{"type":"say","to_client_id":"all","to_client_name":"所有人","content":"hi, all !"}',
      json: { type: 'say', to_client_id: 'all', to_client_name: '所有人', content: 'hi, all !' },
      frames: [23],
    });
    expect(Object.keys(objs[3]!)).toEqual(['index', 'dir', 'time', 'relTime', 'opcode', 'size', 'text', 'json', 'frames']);
    expect(objs[6]).toEqual({ index: 6, dir: 'client', time: '2026-11-24T12:45:04.865419Z', relTime: 3.082215, opcode: 'close', size: 2, closeCode: 1001, frames: [34] });
    for (const o of objs) expect(o.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('writes binary payloads as hex and says when they were cut', () => {
    const line = wsJsonLines([message({ opcode: 'binary', size: 70000, bytes: new Uint8Array([0, 0xab, 0xff]), truncated: true, frames: [6, 7] })]);
    expect(JSON.parse(line)).toEqual({ index: 0, dir: 'server', time: '1970-01-01T00:00:00.000000Z', relTime: 0, opcode: 'binary', size: 70000, hex: '00abff', truncated: true, frames: [6, 7] });
  });

  it('keeps text that is not JSON as text only, and a message with a newline on one line', () => {
    const out = wsJsonLines([message({ text: 'line one\nline two {', size: 19 }), message({ index: 1, text: '[1,2', size: 4 })]);
    const lines = out.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0]!).text).toBe('line one\nline two {');
    expect(JSON.parse(lines[1]!)).not.toHaveProperty('json');
  });

  it('is empty for no messages', () => {
    expect(wsJsonLines([])).toBe('');
  });

  it('writes times with microseconds, rounding the float epoch to the nearest one', () => {
    expect(isoMicros(1795524303.900756)).toBe('2026-11-24T12:45:03.900756Z');
    expect(isoMicros(1700000000.123456)).toBe('2023-11-14T22:13:20.123456Z');
    // Half a microsecond short of the next second rounds up into it, carrying into the seconds.
    expect(isoMicros(1700000000.9999997)).toBe('2023-11-14T22:13:21.000000Z');
    expect(isoMicros(0.000001)).toBe('1970-01-01T00:00:00.000001Z');
  });
});
