/**
 * The packed Info column gives back every text exactly: numbers in every form the
 * splitter takes out or leaves alone, NUL and non-Latin-1 characters, texts past the
 * shape table's limit, entries across chunk boundaries; and every Info text of the
 * shared captures, as the first pass made it.
 */
import { describe, expect, it } from 'vitest';
import { InfoTexts, MAX_INFO_CHARS } from '../../main/worker/info-texts.js';
import { INFO_MAX_BYTES } from '../../shared/format/summary.js';
import { truncateUtf8 } from '../../shared/format/utf8-text.js';
import { corpusFiles, firstPass } from './corpus.js';

function roundTrip(texts: readonly string[]): void {
  const store = new InfoTexts();
  for (const t of texts) store.push(t);
  expect(store.count).toBe(texts.length);
  // Out of order too: decoding starts from a block's first entry.
  for (let i = texts.length - 1; i >= 0; i--) expect(store.get(i), `text ${i}`).toBe(texts[i]);
}

describe('InfoTexts', () => {
  it('gives back texts whose numbers are taken out, and those whose digits must stay as written', () => {
    roundTrip([
      '33007 → 80 [ACK] Seq=246 Ack=180 Win=64256 Len=0',
      '80 → 33007 [ACK] Seq=0 Ack=4294967295 Win=0 Len=1448',
      'Standard query 0x00a5 A example.com', 'Standard query 0xB9A5 A x', 'id=0x0000, seq=1/256', '0x', '0xg', '10x1f',
      'leading 007 zeros 0 00 01', 'big 123456789012345 1234567890123456 99999999999999999999',
      'hex 0x1234567890abc 0x1234567890abcd 0xfFfF', '', '0', '9', 'a1b2c3', '1.2.3.4 ::ffff:10.0.0.1',
      'nul\0inside\0\0d and 5\0d', '\0', '\0d', 'ünïcödé 12 €', 'emoji 😀 7 \ud800 lone 3',
    ]);
  });

  it('keeps texts that differ only in their numbers apart, and equal texts equal', () => {
    const texts = Array.from({ length: 5000 }, (_, i) => `GET /item/${i % 97} HTTP/1.1 Seq=${i * 7919} 0x${(i * 31).toString(16)}`);
    roundTrip(texts);
  });

  it('stores texts as characters once the shape table is full, and spans several chunks', () => {
    // Every text its own shape (letters vary, not digits): past the table's limit they are stored as characters.
    const word = (i: number): string => i.toString(26).replace(/[0-9]/g, (d) => 'qrstuvwxyz'[Number(d)]!);
    const texts = Array.from({ length: 40_000 }, (_, i) => `${word(i)} ${'long text '.repeat(i % 7)}${i} ${i % 3 ? 'é' : '中'}`);
    roundTrip(texts);
  });

  it('gives back texts pushed with hints (numbers equal to a hint, and numbers next to the hint codes)', () => {
    const texts = Array.from({ length: 3000 }, (_, i) => `${32768 + (i % 50)} → 80 [ACK] Seq=${i} Ack=${i % 3} Win=0x${(i % 200).toString(16)} Len=${i % 130}`);
    const hints = (i: number): [number, number] => (i % 7 === 0 ? [-1, -1] : [32768 + (i % 50), i % 11 === 0 ? 2 : 80]);
    const store = new InfoTexts();
    texts.forEach((t, i) => store.push(t, ...hints(i)));
    for (let i = texts.length - 1; i >= 0; i--) expect(store.get(i, ...hints(i)), `text ${i}`).toBe(texts[i]);
    // The hints take the place of the numbers: read with other hints, a text comes back with those.
    const hinted = texts.findIndex((_, i) => hints(i)[1] === 80 && i > 0);
    expect(store.get(hinted, 1, 2)).toMatch(/^1 → 2 /);
  });

  it('reads texts in order, also each one just after it was pushed, across chunks and literal entries', () => {
    // Long texts, some of one shape, some each their own (stored as characters): many chunks.
    const texts = Array.from({ length: 6000 }, (_, i) => (i % 3 === 0 ? `unique ${i.toString(36).replace(/\d/g, 'x')} ` : `seq=${i} `) + 'pad '.repeat(i % 40));
    const store = new InfoTexts();
    texts.forEach((t, i) => {
      store.push(t);
      expect(store.get(i), `text ${i} just pushed`).toBe(t);
    });
    for (let i = 0; i < texts.length; i++) expect(store.get(i), `text ${i} in order`).toBe(texts[i]);
    for (let i = 0; i < texts.length; i += 7) expect(store.get(i), `text ${i} every 7th`).toBe(texts[i]);
  });

  it('refuses a text too long for a chunk, with the limit in the message', () => {
    expect(() => new InfoTexts().push('x'.repeat(MAX_INFO_CHARS + 1))).toThrow(/at most/);
  });

  it('gives back, in the rows, the Info text the first pass made for every packet of the shared captures', async () => {
    let packets = 0;
    for (const file of corpusFiles()) {
      const made: string[] = [];
      const cap = await firstPass(file, (_i, d) => made.push(truncateUtf8(d.info, INFO_MAX_BYTES)));
      if (!cap) continue;
      expect(cap.store.count).toBe(made.length);
      for (let i = 0; i < made.length; i++) expect(cap.store.row(i).info, `${file} packet ${i + 1}`).toBe(made[i]);
      packets += made.length;
      await cap.close();
    }
    expect(packets).toBeGreaterThan(5000);
  }, 300_000);
});
