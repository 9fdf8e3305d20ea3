/**
 * The pruned tree (shared/dissect/tree.ts FieldSet) on its own: what it keeps,
 * where the items below a dropped one go, and that what a dissector does to a
 * dropped item (label, length, flags) cannot reach a kept one.
 */
import { describe, expect, it } from 'vitest';
import type { FieldDef } from '../../shared/dissect/field.js';
import { FieldSet, ItemFlags, TreeNode, walk, type Tree } from '../../shared/dissect/tree.js';
import { makeTvb } from '../../shared/dissect/tvb.js';
import { compileFilter, treeShapeFor } from '../../shared/filter/index.js';
import { testRegistry } from './support.js';

const def = (abbrev: string, type: FieldDef['type'] = 'uint16'): FieldDef => ({ abbrev, name: abbrev, type });
const TCP = def('tcp', 'protocol');
const SRC = def('tcp.srcport');
const DST = def('tcp.dstport');
const FLAGS = def('tcp.flags');
const SYN = def('tcp.flags.syn', 'boolean');
const TEXT = def('text', 'none');
const EXPERT = def('_ws.expert', 'none');
const tvb = makeTvb(new Uint8Array(64));

/** Adds, as a TCP dissector would, the same items to any tree. */
function build(top: Tree): void {
  const t = top.add(TCP, tvb, 0, 20, null, 'Transmission Control Protocol');
  t.add(SRC, tvb, 0, 2, 7272, 'Source Port: 7272');
  t.add(DST, tvb, 2, 2, 80, 'Destination Port: 80');
  const flags = t.add(FLAGS, tvb, 12, 2, 0x12, 'Flags: 0x012 (SYN, ACK)');
  flags.add(SYN, tvb, 13, 1, true);
  flags.setText('changed by the dissector');
  flags.setLength(1);
  const options = t.add(TEXT, tvb, 20, 0, null, 'Options');
  options.addGenerated(SYN, tvb, 21, 1, false);
  options.setLength(12);
  options.appendText(' (12 bytes)');
  options.add(TEXT, tvb, 22, 0, null).addHidden(EXPERT, tvb, 22, 0, null);
  t.setLength(32);
}

const shaped = (names: string[]): TreeNode[] => {
  const roots: TreeNode[] = [];
  build(new FieldSet(names).root(roots));
  return roots;
};

const summary = (nodes: readonly TreeNode[]): string[] =>
  [...walk(nodes)].map((n) => `${n.def.abbrev}@${n.offset}+${n.length}=${String(n.value)}${n.flags ? `/${n.flags}` : ''}`);

describe('FieldSet tree', () => {
  it('keeps the named fields and every protocol item, with their values, offsets and lengths', () => {
    const roots = shaped(['tcp.flags.syn']);
    expect(summary(roots)).toEqual([
      'tcp@0+32=null', 'tcp.flags.syn@13+1=true', `tcp.flags.syn@21+1=false/${ItemFlags.Generated}`,
    ]);
    expect(roots.every((r) => r instanceof TreeNode)).toBe(true);
    expect(summary(shaped(['_ws.expert']))).toEqual(['tcp@0+32=null', `_ws.expert@22+0=null/${ItemFlags.Hidden}`]);
  });

  it('puts the items below a dropped one under its nearest kept ancestor', () => {
    const [tcp] = shaped(['tcp.flags.syn', '_ws.expert']);
    expect(tcp!.children!.map((n) => n.def.abbrev)).toEqual(['tcp.flags.syn', 'tcp.flags.syn', '_ws.expert']);
  });

  it('lets nothing done to a dropped item reach a kept one', () => {
    const [tcp] = shaped(['tcp.srcport']);
    expect(tcp!.length).toBe(32);
    expect(tcp!.text).toBe('Transmission Control Protocol');
    expect(tcp!.suffix).toBeUndefined();
    const src = tcp!.children!.find((n) => n.def === SRC)!;
    expect([src.length, src.text, src.flags]).toEqual([2, 'Source Port: 7272', 0]);
  });

  it('applies label and length changes to kept items as the full tree does', () => {
    const [tcp] = shaped(['tcp.flags']);
    const flags = tcp!.children!.find((n) => n.def === FLAGS)!;
    expect([flags.text, flags.length]).toEqual(['changed by the dissector', 1]);
  });

  it('keeps what a full tree has for the named fields, whatever is named', () => {
    const full: TreeNode[] = [];
    const root: Tree = {
      enabled: true,
      labels: true,
      wants: () => true,
      wantsAny: () => true,
      detached: () => { throw new Error('unused'); },
      add: (d, t, o, l, v, x) => { const n = new TreeNode(d, t.source, o, l, v, x); full.push(n); return n; },
      addGenerated: () => { throw new Error('unused'); },
      addHidden: () => { throw new Error('unused'); },
      setText: () => {}, appendText: () => {}, setLength: () => {},
    };
    build(root);
    const of = (nodes: readonly TreeNode[], names: string[]): string[] =>
      summary(nodes).filter((s) => names.includes(s.split('@')[0]!)).sort();
    for (const names of [['tcp.srcport'], ['tcp.flags', 'tcp.flags.syn'], ['text'], ['tcp.dstport', 'text', '_ws.expert'], []]) {
      expect(of(shaped(names), names), names.join(',')).toEqual(of(full, names));
    }
  });

  it('reports itself enabled, since dissectors add fields only to enabled trees', () => {
    const roots: TreeNode[] = [];
    const top = new FieldSet([]).root(roots);
    expect(top.enabled).toBe(true);
    expect(top.add(SRC, tvb, 0, 2, 1).enabled).toBe(true);
    expect(roots).toEqual([]);
  });

  it('asks for no labels, and wants only the named fields, from its top, kept and dropped items alike', () => {
    const roots: TreeNode[] = [];
    const top = new FieldSet(['tcp.dstport']).root(roots);
    const tcp = top.add(TCP, tvb, 0, 20, null);
    const dropped = tcp.add(SRC, tvb, 0, 2, 1);
    for (const t of [top, tcp, dropped]) {
      expect(t.labels).toBe(false);
      expect([t.wants(DST), t.wants(SRC), t.wants(TCP)]).toEqual([true, false, false]);
      expect([t.wantsAny({ SRC, DST }), t.wantsAny({ SRC, FLAGS })]).toEqual([true, false]);
    }
    const full: TreeNode = new TreeNode(TCP, 0, 0, 20, null);
    expect([full.labels, full.wants(SRC), full.wantsAny({ SRC })]).toEqual([true, true, true]);
  });

  it('holds items in a detached node of its own kind, so adopted items stay pruned', () => {
    const roots: TreeNode[] = [];
    const tcp = new FieldSet(['tcp.flags.syn']).root(roots).add(TCP, tvb, 0, 20, null);
    const held = tcp.detached(TEXT, 0)!;
    build(held);
    expect(summary(held.children ?? [])).toEqual(['tcp@0+32=null', 'tcp.flags.syn@13+1=true', `tcp.flags.syn@21+1=false/${ItemFlags.Generated}`]);
    expect(roots[0]!.children).toBeNull();
  });
});

