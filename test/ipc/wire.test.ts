/** The WebSocket encoding: JSON with bytes as base64, identical to Node's base64, any size. */
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, decodeWire, encodeWire } from '../../shared/ipc/wire.js';

function pseudoRandomBytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('base64', () => {
  it('matches Node for every length from 0 to 70, and for values 0..255', () => {
    for (let n = 0; n <= 70; n++) {
      const b = pseudoRandomBytes(n, n + 7);
      const text = bytesToBase64(b);
      expect(text).toBe(Buffer.from(b).toString('base64'));
      expect(base64ToBytes(text)).toEqual(b);
    }
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(bytesToBase64(all)).toBe(Buffer.from(all).toString('base64'));
  });

  it('encodes across its internal chunk boundary (24576 bytes) exactly', () => {
    for (const n of [24575, 24576, 24577, 49152, 49153]) {
      const b = pseudoRandomBytes(n, n);
      expect(bytesToBase64(b)).toBe(Buffer.from(b).toString('base64'));
    }
  });

  it('refuses text that is not strict base64', () => {
    expect(() => base64ToBytes('abc')).toThrow(/multiple of 4/);
    expect(() => base64ToBytes('ab$d')).toThrow(/position 2/);
    expect(() => base64ToBytes('AA==AAAA')).toThrow(/invalid base64/);
    expect(() => base64ToBytes('é===')).toThrow(/invalid base64/);
  });
});

describe('encodeWire / decodeWire', () => {
  it('round-trips nested values with bytes', () => {
    const value = {
      id: 3,
      reply: {
        num: 23,
        sources: [{ name: 'Frame', bytes: new Uint8Array([0, 1, 254, 255]) }, { name: 'Unmasked', bytes: new Uint8Array(0) }],
        comments: ['é ✓'],
        nothing: null,
      },
    };
    const text = encodeWire(value);
    expect(text).toContain('{"$bytes":"AAH+/w=="}');
    const back = decodeWire(text) as typeof value;
    expect(back).toEqual(value);
    expect(back.reply.sources[0]!.bytes).toBeInstanceOf(Uint8Array);
  });

  it('round-trips 1 MiB byte arrays (no stack overflow), top level and nested', () => {
    const big = pseudoRandomBytes(1 << 20, 42);
    const back = decodeWire(encodeWire(big)) as Uint8Array;
    expect(back).toBeInstanceOf(Uint8Array);
    expect(back.length).toBe(big.length);
    expect(Buffer.from(back).equals(Buffer.from(big))).toBe(true);
    const nested = decodeWire(encodeWire({ segments: [{ bytes: big }, { bytes: big.subarray(5, 9) }] })) as { segments: { bytes: Uint8Array }[] };
    expect(Buffer.from(nested.segments[0]!.bytes).equals(Buffer.from(big))).toBe(true);
    expect([...nested.segments[1]!.bytes]).toEqual([...big.subarray(5, 9)]);
  });

  it('leaves objects that only look like bytes alone', () => {
    expect(decodeWire('{"$bytes":5}')).toEqual({ $bytes: 5 });
    expect(decodeWire('{"$bytes":"AA==","other":1}')).toEqual({ $bytes: 'AA==', other: 1 });
  });

  it('throws on bad JSON and bad base64 (the bridge answers these with an error)', () => {
    expect(() => decodeWire('{"id":')).toThrow(SyntaxError);
    expect(() => decodeWire('{"$bytes":"!!!!"}')).toThrow(/invalid base64/);
  });

  it('keeps "__proto__" keys as plain data', () => {
    const v = decodeWire('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
