/**
 * Display filters answered from a packet's summary facts instead of its tree:
 * its protocol stack (frame.protocols), frame number and length, the items
 * the dissectors noted (shared/dissect/noted.ts: HTTP messages, TCP flags and analysis flags),
 * the length of its one TCP segment (tcp.len), the method of its one HTTP
 * request and the status code of its one HTTP response, and, in the plain
 * case of one network and one transport layer, its
 * IPv4 addresses, ports and TCP stream; and, when the caller has them, the
 * frame's captured bytes (the `frame` item's value: `frame contains "GET"`).
 * A filter that reads only those, or fields of protocols the packet does not
 * carry, is evaluated on items made from the facts, by the filter's own code,
 * so the answer is the one the full tree would give.
 *
 * Where the facts come from is the caller's: the worker's packet store
 * (main/worker/summary-filter.ts) or, in `paquet read -Y`, what the engine
 * returns without a tree (factOf). What this relies on is in
 * protocol-stack.ts and shared/dissect/noted.ts, checked over every shared capture by
 * test/worker/summary-filter.test.ts and test/cli/filter-pass.test.ts.
 */
import type { Dissected } from '../dissect/engine.js';
import type { FieldDef } from '../dissect/field.js';
import { HTTP_METHODS, Noted, NOTED_FIELDS } from '../dissect/noted.js';
import type { DataSource } from '../dissect/packet.js';
import type { Registry } from '../dissect/registry.js';
import { TreeNode } from '../dissect/tree.js';
import { makeTvb } from '../dissect/tvb.js';
import { tcpAnalysis } from '../view/row-color.js';
import { protocolOf, type CompiledFilter } from './compile.js';
import { FIELDS_ALSO_ELSEWHERE, ITEM_WHEN_LISTED, ITEMS_ONLY_WITH } from './protocol-stack.js';

/**
 * A value the facts hold for a packet (a number; negative when it cannot be told).
 * `noted`: the packet's Noted bits; `tcpLen`: the value of its one tcp.len item;
 * `httpMethod`: 0 without an http.request.method item, else the code of its one (noted.ts HTTP_METHODS);
 * `httpCode`: 0 without an http.response.code item, else its value.
 */
export type Fact = 'number' | 'len' | 'src' | 'dst' | 'srcPort' | 'dstPort' | 'tcpStream' | 'tcpLen' | 'noted' | 'httpMethod' | 'httpCode';

/** A frame's captured bytes, as the capture record and the engine's FrameInput both hold them. */
export interface FrameBytes {
  readonly data: Uint8Array;
  /** What the `frame` item covers (clipped to `data`, as the tree's item is). */
  readonly capLen: number;
}

/** Where the Noted bits sit among the Known bits. */
const NOTED_SHIFT = 5;
/** All Noted bits (shared/dissect/noted.ts). */
const ALL_NOTED = Object.values(Noted).reduce((all, bit) => all | bit, 0);

/**
 * Which addressing facts stand for the packet's items (only in the plain case),
 * and the items the dissectors noted: see knownFacts. The worker's PacketFlag
 * stores these bits, in one byte.
 */
export const Known = {
  /** One IPv4 header, whose addresses are the Source and Destination columns. */
  Ipv4: 8,
  /** One TCP or UDP header, whose ports (and TCP stream) the context holds. */
  Ports: 16,
  /** The packet's Noted bits, above the others (the store keeps 16 bits: room for eleven). */
  Noted: ALL_NOTED << NOTED_SHIFT,
} as const;

/** The Noted bits among a packet's Known bits. */
export function notedOf(known: number): number {
  return (known & Known.Noted) >> NOTED_SHIFT;
}

/** A field whose items the facts can stand for. */
interface FactField {
  /** The layer whose items these are (their presence follows the stack); null: the frame, always there. */
  readonly protocol: string | null;
  /** Known bits the packet must have for the facts to be the items' values. */
  readonly need: number;
  /** Bytes each item covers (what len() of it gives). */
  readonly length: number;
  /** The fact of each of the field's items in a packet. */
  readonly values: readonly Fact[];
}

const IP = Known.Ipv4;
const PORTS = Known.Ports;

