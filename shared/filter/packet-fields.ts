/**
 * The items of one dissected packet a filter needs, gathered in one walk of
 * its tree, and their values in the form the filter compares.
 */
import type { FieldDef } from '../dissect/field.js';
import type { DataSource } from '../dissect/packet.js';
import type { TreeNode } from '../dissect/tree.js';
import type { Kind } from './kinds.js';
import type { Value } from './literals.js';

const NONE: readonly TreeNode[] = [];
const utf8 = new TextEncoder();

/** What a compiled filter reads: field names, each with a slot number, and which need layer numbers. */
export class FieldSlots {
  readonly index = new Map<string, number>();
  /** Slot of each field declaration met so far (-1: not read); identity lookups are cheaper than by name. */
  private readonly byDef = new Map<FieldDef, number>();
  /** For fields used with `#layer`: the protocol whose occurrences number the layers. */
  readonly layerProtocol = new Map<string, string>();

  slot(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) this.index.set(name, (i = this.index.size));
    return i;
  }

  slotOf(def: FieldDef): number {
    let i = this.byDef.get(def);
    if (i === undefined) this.byDef.set(def, (i = this.index.get(def.abbrev) ?? -1));
    return i;
  }

  get names(): ReadonlySet<string> {
    return new Set(this.index.keys());
  }
}

/** Each item of `nodes` and their descendants that a slot reads, into that slot's list (a function, not a closure made per packet). */
function gather(nodes: readonly TreeNode[], slots: FieldSlots, lists: (TreeNode[] | undefined)[]): void {
  for (let k = 0; k < nodes.length; k++) {
    const n = nodes[k]!;
    const i = slots.slotOf(n.def);
    if (i >= 0) (lists[i] ??= []).push(n);
    if (n.children) gather(n.children, slots, lists);
  }
}

export class PacketFields {
  private readonly lists: (TreeNode[] | undefined)[];
  /** Layer (1-based count of its protocol so far) of each gathered item, when the filter uses layers. */
  private readonly layers: Map<TreeNode, number> | null;

  constructor(tree: readonly TreeNode[], private readonly sources: readonly DataSource[], slots: FieldSlots) {
    const lists: (TreeNode[] | undefined)[] = new Array(slots.index.size);
    this.lists = lists;
    if (slots.layerProtocol.size === 0) {
      this.layers = null;
      gather(tree, slots, lists);
      return;
    }
    const layers = (this.layers = new Map<TreeNode, number>());
    const protoCount = new Map<string, number>();
    const visit = (nodes: readonly TreeNode[]): void => {
      for (const n of nodes) {
        const name = n.def.abbrev;
        if (n.def.type === 'protocol') protoCount.set(name, (protoCount.get(name) ?? 0) + 1);
        const i = slots.slotOf(n.def);
        if (i >= 0) {
          (lists[i] ??= []).push(n);
          const proto = slots.layerProtocol.get(name);
          if (proto !== undefined) layers.set(n, protoCount.get(proto) ?? 0);
        }
        if (n.children) visit(n.children);
      }
    };
    visit(tree);
  }

  nodes(slot: number): readonly TreeNode[] {
    return this.lists[slot] ?? NONE;
  }

  layerOf(node: TreeNode): number {
    return this.layers?.get(node) ?? 0;
  }

  /** The captured bytes an item covers (clipped to what was captured). */
  coveredBytes(node: TreeNode): Uint8Array {
    const src = this.sources[node.source];
    if (!src) return new Uint8Array(0);
    const bytes = src.tvb.bytes;
    const start = Math.min(Math.max(node.offset, 0), bytes.length);
    return bytes.subarray(start, Math.min(start + Math.max(node.length, 0), bytes.length));
  }

  /** The value an item holds, as `kind` compares it; undefined when it has none. */
  value(node: TreeNode, kind: Kind): Value | undefined {
    const v = node.value;
    switch (kind) {
      case 'int':
        if (typeof v === 'number' || typeof v === 'bigint') return v;
        if (typeof v === 'boolean') return v ? 1 : 0;
        return undefined;
      case 'bool':
        return v === null || v === undefined ? undefined : v ? 1 : 0;
      case 'double':
        return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
      case 'string':
        return typeof v === 'string' ? v : v === null ? undefined : String(v);
      case 'bytes':
        if (node.def.type === 'protocol') return this.coveredBytes(node);
        return v instanceof Uint8Array ? v : typeof v === 'string' ? utf8.encode(v) : this.coveredBytes(node);
      case 'ether': case 'ipv6':
        return v instanceof Uint8Array ? v : this.coveredBytes(node);
      case 'ipv4':
        if (typeof v === 'number') return v >>> 0;
        if (v instanceof Uint8Array && v.length === 4) return ((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) >>> 0;
        return undefined;
      case 'abstime': case 'reltime':
        return typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(Math.round(v * 1e9)) : undefined;
      case 'none':
        return undefined;
    }
  }

  /** The bytes a slice of this item reads: a string's UTF-8, an address's octets, otherwise the item's bytes. */
  sliceBytes(node: TreeNode): Uint8Array {
    const v = node.value;
    if (node.def.type === 'protocol') return this.coveredBytes(node);
    if (v instanceof Uint8Array) return v;
    if (typeof v === 'string') return utf8.encode(v);
    if (node.def.type === 'ipv4' && typeof v === 'number') return Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
    return this.coveredBytes(node);
  }
}
