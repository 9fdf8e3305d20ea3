/** The worker's pieces on their own: tree flattening, byte search, the saved view, the sorts. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DisplayList, sortPackets } from '../../main/worker/display-list.js';
import { containsBytes, hexPattern, stringPattern } from '../../main/worker/find-bytes.js';
import { PacketStore, type PacketSummary } from '../../main/worker/packet-store.js';
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

  function store(n: number): PacketStore {
    const rnd = random(3);
    const s = new PacketStore();
    for (let i = 0; i < n; i++) {
      const p: PacketSummary = {
        relSec: Math.floor(rnd() * 20) - 5, relNsec: Math.floor(rnd() * 1e9), timeDigits: 6,
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
    const key: Record<ColumnId, (x: number, y: number) => number> = {
      num: (x, y) => x - y,
      time: (x, y) => s.relSec[x]! - s.relSec[y]! || s.relNsec[x]! - s.relNsec[y]!,
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
});