/** The hidden either-side items (ip.addr, tcp.port) too: the dissectors add them next to the pair. */
const FACT_FIELDS: Readonly<Record<string, FactField>> = {
  'frame.number': { protocol: null, need: 0, length: 0, values: ['number'] },
  'frame.len': { protocol: null, need: 0, length: 0, values: ['len'] },
  'ip.src': { protocol: 'ip', need: IP, length: 4, values: ['src'] },
  'ip.dst': { protocol: 'ip', need: IP, length: 4, values: ['dst'] },
  'ip.addr': { protocol: 'ip', need: IP, length: 4, values: ['src', 'dst'] },
  'tcp.srcport': { protocol: 'tcp', need: PORTS, length: 2, values: ['srcPort'] },
  'tcp.dstport': { protocol: 'tcp', need: PORTS, length: 2, values: ['dstPort'] },
  'tcp.port': { protocol: 'tcp', need: PORTS, length: 2, values: ['srcPort', 'dstPort'] },
  'tcp.stream': { protocol: 'tcp', need: PORTS, length: 0, values: ['tcpStream'] },
  // The context counts its items itself (PacketContext.tcpLen): none, or several, is a negative fact, for the tree.
  'tcp.len': { protocol: 'tcp', need: 0, length: 0, values: ['tcpLen'] },
  'udp.srcport': { protocol: 'udp', need: PORTS, length: 2, values: ['srcPort'] },
  'udp.dstport': { protocol: 'udp', need: PORTS, length: 2, values: ['dstPort'] },
  'udp.port': { protocol: 'udp', need: PORTS, length: 2, values: ['srcPort', 'dstPort'] },
};

/**
 * Fields whose one item a fact holds, 0 when the packet has none: a text field's as a code (the item's
 * value is texts[code - 1], its length the text's), a number field's as its value (`length` bytes).
 */
const CODED_FIELDS: Readonly<Record<string, { readonly protocol: string; readonly fact: Fact; readonly texts?: readonly string[]; readonly length?: number }>> = {
  'http.request.method': { protocol: 'http', fact: 'httpMethod', texts: HTTP_METHODS },
  'http.response.code': { protocol: 'http', fact: 'httpCode', length: 3 },
};

/** What the facts say about packets of one protocol stack, for one filter. */
export type FactPlan =
  /** The filter reads something only the tree has. */
  | { readonly kind: 'tree' }
  /** Every packet of the stack gets the same answer (it reads only protocols present or absent). */
  | { readonly kind: 'constant'; readonly passes: boolean }
  /** Items made from the facts, when the packet's Known bits include `need`. */
  | ItemsPlan;

export interface ItemsPlan {
  readonly kind: 'facts';
  readonly need: number;
  /** The facts the items' values come from, each once: FactFilter.answer takes their values in this order. */
  readonly facts: readonly Fact[];
  readonly protocolItems: readonly TreeNode[];
  /** One reusable item per fact value, whose value is set for each packet from facts[fact]. */
  readonly items: readonly { readonly node: TreeNode; readonly fact: number }[];
  /** Items of CODED_FIELDS, there when facts[fact] is not 0. */
  readonly coded: readonly CodedItem[];
  /** The `frame` item when the filter reads its value: the packet's bytes are then needed (FrameBytes). */
  readonly frame: TreeNode | null;
  /** Items of NOTED_FIELDS, there when the packet's Noted bits (facts[fact]) have `bit`, valued by `value`. */
  readonly noted: readonly NotedItem[];
  /**
   * The filter counts noted items without a value bit (reads more than their presence): a Repeated
   * bit leaves the packet to the tree. Items with one are read only with Known.Ports (in `need`).
   */
  readonly countsNoted: boolean;
  /**
   * Answers already worked out, by the facts' values (a map per fact, nested): most
   * packets repeat a few address pairs and ports. Null when a fact never repeats (frame.number)
   * or the bytes are read.
   */
  readonly memo: Memo | null;
}

interface NotedItem {
  readonly node: TreeNode;
  readonly bit: number;
  /** The bit the item's boolean value is (NotedField.value), or 0: always the node's value. */
  readonly value: number;
  readonly fact: number;
}

interface CodedItem {
  readonly node: TreeNode;
  /** Undefined: the code is the item's value (and node.length stays). */
  readonly texts: readonly string[] | undefined;
  readonly fact: number;
}

type Memo = Map<number, Memo | boolean>;

/** Answers a filter keeps, at most (then it works each out again). */
const MEMO_LIMIT = 200_000;

const TREE: FactPlan = { kind: 'tree' };
const NO_SOURCES: never[] = [];

