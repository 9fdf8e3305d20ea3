/**
 * The Info sort (info-order.ts) orders packets exactly as comparing their decoded
 * texts with `<` does, ties in frame order, both ways: on made-up texts with the
 * hard cases (equal prefixes, numbers of different widths before different
 * characters, hex of several widths, digits kept as text, empty texts, non-ASCII,
 * texts stored as characters, numbers given as hints), on every shared capture,
 * and while packets are appended under the sort.
 */
import { describe, expect, it } from 'vitest';
import { DisplayList, sortPackets } from '../../main/worker/display-list.js';
import { InfoTexts } from '../../main/worker/info-texts.js';
import { sortByInfo, type InfoColumn } from '../../main/worker/info-order.js';
import { PacketStore } from '../../main/worker/packet-store.js';
import { FrameTimes } from '../../shared/dissect/frame-store.js';
import { corpusFiles, firstPass } from './corpus.js';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** The order the sort must give: the texts decoded and compared with `<`, ties by frame. */
function reference(text: (i: number) => string, packets: Uint32Array, descending: boolean): number[] {
  const texts = new Map([...packets].map((i) => [i, text(i)]));
  return [...packets].sort((a, b) => {
    const x = texts.get(a)!;
    const y = texts.get(b)!;
    const c = x < y ? -1 : x > y ? 1 : 0;
    return (descending ? -c : c) || a - b;
  });
}

/** Texts pushed as the store pushes them, each with its two port hints. */
function column(texts: readonly string[], ports: readonly (readonly [number, number])[]): InfoColumn {
  const info = new InfoTexts();
  texts.forEach((t, i) => info.push(t, ...ports[i]!));
  return {
    info,
    srcPort: (i) => ports[i]![0],
    dstPort: (i) => ports[i]![1],
    infoText: (i) => info.get(i, ...ports[i]!),
  };
}

/** Sorts both ways like the reference; returns how many texts the sort decoded (ascending). */
function expectReferenceOrder(store: InfoColumn, packets: Uint32Array, what: string): number {
  let decoded = 0;
  for (const descending of [false, true]) {
    const got = packets.slice();
    const n = sortByInfo(store, got, descending);
    if (!descending) decoded = n;
    expect([...got], `${what} ${descending ? 'descending' : 'ascending'}`).toEqual(reference((i) => store.infoText(i), packets, descending));
  }
  return decoded;
}

/** Pieces and numbers that meet in the hard ways: prefixes of each other, digits and hex letters next to numbers. */
const PIECES = ['', ' ', 'a', 'A', 'id=', 'id=0', 'id=007 ', '0x', 'x', ':', '/', 'B', 'é', '→ ', '😀', '\ud800', '[ACK] Seq=', '[ACK]', ' Len=', 'GET /item/', 'GET /item/x'];
function number(rnd: () => number): string {
  switch (Math.floor(rnd() * 6)) {
    case 0: return String(Math.floor(rnd() * 10));
    case 1: return String(Math.floor(rnd() * 100_000));
    case 2: return String(Math.floor(rnd() * 2 ** 48));
    case 3: return '0x' + Math.floor(rnd() * 2 ** 20).toString(16).padStart(Math.floor(rnd() * 7), '0');
    case 4: return ['007', '00', '1234567890123456', '99999999999999999999', '0xABC', '0x1234567890abcdef'][Math.floor(rnd() * 6)]!;
    default: return String(32768 + Math.floor(rnd() * 4));
  }
}

function madeUpTexts(n: number, seed: number): { texts: string[]; ports: [number, number][] } {
  const rnd = random(seed);
  // A few hundred templates, each used many times (so shapes are made), with new numbers each time; each
  // starts with a word (texts that start with a number against texts that start with a digit would all be decoded).
  const words = PIECES.filter((p) => p !== '' && !/^[0-9]/.test(p));
  const templates = Array.from({ length: 300 }, () => [
    words[Math.floor(rnd() * words.length)]!,
    ...Array.from({ length: Math.floor(rnd() * 6) }, () => (rnd() < 0.5 ? PIECES[Math.floor(rnd() * PIECES.length)]! : null)),
  ]);
  const texts: string[] = [];
  const ports: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const template = templates[Math.floor(rnd() * rnd() * templates.length)]!;
    // Few distinct numbers, so that texts often agree on a number and go on to the next piece.
    const few = rnd() < 0.7;
    texts.push(template.map((p) => p ?? (few ? String(Math.floor(rnd() * 3) * 40) : number(rnd))).join(''));
    ports.push(rnd() < 0.2 ? [-1, -1] : [32768 + Math.floor(rnd() * 4), [0, 40, 80][Math.floor(rnd() * 3)]!]);
  }
  return { texts, ports };
}

/** Every text three times (the first is stored as characters, the next make and use its shape), the middle copy reversed. */
function thrice(texts: readonly string[]): InfoColumn {
  const all = [...texts, ...[...texts].reverse(), ...texts];
  return column(all, all.map(() => [-1, -1] as [number, number]));
}

