/**
 * Display filters answered from the packet store, without reading the packet
 * from disk or dissecting it: the first pass stored each packet's protocol
 * stack (frame.protocols), frame number and length, and, in the plain case of
 * one network and one transport layer, its IPv4 addresses and ports. A filter
 * that reads only those, or fields of protocols the packet does not carry, is
 * evaluated on items made from the store, by the filter's own code, so the
 * answer is the one the full tree would give. Any other packet is left to the
 * caller to dissect (test() returns undefined).
 *
 * What this relies on is in shared/filter/protocol-stack.ts (which protocols'
 * items follow frame.protocols), checked over every shared capture by
 * test/worker/summary-filter.test.ts.
 */
import type { FieldDef } from '../../shared/dissect/field.js';
import type { Registry } from '../../shared/dissect/registry.js';
import { TreeNode } from '../../shared/dissect/tree.js';
import { FIELDS_ALSO_ELSEWHERE, ITEM_WHEN_LISTED, ITEMS_ONLY_WITH, protocolOf, type CompiledFilter } from '../../shared/filter/index.js';
import { NO_STACK, PacketFlag, type PacketStore } from './packet-store.js';

/** Reads one stored value of packet i; -1 when the store cannot say. */
type Column = (s: StoredValues, i: number) => number;

/** A field whose value the store holds. */
interface StoredField {
  /** The layer whose items these are (their presence follows the stack); null: the frame, always there. */
  readonly protocol: string | null;
  /** PacketFlag bits that must be set for the stored value to be the item's. */
  readonly need: number;
  /** Bytes each item covers (what len() of it gives). */
  readonly length: number;
  /** The column of each of the field's items in a packet. */
  readonly values: readonly Column[];
}

/** Reads the store's columns as item values. */
class StoredValues {
  /** IPv4 address of each interned address text by its id (-1: not an IPv4 address; NaN: not read yet). */
  private ipv4 = new Float64Array(0);

  constructor(readonly store: PacketStore) {}

  src(i: number): number {
    return this.address(this.store.src[i]!);
  }

  dst(i: number): number {
    return this.address(this.store.dst[i]!);
  }

  private address(id: number): number {
    if (id >= this.ipv4.length) {
      const grown = new Float64Array(Math.max(64, this.store.addresses.values.length, id + 1)).fill(NaN);
      grown.set(this.ipv4);
      this.ipv4 = grown;
    }
    let v = this.ipv4[id]!;
    if (Number.isNaN(v)) this.ipv4[id] = v = parseIpv4(this.store.addresses.values[id]!);
    return v;
  }
}

const frameNumber: Column = (_s, i) => i + 1;
const frameLen: Column = (s, i) => s.store.length[i]!;
const src: Column = (s, i) => s.src(i);
const dst: Column = (s, i) => s.dst(i);
const srcPort: Column = (s, i) => s.store.srcPort(i);
const dstPort: Column = (s, i) => s.store.dstPort(i);
const tcpStream: Column = (s, i) => s.store.tcpStreamOf(i);

const IP = PacketFlag.Ipv4Known;
const PORTS = PacketFlag.PortsKnown;

/** The hidden either-side items (ip.addr, tcp.port) are stored too: the dissectors add them next to the pair. */
const STORED: Readonly<Record<string, StoredField>> = {
  'frame.number': { protocol: null, need: 0, length: 0, values: [frameNumber] },
  'frame.len': { protocol: null, need: 0, length: 0, values: [frameLen] },
  'ip.src': { protocol: 'ip', need: IP, length: 4, values: [src] },
  'ip.dst': { protocol: 'ip', need: IP, length: 4, values: [dst] },
  'ip.addr': { protocol: 'ip', need: IP, length: 4, values: [src, dst] },
  'tcp.srcport': { protocol: 'tcp', need: PORTS, length: 2, values: [srcPort] },
  'tcp.dstport': { protocol: 'tcp', need: PORTS, length: 2, values: [dstPort] },
  'tcp.port': { protocol: 'tcp', need: PORTS, length: 2, values: [srcPort, dstPort] },
  'tcp.stream': { protocol: 'tcp', need: PORTS, length: 0, values: [tcpStream] },
  'udp.srcport': { protocol: 'udp', need: PORTS, length: 2, values: [srcPort] },
  'udp.dstport': { protocol: 'udp', need: PORTS, length: 2, values: [dstPort] },
  'udp.port': { protocol: 'udp', need: PORTS, length: 2, values: [srcPort, dstPort] },
};

/** What the store says about packets of one protocol stack, for one filter. */
type StackPlan =
  /** The filter reads something only the tree has. */
  | { readonly kind: 'dissect' }
  /** Every packet of the stack gets the same answer (it reads only protocols present or absent). */
  | { readonly kind: 'constant'; readonly passes: boolean }
  /** Items made from the store, when the packet's flags have `need`. */
  | StoredPlan;

interface StoredPlan {
  readonly kind: 'stored';
  readonly need: number;
  readonly protocolItems: readonly TreeNode[];
  /** The columns the items' values come from, each once. */
  readonly columns: readonly Column[];
  /** One reusable item per stored value, whose value is set for each packet from columns[column]. */
  readonly items: readonly { readonly node: TreeNode; readonly column: number }[];
  /**
   * Answers already worked out, by the columns' values (a map per column, nested): most
   * packets repeat a few address pairs and ports. Null when a column never repeats (frame.number).
   */
  readonly memo: Memo | null;
}

