/**
 * The request/response table DNS and ICMP keep for a whole capture: pairs of
 * endpoints numbered either way round, transactions found again after the table
 * has grown many times, a request stored again replacing the earlier one, and
 * request times past a double's exact range.
 */
import { describe, expect, it } from 'vitest';
import { TransactionTable } from '../../shared/dissect/proto/transaction-table.js';

describe('TransactionTable', () => {
  it('numbers an endpoint pair the same either way round, and other pairs apart', () => {
    const t = new TransactionTable();
    const a = t.pairId('10.0.0.1', -1, 53, '10.0.0.2', -1, 40000);
    expect(t.pairId('10.0.0.2', -1, 40000, '10.0.0.1', -1, 53)).toBe(a);
    expect(t.pairId('10.0.0.2', -1, 40001, '10.0.0.1', -1, 53)).not.toBe(a);
    expect(t.pairId('fe80::1', -1, 53, 'fe80::2', -1, 40000)).not.toBe(a);
  });

  it('finds every transaction again after growing, and only those stored', () => {
    const t = new TransactionTable();
    const rows = new Map<string, number>();
    for (let k = 0; k < 20_000; k++) {
      const pair = k % 97;
      const extra = (k * 65_537) % 2 ** 48;
      rows.set(`${pair} ${extra}`, t.put(pair, extra, k + 1, k * 1000));
    }
    for (const [key, row] of rows) {
      const [pair, extra] = key.split(' ').map(Number) as [number, number];
      expect(t.find(pair, extra)).toBe(row);
      expect(t.requestFrame(row)).toBe(row + 1);
      expect(t.requestTime(row)).toBe(row * 1000);
      expect(t.responseFrame(row)).toBe(0);
    }
    expect(t.find(97, 0)).toBe(-1);
    expect(t.find(0, 1)).toBe(-1);
  });

  it('replaces a transaction stored again under its key, answered or not', () => {
    const t = new TransactionTable();
    const row = t.put(3, 7, 10, 100);
    t.setResponseFrame(row, 11);
    expect(t.responseFrame(t.find(3, 7))).toBe(11);
    expect(t.put(3, 7, 20, 200)).toBe(row);
    expect([t.requestFrame(row), t.requestTime(row), t.responseFrame(row)]).toEqual([20, 200, 0]);
  });

  it('keeps a request time past 2^53 nanoseconds exactly, and a later plain one', () => {
    const t = new TransactionTable();
    const big = 2n ** 60n + 1n;
    const row = t.put(1, 1, 5, big);
    expect(t.requestTime(row)).toBe(big);
    t.put(1, 1, 6, 42);
    expect(t.requestTime(row)).toBe(42);
  });
});
