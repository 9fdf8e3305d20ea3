/** The worker's pieces on their own: tree flattening, byte search, the saved view, the sorts. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DisplayList, sortPackets } from '../../main/worker/display-list.js';
import { containsBytes, hexPattern, stringPattern } from '../../main/worker/find-bytes.js';
import { PacketFlag, PacketStore, type PacketSummary } from '../../main/worker/packet-store.js';
import { FrameTimes } from '../../shared/dissect/frame-store.js';
import { sortByKeys, sortByStrings } from '../../main/worker/radix-sort.js';
import { decodeViewOption, encodeViewOption, parseViewState, readSavedView, sectionHeader } from '../../main/worker/saved-view.js';
import { GROUPS, hfWs, Severity, addExpert } from '../../shared/dissect/expert.js';
import { makeTvb } from '../../shared/dissect/tvb.js';
import { TreeNode } from '../../shared/dissect/tree.js';
import type { ColumnId, ViewState } from '../../shared/ipc/contract.js';
import { treeItems } from '../../shared/view/tree-items.js';
import { dissectFile, REPO } from '../support/dissect-file.js';
import { TMP } from './harness.js';

describe('treeItems', () => {
  it('flattens pre-order, leaves hidden items out, brackets generated ones, marks expert severity', () => {
    const { packets } = dissectFile(join(REPO, '../shared/corpus/http/zeek/post.pcap'));
    const items = treeItems(packets[11]!.tree!);
    expect(items.map((i) => i.id)).toEqual(items.map((_, k) => k));
    expect(items.some((i) => i.field === 'tcp.port')).toBe(false); // hidden in Wireshark's tree too
    const retransmission = items.find((i) => i.label.includes('(suspected) retransmission') && i.field === '_ws.expert')!;
    expect(retransmission).toMatchObject({ severity: 'note', generated: true, hasChildren: true });
    expect(retransmission.label).toBe('[Expert Info (Note/Sequence): This frame is a (suspected) retransmission]');
    const fin = items.find((i) => i.label.includes('Connection finish (FIN)') && i.field === '_ws.expert')!;
    expect(fin.severity).toBe('chat');
    expect(items.filter((i) => i.severity === undefined).length).toBeGreaterThan(50);
    const children = items.filter((i) => i.parent === retransmission.id);
    expect(children.every((c) => c.depth === retransmission.depth + 1)).toBe(true);
  });

  it('a malformed marker is an error, and so is an error-level expert under it', () => {
    const tvb = makeTvb(new Uint8Array(8), 0);
    const root = new TreeNode(hfWs.text, 0, 0, 8, null, 'Some layer');
    const bad = root.addGenerated(hfWs.malformed, tvb, 2, 0, null, 'Malformed Packet: X');
    addExpert(bad, tvb, 2, 0, Severity.Error, GROUPS.Malformed, 'Malformed Packet (Exception occurred)');
    const items = treeItems([root]);
    expect(items[0]).toMatchObject({ field: '', label: 'Some layer', hasChildren: true, depth: 0, parent: -1 });
    expect(items[1]).toMatchObject({ field: '_ws.malformed', severity: 'error', label: '[Malformed Packet: X]', offset: 2 });
    expect(items[2]).toMatchObject({ field: '_ws.expert', severity: 'error', parent: 1, depth: 2 });
    // The expert's message is hidden, its severity and group are not.
    expect(items.slice(3).map((i) => i.field)).toEqual(['_ws.expert.severity', '_ws.expert.group']);
  });
});

describe('find by bytes', () => {
  it('reads hex in the usual spellings and says what is wrong with a bad one', () => {
    for (const text of ['68 69', '6869', '68:69', '68-69', ' 68  69 ']) {
      expect(hexPattern(text)).toEqual({ ok: true, bytes: Uint8Array.of(0x68, 0x69), ignoreCase: false });
    }
    expect(hexPattern('8:0')).toMatchObject({ ok: true, bytes: Uint8Array.of(8, 0) });
    expect(hexPattern('686')).toMatchObject({ ok: false, message: expect.stringMatching(/odd number/) });
    expect(hexPattern('6x')).toMatchObject({ ok: false, message: expect.stringMatching(/"x" is not a hex digit/) });
    expect(hexPattern('')).toMatchObject({ ok: false });
  });

  it('matches strings ignoring ASCII case, hex exactly', () => {
    const data = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x');
    const s = stringPattern('http/1.1');
    expect(s.ok && containsBytes(data, s.bytes, s.ignoreCase)).toBe(true);
    const h = hexPattern('68 74 74 70'); // "http" in lower case: not in the data
    expect(h.ok && containsBytes(data, h.bytes, h.ignoreCase)).toBe(false);
    expect(containsBytes(data, Uint8Array.of(0x0d, 0x0a), false)).toBe(true);
    expect(containsBytes(Uint8Array.of(1, 2), Uint8Array.of(2, 3), false)).toBe(false);
  });
});

const VIEW: ViewState = {
  displayFilter: 'tcp.port == 7272 && websocket',
  selected: null,
  scrollRow: 0,
  columnWidths: { src: 120 },
  paneSizes: [0.4, 0.4, 0.2],
  sort: null,
  terminalMode: 'websocket',
};

describe('saved view', () => {
  it('round-trips through the section header option', async () => {
    const value = encodeViewOption(VIEW)!;
    expect(decodeViewOption(value, true)).toEqual(VIEW);
    const dir = join(TMP, 'units');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'header-only.pcapng');
    writeFileSync(path, sectionHeader('Paquet', VIEW));
    expect(await readSavedView(path)).toEqual(VIEW);
    writeFileSync(path, sectionHeader('Paquet', null));
    expect(await readSavedView(path)).toBeNull();
  });

  it('anything off gives no view rather than an error', async () => {
    expect(parseViewState({ ...VIEW, terminalMode: 'Q' })).toBeNull();
    expect(parseViewState({ ...VIEW, sort: { column: 'colour', descending: true } })).toBeNull();
    expect(parseViewState({ ...VIEW, columnWidths: { num: -3 } })).toBeNull();
    expect(parseViewState({ ...VIEW, selected: 0 })).toBeNull();
    expect(parseViewState({ ...VIEW, extra: 1 })).toEqual(VIEW);
    const value = encodeViewOption(VIEW)!;
    const otherPen = value.slice();
    otherPen[0] ^= 1;
    expect(decodeViewOption(otherPen, true)).toBeNull();
    const badJson = value.slice(0, value.length - 1);
    expect(decodeViewOption(badJson, true)).toBeNull();
    const dir = join(TMP, 'units');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'damaged.pcapng');
    const header = sectionHeader('Paquet', VIEW);
    header[27] = 0xff; // the view option's length (bytes 26-27) now runs past the block
    writeFileSync(path, header);
    expect(await readSavedView(path)).toBeNull();
    writeFileSync(path, readFileSync(join(REPO, '../shared/captures/workerman-chat-7272.pcap')));
    expect(await readSavedView(path)).toBeNull();
  });
});

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('sorts', () => {
  it('sortByKeys is stable over several 32-bit keys', () => {
    const rnd = random(7);
    const n = 5000;
    const a = Uint32Array.from({ length: n }, () => Math.floor(rnd() * 5) * 0x10000 + Math.floor(rnd() * 3));
    const b = Uint32Array.from({ length: n }, () => Math.floor(rnd() * 2 ** 32));
    const idx = Uint32Array.from({ length: n }, (_, i) => i);
    sortByKeys(idx, [a, b]);
    const want = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[x]! - a[y]! || b[x]! - b[y]! || x - y);
    expect([...idx]).toEqual(want);
  });

  it('sortByStrings orders by code units both ways, prefixes first ascending, ties by index', () => {
    const rnd = random(11);
    const alphabet = ['a', 'b', 'B', 'é', '→', '\u{1F600}', ' '];
    const strs = Array.from({ length: 3000 }, () => {
      let s = 'common prefix ';
      const len = Math.floor(rnd() * 6);
      for (let k = 0; k < len; k++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      return s;
    });
    for (const descending of [false, true]) {
      const idx = Uint32Array.from(strs, (_, i) => i);
      sortByStrings(idx, (i) => strs[i]!, descending);
      const cmp = (x: number, y: number) => {
        const c = strs[x]! < strs[y]! ? -1 : strs[x]! > strs[y]! ? 1 : 0;
        return (descending ? -c : c) || x - y;
      };
      expect([...idx]).toEqual(strs.map((_, i) => i).sort(cmp));
    }
  });

  /** Times of the store's packets, as the dissection records them, and the same in plain numbers for the test's comparator. */
  const times = new Map<PacketStore, { sec: number[]; nsec: number[] }>();

  function store(n: number): PacketStore {
    const rnd = random(3);
    const frameTimes = new FrameTimes();
    const s = new PacketStore(frameTimes);
    const t = { sec: [] as number[], nsec: [] as number[] };
    times.set(s, t);
    for (let i = 0; i < n; i++) {
      // Out of order (timestamps may go back), so that some differences borrow a second.
      t.sec.push(1_700_000_000 + Math.floor(rnd() * 20) - 5);
      t.nsec.push(Math.floor(rnd() * 1e9));
      frameTimes.push(t.sec[i]!, t.nsec[i]!);
      const p: PacketSummary = {
        timeDigits: 6,
        src: `10.0.0.${Math.floor(rnd() * 12)}`, dst: rnd() < 0.5 ? '9.9.9.9' : 'fe80::1', protocol: ['TCP', 'UDP', 'DNS'][i % 3]!,
        length: 60 + Math.floor(rnd() * 40), info: `info ${Math.floor(rnd() * 50)}`, color: 'tcp', tcpStream: -1, flags: 0,
      };
      s.add(p);
    }
    return s;
  }

  it('sorts every column like a comparator would, and merges appended packets', () => {
    const s = store(3000);
    const rows = Array.from({ length: s.count }, (_, i) => s.row(i));
    const ip = (a: string) => a.split('.').reduce((n, x) => n * 256 + Number(x), 0);
    const t = times.get(s)!;
    const key: Record<ColumnId, (x: number, y: number) => number> = {
      num: (x, y) => x - y,
      time: (x, y) => t.sec[x]! - t.sec[y]! || t.nsec[x]! - t.nsec[y]!,
      src: (x, y) => ip(rows[x]!.src) - ip(rows[y]!.src),
      dst: (x, y) => (rows[x]!.dst < rows[y]!.dst ? -1 : rows[x]!.dst > rows[y]!.dst ? 1 : 0),
      protocol: (x, y) => (rows[x]!.protocol < rows[y]!.protocol ? -1 : rows[x]!.protocol > rows[y]!.protocol ? 1 : 0),
      length: (x, y) => rows[x]!.length - rows[y]!.length,
      info: (x, y) => (rows[x]!.info < rows[y]!.info ? -1 : rows[x]!.info > rows[y]!.info ? 1 : 0),
    };
    for (const column of Object.keys(key) as ColumnId[]) {
      for (const descending of [false, true]) {
        const idx = Uint32Array.from({ length: s.count }, (_, i) => i);
        sortPackets(s, idx, { column, descending });
        const want = rows.map((_, i) => i).sort((x, y) => (descending ? -1 : 1) * key[column](x, y) || x - y);
        expect([...idx], `${column} ${descending ? 'descending' : 'ascending'}`).toEqual(want);
      }
    }
    // Half the packets shown, sorted; the rest arrive and are merged in.
    const list = new DisplayList(s);
    list.replace(Uint32Array.from({ length: 1500 }, (_, i) => i));
    list.setOrder({ column: 'length', descending: false });
    for (let i = 1500; i < 3000; i++) list.append(i);
    expect(list.mergeAppended()).toBe(true);
    const shown = Array.from({ length: list.length }, (_, k) => list.at(k));
    expect(shown).toEqual(rows.map((_, i) => i).sort((x, y) => key.length(x, y) || x - y));
    expect(list.indexOf(shown[1234]!)).toBe(1234);
  });

  it('shows the rows\' times as differences from the first packet\'s, borrowing a second when the nanoseconds do', () => {
    const s = store(200);
    const t = times.get(s)!;
    for (let i = 0; i < s.count; i++) {
      const ns = (t.sec[i]! - t.sec[0]!) * 1e9 + t.nsec[i]! - t.nsec[0]!;
      expect(s.seconds(i) * 1e9 + s.nanoseconds(i)).toBe(ns);
      expect(s.nanoseconds(i)).toBeGreaterThanOrEqual(0);
      expect(s.nanoseconds(i)).toBeLessThan(1e9);
    }
  });

  it('widens a column the first time a value does not fit, keeping the values before it', () => {
    const s = new PacketStore(new FrameTimes());
    const lengths = [60, 255, 256, 65_535, 65_536, 262_144, 70];
    for (let i = 0; i < 70_000; i++) {
      s.add({
        timeDigits: 6, src: `a${i}`, dst: 'b', protocol: 'TCP', length: lengths[i % lengths.length]!, info: `i ${i}`,
        color: 'tcp', tcpStream: -1, flags: 0, stack: 'eth:ethertype:ip:tcp', srcPort: (i * 7) % 65_536, dstPort: 80,
      });
    }
    expect(s.src).toBeInstanceOf(Uint32Array);
    expect(s.dst).toBeInstanceOf(Uint8Array);
    expect(s.length).toBeInstanceOf(Uint32Array);
    expect([s.srcPortId, s.dstPortId].map((c) => c.constructor)).toEqual([Uint16Array, Uint8Array]);
    for (const i of [0, 255, 256, 65_535, 65_536, 69_999]) {
      expect(s.row(i)).toMatchObject({ src: `a${i}`, dst: 'b', length: lengths[i % lengths.length], info: `i ${i}` });
      expect([s.srcPort(i), s.dstPort(i)]).toEqual([(i * 7) % 65_536, 80]);
    }
  });

  it('gives an IPv4 address one id whether it comes with its number or as text only', () => {
    const s = new PacketStore(new FrameTimes());
    const text = (a: number) => [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join('.');
    // Thousands of addresses (the table by number grows several times), the high bit set in some.
    const address = (i: number) => (0x0a000000 + i * 7919 + (i % 3 === 0 ? 0x80000000 : 0)) >>> 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const src = address(i % 5000);
      const dst = address((i * 31) % 5000);
      // Every third packet's addresses are not known to be IPv4's (a tunnel, say): looked up as text.
      const known = i % 3 !== 0;
      s.add({
        timeDigits: 6, src: text(src), dst: text(dst), protocol: 'TCP', length: 60, info: '', color: 'tcp', tcpStream: -1,
        tcpLen: -1, httpMethod: 0, httpCode: 0, flags: known ? PacketFlag.Ipv4Known : 0, stack: 'eth:ethertype:ip:tcp', srcPort: 1, dstPort: 2,
        srcKey: known ? src : -1, dstKey: known ? dst : -1,
      });
    }
    expect(s.addresses.values.length).toBe(5000);
    for (let i = 0; i < n; i += 97) {
      expect(s.row(i)).toMatchObject({ src: text(address(i % 5000)), dst: text(address((i * 31) % 5000)) });
      expect(s.src[i]).toBe(s.addresses.intern(text(address(i % 5000))));
    }
  });

  it('shows every packet without a list of them until a filter is applied, then merges new packets one at a time', () => {
    const s = store(3000);
    const list = new DisplayList(s);
    for (let i = 0; i < 2000; i++) list.append(i);
    expect(list.length).toBe(2000);
    expect([list.at(0), list.at(1999), list.indexOf(1234), list.indexOf(2500)]).toEqual([0, 1999, 1234, -1]);
    expect([...list.inFrameOrder()]).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    list.setOrder({ column: 'info', descending: true });
    const rows = Array.from({ length: s.count }, (_, i) => s.row(i));
    const byInfo = (x: number, y: number): number => (rows[x]!.info < rows[y]!.info ? 1 : rows[x]!.info > rows[y]!.info ? -1 : x - y);
    for (let i = 2000; i < 3000; i++) {
      list.append(i);
      if (i % 7 === 0) list.mergeAppended();
    }
    const shown = Array.from({ length: list.length }, (_, k) => list.at(k));
    expect(shown).toEqual(rows.map((_, i) => i).sort(byInfo));
    list.showAll(3000);
    list.setOrder(null);
    expect(list.indexOf(2999)).toBe(2999);
    list.replace(Uint32Array.from([5, 9]));
    expect([list.length, list.at(1), list.indexOf(9), list.indexOf(6)]).toEqual([2, 9, 1, -1]);
  });
});
