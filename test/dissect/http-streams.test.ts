import { describe, expect, it } from 'vitest';
import { HttpStreams, NO_TEXT } from '../../shared/dissect/proto/http-streams.js';

/** Adds `n` requests to stream s, request k in frame base + k with URI /s/k, and returns their frames. */
function addRequests(t: HttpStreams, s: number, n: number, base: number, timed = false): number[] {
  const frames: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = t.requestCount(s);
    t.addRequest(s, base + i, t.textId(`/${s}/${i}`, false), t.textId('example.com', true), i % 3 === 0, timed, 1000 + i, i);
    frames.push(base + i);
  }
  return frames;
}

describe('HTTP per-stream columns', () => {
  it('keeps each stream\'s requests apart while their blocks grow, move and outgrow the shared store', () => {
    const t = new HttpStreams();
    // Interleaved streams, one far beyond the first columns' size, one past the largest block.
    const counts = new Map([[0, 1], [3, 5], [700, 3], [9, 200]]);
    for (const s of counts.keys()) t.ensureStream(s);
    for (let round = 0; round < 200; round++) {
      for (const [s, n] of counts) if (t.requestCount(s) < n) addRequests(t, s, 1, s * 10_000);
    }
    for (const [s, n] of counts) {
      expect(t.requestCount(s)).toBe(n);
      for (let i = 0; i < n; i++) {
        expect(t.requestFrame(s, i)).toBe(s * 10_000 + i);
        expect(t.requestUri(s, i)).toBe(`/${s}/${i}`);
        expect(t.requestHost(s, i)).toBe('example.com');
        expect(t.isHeadRequest(s, i)).toBe(i % 3 === 0);
      }
      expect(t.isHeadRequest(s, n)).toBe(false);
    }
  });

  it('shares one id for a repeated text only when asked, and has none for a missing one', () => {
    const t = new HttpStreams();
    expect(t.textId('/a', true)).toBe(t.textId('/a', true));
    expect(t.sharedTextId('/a')).toBe(t.textId('/a', true));
    expect(t.textId('/b', false)).not.toBe(t.textId('/b', false));
    expect(t.sharedTextId('/b')).toBeUndefined();
    t.ensureStream(0);
    t.addRequest(0, 5, NO_TEXT, NO_TEXT, false, false, 0, 0);
    expect(t.requestUri(0, 0)).toBe('');
    expect(t.requestHost(0, 0)).toBeUndefined();
  });

  it('lets answered requests go and still reads the kept ones by their place in the stream', () => {
    const t = new HttpStreams();
    t.ensureStream(2);
    addRequests(t, 2, 150, 1);
    t.dropBefore(2, 100);
    expect(t.dropped(2)).toBe(100);
    expect(t.requestFrame(2, 100)).toBe(101);
    expect(t.requestUri(2, 149)).toBe('/2/149');
    expect(t.isHeadRequest(2, 99)).toBe(false);
    expect(t.isHeadRequest(2, 102)).toBe(true);
    addRequests(t, 2, 10, 1);
    expect(t.requestCount(2)).toBe(160);
    expect(t.requestFrame(2, 159)).toBe(160);
  });

  it('gives the exact time from a request to a later moment, kept only when asked', () => {
    const t = new HttpStreams();
    t.ensureStream(1);
    addRequests(t, 1, 1, 1, true);
    // Sent at 1000 s + 0 ns; 2^53 ns later is past a number's exact range.
    expect(t.requestTimeTo(1, 0, 1001, 5)).toBe(1_000_000_005);
    expect(BigInt(t.requestTimeTo(1, 0, 1000 + 9_100_000, 0)!)).toBe(9_100_000n * 1_000_000_000n);
    const untimed = new HttpStreams();
    untimed.ensureStream(1);
    addRequests(untimed, 1, 1, 1);
    expect(untimed.requestTimeTo(1, 0, 1001, 5)).toBeUndefined();
  });

  it('records where WebSocket starts, as it stood at each frame', () => {
    const t = new HttpStreams();
    t.ensureStream(4);
    expect(t.websocketFrom(4)).toBeUndefined();
    t.setWebsocketAfter(4, 10);
    t.setWebsocketAfter(4, 20);
    expect(t.websocketFrom(4)).toBe(21);
    expect(t.websocketFromAt(4, 10)).toBeUndefined();
    expect(t.websocketFromAt(4, 11)).toBe(11);
    expect(t.websocketFromAt(4, 21)).toBe(21);
  });
});