describe('sortByInfo', () => {
  it('orders made-up texts with the hard cases as their decoded texts compare', () => {
    for (const seed of [1, 2, 3]) {
      const { texts, ports } = madeUpTexts(6000, seed);
      const store = column(texts, ports);
      // Many are ordered from their shapes, the groups they cannot tell apart (numbers next to digits) as text.
      const decoded = expectReferenceOrder(store, Uint32Array.from(texts, (_, i) => i), `seed ${seed}`);
      expect(decoded).toBeGreaterThan(0);
      expect(decoded).toBeLessThan(texts.length);
      // A filtered list: every third packet.
      expectReferenceOrder(store, Uint32Array.from({ length: texts.length / 3 }, (_, k) => 3 * k + 1), `seed ${seed}, every third`);
    }
  });

  it('orders numbers of different widths before the characters that follow them, as text', () => {
    // Each list's texts agree up to their numbers, so the shapes order them without decoding any.
    const lists = {
      decimal: ['n 8', 'n 80', 'n 8 ', 'n 80 ', 'n 8:', 'n 80:', 'n 8/', 'n 800', 'n 9', 'n 10', 'n 1', 'n 0', 'n 0 ', 'n 123456789012345', 'n 123456789012346 ', 'n 12345678901234'],
      hex: ['h 0xa', 'h 0x9', 'h 0x0a', 'h 0x0a:', 'h 0xa:', 'h 0xa ', 'h 0xag', 'h 0xaG', 'h 0xf', 'h 0x10', 'h 0x1:', 'h 0x1g', 'h 0x1 ', 'h 0x1A', 'h 0x1234567890abc'],
      fields: ['Seq=1 Ack=2', 'Seq=1 Ack=10', 'Seq=1 Ack=1', 'Seq=10 Ack=1', 'Seq=1 Ack=1 ', 'Seq=1 Ack=1:', 'Seq=2 Ack=0', 'Seq=1 Len=0'],
      addresses: ['A 1.2.3.4', 'A 1.2.3.40', 'A 1.2.30.4', 'A 1.2.3.4 A 5.6.7.8', 'A 10.0.0.1', 'A 9.0.0.1'],
    };
    for (const [name, texts] of Object.entries(lists)) {
      expect(expectReferenceOrder(thrice(texts), Uint32Array.from({ length: 3 * texts.length }, (_, i) => i), name), name).toBe(0);
    }
    // Texts the shapes cannot order (a number against kept digits, `0x9` against `0x:`, texts that start with
    // a number against texts that start with a digit): decoded and compared.
    const hard = ['id=5', 'id=007 z', 'id=0', 'id=00', 'id=', '0x9', '0x:', '0xb', '0x', '8', '80', '', 'x', 'é1', 'é10', 'é', '→ 1', '😀 2', '\ud800 3', '1234567890123456', '123456789012345'];
    const all = thrice([...Object.values(lists).flat(), ...hard]);
    expect(expectReferenceOrder(all, Uint32Array.from({ length: all.info.count }, (_, i) => i), 'hard')).toBeGreaterThan(0);
    // No packets, one packet: nothing to order.
    expect(sortByInfo(all, new Uint32Array(0), false)).toBe(0);
    const one = Uint32Array.of(5);
    sortByInfo(all, one, true);
    expect([...one]).toEqual([5]);
  });

  it('orders the texts of every shared capture as they compare, all packets and every other one', async () => {
    let packets = 0;
    let decoded = 0;
    for (const file of corpusFiles()) {
      const cap = await firstPass(file);
      if (!cap) continue;
      const store = cap.store;
      decoded += expectReferenceOrder(store, Uint32Array.from({ length: store.count }, (_, i) => i), file);
      expectReferenceOrder(store, Uint32Array.from({ length: store.count >> 1 }, (_, k) => 2 * k), `${file}, every other`);
      packets += store.count;
      await cap.close();
    }
    expect(packets).toBeGreaterThan(5000);
  }, 300_000);

  it('keeps the order while packets are appended under an Info sort, both ways', () => {
    const { texts, ports } = madeUpTexts(4000, 9);
    for (const descending of [false, true]) {
      const times = new FrameTimes();
      const store = new PacketStore(times);
      const list = new DisplayList(store);
      list.showAll(0);
      list.setOrder({ column: 'info', descending });
      texts.forEach((info, i) => {
        times.push(1_700_000_000, i);
        const [srcPort, dstPort] = ports[i]!;
        store.add({
          timeDigits: 6, src: '10.0.0.1', dst: '10.0.0.2', protocol: 'TCP', length: 60, info, color: 'tcp',
          tcpStream: -1, tcpLen: -1, flags: 0, stack: 'eth:ethertype:ip:tcp', srcPort, dstPort,
        });
        list.append(i);
        // Merged in batches of uneven sizes, as the worker does between requests.
        if (i % 397 === 0) list.mergeAppended();
      });
      const shown = Array.from({ length: list.length }, (_, k) => list.at(k));
      const all = Uint32Array.from(texts, (_, i) => i);
      const want = reference((i) => store.infoText(i), all, descending);
      expect(shown, descending ? 'descending' : 'ascending').toEqual(want);
      // A fresh sort of the whole list gives the same order.
      const fresh = all.slice();
      sortPackets(store, fresh, { column: 'info', descending });
      expect([...fresh]).toEqual(want);
    }
  });
});