/** One compiled filter, evaluated on facts: plan() per protocol stack (callers keep the plans), answer() per packet. */
export class FactFilter {
  /** The items of one packet, reused. */
  private readonly items: TreeNode[] = [];
  private memoized = 0;
  /** False when no packet can be answered: the filter numbers layers, which follow the tree's nesting. */
  readonly useful: boolean;

  constructor(
    private readonly filter: CompiledFilter,
    private readonly registry: Registry,
  ) {
    this.useful = !filter.usesLayers;
  }

  /** How packets whose frame.protocols is `stackText` are answered. */
  plan(stackText: string): FactPlan {
    if (!this.useful) return TREE;
    const stack = new Set(stackText.split(':'));
    /** True when the packet surely has no item of this protocol or its fields. */
    const absent = (protocol: string): boolean => {
      const carriers = ITEMS_ONLY_WITH[protocol];
      return carriers !== undefined && !carriers.some((p) => stack.has(p));
    };
    const protocolItems: TreeNode[] = [];
    const facts: Fact[] = [];
    const items: { node: TreeNode; fact: number }[] = [];
    const noted: NotedItem[] = [];
    const coded: CodedItem[] = [];
    let frame: TreeNode | null = null;
    let countsNoted = false;
    let need = 0;
    const factIndex = (fact: Fact): number => {
      if (!facts.includes(fact)) facts.push(fact);
      return facts.indexOf(fact);
    };
    for (const name of this.filter.fields) {
      const notedField = NOTED_FIELDS[name];
      if (notedField !== undefined) {
        // Absent protocol: no item, whatever the bits say (they say so too).
        if (absent(protocolOf(name, this.registry))) continue;
        const def = this.def(name);
        // A protocol's value is its bytes, which only the packet has; the other noted items hold a boolean or nothing.
        if (def.type === 'protocol' && this.filter.valueFields.has(name)) return TREE;
        const node = new TreeNode(def, 0, 0, notedField.length, def.type === 'boolean' ? true : null);
        noted.push({ node, bit: notedField.bit, value: notedField.value ?? 0, fact: factIndex('noted') });
        if (!this.filter.valueFields.has(name)) continue;
        // An item of the transport header: one in a packet with one transport layer, whatever Repeated says.
        if (notedField.value !== undefined) need |= PORTS;
        else countsNoted = true;
        continue;
      }
      const codedField = CODED_FIELDS[name];
      if (codedField !== undefined) {
        if (absent(codedField.protocol)) continue;
        coded.push({ node: new TreeNode(this.def(name), 0, 0, codedField.length ?? 0, null), texts: codedField.texts, fact: factIndex(codedField.fact) });
        continue;
      }
      const field = FACT_FIELDS[name];
      if (field) {
        if (field.protocol !== null && absent(field.protocol)) continue;
        if (field.protocol !== null && !stack.has(field.protocol)) return TREE;
        need |= field.need;
        const def = this.def(name);
        for (const fact of field.values) items.push({ node: new TreeNode(def, 0, 0, field.length, null), fact: factIndex(fact) });
        continue;
      }
      const def = this.registry.field(name);
      if (def?.type === 'protocol') {
        if (name !== 'frame') {
          if (absent(name)) continue;
          if (!stack.has(name) || !ITEM_WHEN_LISTED.has(name)) return TREE;
        }
        // Present: its item can be made, but its value is its bytes, which only the packet has:
        // the frame's are the captured bytes, which the caller may pass (FrameBytes).
        if (this.filter.valueFields.has(name)) {
          if (name !== 'frame') return TREE;
          frame = new TreeNode(def, 0, 0, 0, null);
          continue;
        }
        protocolItems.push(new TreeNode(def, 0, 0, 0, null));
        continue;
      }
      // Fields of a protocol the packet does not carry have no items; any other needs the tree.
      if (FIELDS_ALSO_ELSEWHERE.has(name) || !absent(protocolOf(name, this.registry))) return TREE;
    }
    if (facts.length === 0 && !frame) return { kind: 'constant', passes: this.filter.matchesItems(protocolItems, NO_SOURCES) };
    const memo = facts.length === 0 || frame || facts.includes('number') ? null : new Map<number, Memo | boolean>();
    return { kind: 'facts', need, facts, protocolItems, items, coded, frame, noted, countsNoted, memo };
  }

