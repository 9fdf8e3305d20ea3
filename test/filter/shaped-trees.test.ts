/**
 * Filters on pruned trees (FieldSet: only the items a filter names) must keep
 * exactly the packets they keep on full trees:
 *   - the golden filters (expected.json, from tshark -Y), each on trees shaped for it;
 *   - over every shared capture, sets of the fields present (none at all, all
 *     of one protocol's, random ones): each named field has the same items
 *     (values, offsets, lengths, sources, flags) in the pruned tree as in the
 *     full one (filters read nothing else, layers aside), and the packet the same
 *     layers, Info and malformed mark (dissectors skip blocks of items no named
 *     field is among: what those blocks would have thrown must still be thrown).
 * The engine builds a pruned tree when Dissection.dissect takes a TreeShape
 * (see shared/filter/tree-shape.ts); until it does it builds the full tree,
 * which these tests then compare with itself (said so on stderr).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dissection, type Dissected } from '../../shared/dissect/engine.js';
import type { FrameInput } from '../../shared/dissect/packet.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import { FieldSet, ItemFlags, walk, type TreeNode } from '../../shared/dissect/tree.js';
import { compileFilter, dissectShaped, protocolOf, treeShapeFor } from '../../shared/filter/index.js';
import { layerCut, STOP_AFTER } from '../../shared/filter/layer-cut.js';
import { CHAT, dissectFile } from '../support/dissect-file.js';
import { corpusFiles } from '../worker/corpus.js';

const registry = defaultRegistry();

/** Whether this engine builds shaped trees (else every "shaped" tree is the full one). */
function engineShapes(): boolean {
  const { dissection, frames } = dissectFile(CHAT, false);
  const d = dissectShaped(dissection, frames[0]!, new FieldSet(['frame.number']));
  return ![...walk(d.tree ?? [])].some((n) => n.def.abbrev === 'frame.len');
}
const SHAPES = engineShapes();
if (!SHAPES) {
  process.stderr.write('shaped-trees.test.ts: the engine ignores TreeShapes (Dissection.dissect takes only a boolean) and builds full trees: these tests compare full trees with themselves.\n');
}

interface Row { capture: string; filter: string; frames: number[] }

describe('golden filters on trees shaped for them', () => {
  const rows = JSON.parse(readFileSync(resolve(import.meta.dirname, 'expected.json'), 'utf8')) as Row[];
  const loaded = new Map<string, { dissection: Dissection; frames: FrameInput[] }>();
  const load = (capture: string): { dissection: Dissection; frames: FrameInput[] } => {
    let l = loaded.get(capture);
    if (!l) loaded.set(capture, (l = dissectFile(capture, false)));
    return l;
  };
  for (const row of rows) {
    it(`${row.capture.split('/').pop()}: ${row.filter}`, () => {
      const r = compileFilter(row.filter, registry);
      if (!r.ok) throw new Error(r.error.message);
      const { dissection, frames } = load(row.capture);
      const shape = treeShapeFor([r.filter]);
      const kept = frames.filter((f) => r.filter.matches(dissectShaped(dissection, f, shape))).map((f) => f.num);
      expect(kept).toEqual(row.frames);
    });
  }
});

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const itemKey = (n: TreeNode): string => {
  const v = n.value instanceof Uint8Array ? hex(n.value) : String(n.value);
  return `${v}|${n.source}@${n.offset}+${n.length}|${n.flags & (ItemFlags.Generated | ItemFlags.Hidden)}`;
};

/** For each name, the packet's items of that field, as comparable text. */
function itemsOf(d: Dissected, names: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const n of walk(d.tree ?? [])) {
    if (!names.has(n.def.abbrev)) continue;
    let list = out.get(n.def.abbrev);
    if (!list) out.set(n.def.abbrev, (list = []));
    list.push(itemKey(n));
  }
  for (const list of out.values()) list.sort();
  return out;
}

/**
 * Each shared capture the reader takes (the corpus has a few it refuses on purpose), after its first
 * pass: every frame's full tree on a revisit, and the fields those trees hold, sorted.
 */
