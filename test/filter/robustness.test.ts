/**
 * The filter box receives whatever the user types: every input must give a
 * filter or an error value, never an exception, and an error must point
 * inside (or at the end of) the text.
 */
import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../shared/filter/index.js';
import { httpPacket, testRegistry, websocketPacket } from './support.js';

const PIECES = [
  'tcp', 'tcp.port', 'ip.src', 'ip.addr', 'eth.src', 'frame', 'http.request.method', 'websocket.opcode', 'frame.time_relative',
  'frame.time', 'tcp.flags', 'tcp.flags.syn', 'tcp.analysis', 'tcp.payload', 'ipv6.addr', 'nosuch.field', 'len', 'count', 'upper',
  '==', '!=', '===', '!==', '~=', '<', '>', '<=', '>=', 'eq', 'ne', 'gt', 'contains', 'matches', '~', 'in', 'not', '!', 'and', 'or',
  '&&', '||', '&', 'any', 'all', '(', ')', '{', '}', ',', '..', '[', ']', '[0:2]', '[-1]', '[1-2]', '#', '#2', '80', '0x50', '012',
  '-1', '1.5', '10.0.0.0/8', '::1', 'fe80::/10', '00:11:22:33:44:55', 'aa:bb', '"GET"', '"a\\x41"', 'r"\\d+"', "'x'", '"unterminated',
  '+', '-', '*', '/', '%', '-frame.len', '-8', 'max', 'min', 'abs',
  'True', 'Set', 'TCP', '"(?i)get"', '"("', '999999999999999999999999', ':', '=', '$', '\\',
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('arbitrary input', () => {
  it('never throws, and errors point into the text', () => {
    const registry = testRegistry();
    const packets = [httpPacket(), websocketPacket()];
    const next = rng(7272);
    let accepted = 0;
    for (let n = 0; n < 5000; n++) {
      const count = 1 + Math.floor(next() * 7);
      const parts: string[] = [];
      for (let i = 0; i < count; i++) parts.push(PIECES[Math.floor(next() * PIECES.length)]!);
      const text = parts.join(next() < 0.7 ? ' ' : '');
      let result;
      try {
        result = compileFilter(text, registry);
        if (result.ok) {
          accepted++;
          for (const p of packets) result.filter.matches(p);
        }
      } catch (err) {
        throw new Error(`${JSON.stringify(text)} threw ${String(err)}`);
      }
      if (!result.ok) {
        expect(result.error.message, text).not.toBe('');
        expect(result.error.message, text).not.toMatch(/undefined|null|NaN|\[object/);
        expect(result.error.column, text).toBeGreaterThanOrEqual(0);
        expect(result.error.column + result.error.length, text).toBeLessThanOrEqual(text.length + 1);
      }
    }
    // The generator must exercise both outcomes.
    expect(accepted).toBeGreaterThan(100);
  });
});