describe('treeShapeFor', () => {
  const registry = testRegistry();
  const compile = (text: string) => {
    const r = compileFilter(text, registry);
    if (!r.ok) throw new Error(r.error.message);
    return r.filter;
  };

  it('keeps the fields a filter reads, the pair behind an either-side field included', () => {
    const shape = treeShapeFor([compile('tcp.port == 80 && http.request.method == "GET"')]);
    expect(shape).toBeInstanceOf(FieldSet);
    const set = shape as FieldSet;
    for (const n of ['tcp.port', 'tcp.srcport', 'tcp.dstport', 'http.request.method']) expect(set.keeps(def(n)), n).toBe(true);
    expect(set.keeps(def('tcp.flags'))).toBe(false);
    expect(set.keeps(def('anything', 'protocol'))).toBe(true);
  });

  it('joins the fields of several filters', () => {
    const set = treeShapeFor([compile('tcp.srcport == 1'), compile('websocket.opcode == 1')]) as FieldSet;
    expect(set.keeps(def('tcp.srcport')) && set.keeps(def('websocket.opcode'))).toBe(true);
  });

  it('asks for the full tree when a filter numbers layers', () => {
    expect(treeShapeFor([compile('tcp.srcport == 1'), compile('ip.src#2 == 10.0.0.1')])).toBe(true);
  });
});

describe('what a compiled filter says it reads', () => {
  const registry = testRegistry();
  const compile = (text: string) => {
    const r = compileFilter(text, registry);
    if (!r.ok) throw new Error(r.error.message);
    return r.filter;
  };

  it('tells fields tested for presence from fields whose values it reads', () => {
    const f = compile('websocket && !tcp.analysis.retransmission && tcp.port == 80 && len(http.request.uri) > 3 && tcp[0:2] == 00:50');
    expect([...f.fields].sort()).toEqual(['http.request.uri', 'tcp', 'tcp.analysis.retransmission', 'tcp.dstport', 'tcp.port', 'tcp.srcport', 'websocket']);
    expect([...f.valueFields].sort()).toEqual(['http.request.uri', 'tcp', 'tcp.dstport', 'tcp.port', 'tcp.srcport']);
    expect(f.usesLayers).toBe(false);
    expect(compile('ip.src#1 == 10.0.0.1').usesLayers).toBe(true);
  });

  it('evaluates on items given directly as on a dissected packet', () => {
    const f = compile('tcp.srcport == 7272 && tcp');
    const [tcp] = shaped(['tcp.srcport']);
    expect(f.matchesItems([tcp!], [])).toBe(true);
    expect(f.matchesItems([], [])).toBe(false);
  });
});