function* corpusTrees(): Generator<{ name: string; dissection: Dissection; frames: FrameInput[]; full: Dissected[]; present: string[] }> {
  for (const path of corpusFiles()) {
    let file;
    try {
      file = dissectFile(path, false);
    } catch {
      continue;
    }
    const full = file.frames.map((f) => file.dissection.dissect(f, true));
    const present = [...new Set(full.flatMap((d) => [...walk(d.tree ?? [])].map((n) => n.def.abbrev)))].sort();
    yield { name: path.split('/shared/')[1]!, dissection: file.dissection, frames: file.frames, full, present };
  }
}

/** Adds to `problems` (at most 20) each named field whose items differ between the two trees. */
function compareItems(full: Dissected, other: Dissected, names: ReadonlySet<string>, where: string, problems: string[]): void {
  const want = itemsOf(full, names);
  const got = itemsOf(other, names);
  for (const name of new Set([...want.keys(), ...got.keys()])) {
    const a = JSON.stringify(want.get(name) ?? []);
    const b = JSON.stringify(got.get(name) ?? []);
    if (a !== b && problems.length < 20) problems.push(`${where}: ${name}: full ${a}, pruned ${b}`);
  }
}

describe('pruned trees over the shared captures', () => {
  const goldenFields = new Set<string>();
  beforeAll(() => {
    const cases = JSON.parse(readFileSync(resolve(import.meta.dirname, 'cases.json'), 'utf8')) as { filters: string[] }[];
    for (const text of cases.flatMap((c) => c.filters)) {
      const r = compileFilter(text, registry);
      if (r.ok) for (const n of r.filter.fields) goldenFields.add(n);
    }
  });

  it('have the same items as full trees for every named field', () => {
    const next = random(20261125);
    const problems: string[] = [];
    let compared = 0;
    for (const { name: file, dissection, frames, full, present } of corpusTrees()) {
      const sets: Set<string>[] = [goldenFields, new Set()];
      for (let k = 0; k < 6 && present.length > 0; k++) {
        const size = 1 + Math.floor(next() * 5);
        sets.push(new Set(Array.from({ length: size }, () => present[Math.floor(next() * present.length)]!)));
      }
      const byProtocol = new Map<string, Set<string>>();
      for (const name of present) {
        const p = protocolOf(name, registry);
        if (!byProtocol.has(p)) byProtocol.set(p, new Set());
        byProtocol.get(p)!.add(name);
      }
      sets.push(...byProtocol.values());
      for (const names of sets) {
        const shape = new FieldSet(names);
        frames.forEach((f, i) => {
          const pruned = dissectShaped(dissection, f, shape);
          compared++;
          const where = `${file} #${f.num} with [${[...names].join(', ')}]`;
          const [fd, pd] = [full[i]!, pruned].map((d) => `${d.protocols} ${d.malformed ? 'malformed ' : ''}${d.info}`);
          if (fd !== pd && problems.length < 20) problems.push(`${where}: full ${fd}, pruned ${pd}`);
          compareItems(full[i]!, pruned, names, where, problems);
        });
      }
    }
    expect(problems).toEqual([]);
    expect(compared).toBeGreaterThan(30_000);
  }, 300_000);

  it('have the same items as full trees for each HTTP and TCP field named alone', () => {
    // HTTP reads a header line, its first line or a generated item, TCP adds its flags, timestamps or
    // analysis, only for a tree naming one of their items: one field at a time is where a wrong guard
    // shows (random sets rarely name just one).
    const problems: string[] = [];
    let compared = 0;
    for (const { name: file, dissection, frames, full, present } of corpusTrees()) {
      for (const name of present.filter((n) => n.startsWith('http.') || n.startsWith('tcp.'))) {
        const names = new Set([name]);
        const shape = new FieldSet(names);
        frames.forEach((f, i) => {
          compared++;
          compareItems(full[i]!, dissectShaped(dissection, f, shape), names, `${file} #${f.num}`, problems);
        });
      }
    }
    expect(problems).toEqual([]);
    expect(compared).toBeGreaterThan(1_000);
  }, 300_000);

  it('cut after the last layer holding the named fields have the same items as full trees', () => {
    // Fields of the layers a revisit may stop after (layer-cut.ts), alone, by protocol and at random.
    const cuttable = new Set(['frame', ...STOP_AFTER]);
    const next = random(20261126);
    const problems: string[] = [];
    let cut = 0;
    let shorter = 0;
    for (const { name: file, dissection, frames, full, present: all } of corpusTrees()) {
      const present = all.filter((n) => cuttable.has(protocolOf(n, registry)) && n !== 'frame.protocols');
      if (present.length === 0) continue;
      const sets: Set<string>[] = [new Set(['frame.time_delta']), new Set(['ip.ttl']), new Set(['ip.src', 'udp.port']), new Set(['tcp.window_size'])];
      for (const p of cuttable) sets.push(new Set(present.filter((n) => protocolOf(n, registry) === p)));
      for (let k = 0; k < 4; k++) sets.push(new Set(Array.from({ length: 1 + Math.floor(next() * 3) }, () => present[Math.floor(next() * present.length)]!)));
      for (const names of sets) {
        if (names.size === 0) continue;
        const layersOf = layerCut(names, registry);
        const shape = new FieldSet(names);
        frames.forEach((f, i) => {
          const layers = layersOf(full[i]!.protocols);
          if (layers === undefined) return;
          cut++;
          const pruned = dissectShaped(dissection, f, shape.upTo(layers));
          const where = `${file} #${f.num} with [${[...names].join(', ')}] up to ${layers} layers`;
          // The revisit lists the first-pass stack's first layers (a quoted packet ICMP dissects itself may follow).
          const kept = full[i]!.protocols.split(':').slice(0, layers).join(':');
          if (!pruned.protocols.startsWith(kept) && problems.length < 20) problems.push(`${where}: layers ${pruned.protocols}, expected ${kept}`);
          if (pruned.protocols.length < full[i]!.protocols.length) shorter++;
          compareItems(full[i]!, pruned, names, where, problems);
        });
      }
    }
    expect(problems).toEqual([]);
    expect(cut).toBeGreaterThan(5_000);
    expect(shorter).toBeGreaterThan(cut / 2);
  }, 300_000);

  it('are cut only on a revisit, and only for fields of layers that add nothing after their payload', () => {
    const stack = 'eth:ethertype:ip:tcp:http';
    const cut = (fields: string[], s = stack) => layerCut(fields, registry)(s);
    expect(cut(['ip.ttl'])).toBe(3);
    expect(cut(['frame.time_delta', 'frame.len'])).toBe(0);
    expect(cut(['ip.ttl'], 'eth:ethertype:ip:icmp:ip:udp:dns')).toBe(5);
    expect(cut(['udp.port'], 'eth:ethertype:ipv6:udp:dns')).toBe(4);
    expect(cut(['icmp.type', 'ip.src'], 'eth:ethertype:ip:icmp:data')).toBe(4);
    // Nothing to leave out; or fields of layers whose items follow what they hand on, or that others add.
    expect(cut(['ip.ttl'], 'eth:ethertype:ip')).toBeUndefined();
    expect(cut(['tcp.window_size', 'ip.ttl'])).toBe(4);
    expect(cut(['tcp.pdu.size'])).toBeUndefined();
    expect(cut(['ip.ttl', 'http.host'])).toBeUndefined();
    expect(cut(['eth.src'])).toBeUndefined();
    expect(cut(['ip.version'])).toBeUndefined();
    expect(cut(['frame.protocols'])).toBeUndefined();
    expect(cut(['_ws.malformed', 'ip.ttl'])).toBeUndefined();
    // A first pass dissects every layer whatever the shape says: later frames read its state.
    const { frames } = dissectFile(CHAT, false);
    const dissection = new Dissection(registry);
    const shape = new FieldSet(['ip.ttl']).upTo(3);
    const firsts = frames.map((f) => dissectShaped(dissection, f, shape));
    const layers = firsts[3]!.protocols.split(':');
    expect(layers.length).toBeGreaterThan(3);
    expect(dissectShaped(dissection, frames[3]!, shape).protocols).toBe(layers.slice(0, 3).join(':'));
  });

  it.skipIf(!SHAPES)('are smaller than full trees (the engine builds what the shape keeps)', () => {
    const { dissection, frames } = dissectFile(CHAT, false);
    const shape = new FieldSet(['tcp.srcport']);
    let full = 0, pruned = 0;
    for (const f of frames) {
      full += [...walk(dissection.dissect(f, true).tree ?? [])].length;
      pruned += [...walk(dissectShaped(dissection, f, shape).tree ?? [])].length;
    }
    expect(pruned * 5).toBeLessThan(full);
  });
});