  /**
   * Whether a packet of the plan passes, given the values of plan.facts in order (none negative)
   * and, for a plan reading the frame's value, its bytes; undefined when the facts cannot tell
   * (a count of repeated noted items, bytes not given).
   */
  answer(plan: ItemsPlan, row: readonly number[], bytes?: FrameBytes): boolean | undefined {
    if (plan.frame && !bytes) return undefined;
    const last = plan.facts.length - 1;
    // The answer depends on the stack (this plan) and these values only.
    let memo = plan.memo;
    if (memo) {
      for (let c = 0; c < last; c++) {
        let next = memo.get(row[c]!) as Memo | undefined;
        if (!next) memo.set(row[c]!, (next = new Map()));
        memo = next;
      }
      const known = memo.get(row[last]!) as boolean | undefined;
      if (known !== undefined) return known;
    }
    const items = this.items;
    items.length = 0;
    for (const n of plan.protocolItems) items.push(n);
    for (const { node, fact } of plan.items) {
      node.value = row[fact]!;
      items.push(node);
    }
    for (const { node, bit, value, fact } of plan.noted) {
      const bits = row[fact]!;
      if ((bits & bit) === 0) continue;
      // One item, or several whose number only the tree knows (their values are all the same).
      if (plan.countsNoted && (bits & Noted.Repeated) !== 0) return undefined;
      if (value !== 0) node.value = (bits & value) !== 0;
      items.push(node);
    }
    for (const { node, texts, fact } of plan.coded) {
      const code = row[fact]!;
      if (code === 0) continue;
      if (texts === undefined) {
        node.value = code;
      } else {
        const text = texts[code - 1];
        if (text === undefined) return undefined;
        node.value = text;
        node.length = text.length;
      }
      items.push(node);
    }
    let sources: readonly DataSource[] = NO_SOURCES;
    if (plan.frame && bytes) {
      plan.frame.length = bytes.capLen;
      items.push(plan.frame);
      sources = [{ name: 'Frame', tvb: makeTvb(bytes.data) }];
    }
    const passes = this.filter.matchesItems(items, sources);
    if (memo && this.memoized < MEMO_LIMIT) {
      memo.set(row[last]!, passes);
      this.memoized++;
    }
    return passes;
  }

  private def(name: string): FieldDef {
    return this.registry.field(name) ?? { abbrev: name, name, type: 'uint32' };
  }
}

/**
 * The packet's Known bits: which of its addressing facts stand for its items,
 * only in the plain case of one network layer and one transport layer, where
 * the dissectors' context holds the values their tree items have (anything
 * else, tunnels, ICMP quoting an inner header, a header cut short, is left to
 * the tree); and the items the dissectors noted.
 */
export function knownFacts(d: Dissected): number {
  let ip = 0, ipv6 = 0, transport = 0, icmp = 0;
  for (const p of d.ctx.protocols) {
    if (p === 'ip') ip++;
    else if (p === 'ipv6') ipv6++;
    else if (p === 'tcp' || p === 'udp') transport++;
    else if (p === 'icmp' || p === 'icmpv6') icmp++;
  }
  let known = 0;
  const ctx = d.ctx;
  if (ip === 1 && ipv6 === 0 && ctx.netSrc !== '' && d.src === ctx.netSrc && d.dst === ctx.netDst) known |= Known.Ipv4;
  // TCP and UDP set the context's ports; a zero pair means the layer stopped before they were stored.
  if (ip + ipv6 === 1 && transport === 1 && icmp === 0 && (ctx.srcPort !== 0 || ctx.dstPort !== 0)) known |= Known.Ports;
  return known | (ctx.noted << NOTED_SHIFT);
}

/** A fact of a packet the engine dissected (with or without a tree); negative when it cannot be told. */
export function factOf(d: Dissected, fact: Fact): number {
  switch (fact) {
    case 'number': return d.num;
    case 'len': return d.ctx.frame.origLen;
    // IPv4 sets the keys right after the texts the Known.Ipv4 check compares.
    case 'src': return d.ctx.netSrcKey;
    case 'dst': return d.ctx.netDstKey;
    case 'srcPort': return d.ctx.srcPort;
    case 'dstPort': return d.ctx.dstPort;
    case 'tcpStream': return tcpAnalysis(d)?.stream ?? -1;
    case 'tcpLen': return d.ctx.tcpLen;
    case 'noted': return d.ctx.noted;
    case 'httpMethod': return d.ctx.httpMethod;
    case 'httpCode': return d.ctx.httpCode;
  }
}