type Memo = Map<number, Memo | boolean>;

/** Answers a filter keeps, at most (then it works each out again). */
const MEMO_LIMIT = 200_000;

const DISSECT: StackPlan = { kind: 'dissect' };
const NO_SOURCES: never[] = [];

export class SummaryFilter {
  private readonly plans: (StackPlan | undefined)[] = [];
  private readonly values: StoredValues;
  /** The items of one packet, reused. */
  private readonly items: TreeNode[] = [];
  /** The column values of one packet, reused. */
  private readonly row: number[] = [];
  private memoized = 0;
  /** False when no packet can be answered: the filter numbers layers, which follow the tree's nesting. */
  readonly useful: boolean;

  constructor(
    private readonly store: PacketStore,
    private readonly filter: CompiledFilter,
    private readonly registry: Registry,
  ) {
    this.values = new StoredValues(store);
    this.useful = !filter.usesLayers;
  }

  /** Whether packet i (0-based, indexed) passes, from the store alone; undefined when it must be dissected. */
  test(i: number): boolean | undefined {
    if (!this.useful) return undefined;
    const stack = this.store.stack[i]!;
    if (stack === NO_STACK) return undefined;
    const plan = (this.plans[stack] ??= this.planFor(this.store.stacks.values[stack]!));
    switch (plan.kind) {
      case 'dissect': return undefined;
      case 'constant': return plan.passes;
      case 'stored': return (this.store.flags[i]! & plan.need) === plan.need ? this.fromColumns(plan, i) : undefined;
    }
  }

  private fromColumns(plan: StoredPlan, i: number): boolean | undefined {
    const row = this.row;
    const columns = plan.columns;
    for (let c = 0; c < columns.length; c++) {
      const v = columns[c]!(this.values, i);
      if (v < 0) return undefined;
      row[c] = v;
    }
    // The answer depends on the stack (this plan) and these values only.
    let memo = plan.memo;
    if (memo) {
      for (let c = 0; c < columns.length - 1; c++) {
        let next = memo.get(row[c]!) as Memo | undefined;
        if (!next) memo.set(row[c]!, (next = new Map()));
        memo = next;
      }
      const known = memo.get(row[columns.length - 1]!) as boolean | undefined;
      if (known !== undefined) return known;
    }
    const items = this.items;
    items.length = 0;
    for (const n of plan.protocolItems) items.push(n);
    for (const { node, column } of plan.items) {
      node.value = row[column]!;
      items.push(node);
    }
    const passes = this.filter.matchesItems(items, NO_SOURCES);
    if (memo && this.memoized < MEMO_LIMIT) {
      memo.set(row[columns.length - 1]!, passes);
      this.memoized++;
    }
    return passes;
  }

  private planFor(stackText: string): StackPlan {
    const stack = new Set(stackText.split(':'));
    /** True when the packet surely has no item of this protocol or its fields. */
    const absent = (protocol: string): boolean => {
      const carriers = ITEMS_ONLY_WITH[protocol];
      return carriers !== undefined && !carriers.some((p) => stack.has(p));
    };
    const protocolItems: TreeNode[] = [];
    const columns: Column[] = [];
    const items: { node: TreeNode; column: number }[] = [];
    let need = 0;
    for (const name of this.filter.fields) {
      const field = STORED[name];
      if (field) {
        if (field.protocol !== null && absent(field.protocol)) continue;
        if (field.protocol !== null && !stack.has(field.protocol)) return DISSECT;
        need |= field.need;
        const def = this.def(name);
        for (const column of field.values) {
          if (!columns.includes(column)) columns.push(column);
          items.push({ node: new TreeNode(def, 0, 0, field.length, null), column: columns.indexOf(column) });
        }
        continue;
      }
      const def = this.registry.field(name);
      if (def?.type === 'protocol') {
        if (name !== 'frame') {
          if (absent(name)) continue;
          if (!stack.has(name) || !ITEM_WHEN_LISTED.has(name)) return DISSECT;
        }
        // Present: its item can be made, but its value is its bytes, which only the packet has.
        if (this.filter.valueFields.has(name)) return DISSECT;
        protocolItems.push(new TreeNode(def, 0, 0, 0, null));
        continue;
      }
      // Fields of a protocol the packet does not carry have no items; any other needs the tree.
      if (FIELDS_ALSO_ELSEWHERE.has(name) || !absent(protocolOf(name, this.registry))) return DISSECT;
    }
    if (items.length === 0) return { kind: 'constant', passes: this.filter.matchesItems(protocolItems, NO_SOURCES) };
    return { kind: 'stored', need, protocolItems, columns, items, memo: columns.includes(frameNumber) ? null : new Map() };
  }

  private def(name: string): FieldDef {
    return this.registry.field(name) ?? { abbrev: name, name, type: 'uint32' };
  }
}

/** Dotted-quad text as a 32-bit number; -1 when it is not one. */
export function parseIpv4(text: string): number {
  let value = 0;
  let part = -1;
  let parts = 0;
  for (let k = 0; k <= text.length; k++) {
    const c = k < text.length ? text.charCodeAt(k) : 46;
    if (c === 46) {
      if (part < 0 || ++parts > 4) return -1;
      value = value * 256 + part;
      part = -1;
    } else if (c >= 48 && c <= 57) {
      part = part < 0 ? c - 48 : part * 10 + c - 48;
      if (part > 255) return -1;
    } else {
      return -1;
    }
  }
  return parts === 4 ? value : -1;
}
