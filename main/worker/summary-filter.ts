/**
 * Display filters answered from the packet store, without reading the packet
 * from disk or dissecting it: the first pass stored each packet's summary
 * facts (protocol stack, frame number and length, the items the dissectors
 * noted, its TCP segment length, its HTTP request method and response code, and in the plain
 * case its IPv4 addresses, ports and TCP stream), which
 * shared/filter/summary-facts.ts turns into the items the filter reads; a
 * filter on the frame's bytes (`frame contains "GET"`) is answered when the
 * caller passes them, read from the file without dissecting the packet.
 * Any other packet is left to the caller to dissect (test() returns undefined).
 */
import type { Registry } from '../../shared/dissect/registry.js';
import type { CompiledFilter } from '../../shared/filter/index.js';
import { FactFilter, notedOf, type Fact, type FactPlan, type FrameBytes, type ItemsPlan } from '../../shared/filter/summary-facts.js';
import { NO_STACK, type PacketStore } from './packet-store.js';

/** Reads one stored value of packet i; -1 when the store cannot say. */
type Column = (s: StoredValues, i: number) => number;

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

/** Where the store keeps each fact (the Known bits are its flags: PacketFlag.Ipv4Known, PortsKnown, Noted). */
const COLUMNS: Readonly<Record<Fact, Column>> = {
  number: (_s, i) => i + 1,
  len: (s, i) => s.store.length[i]!,
  src: (s, i) => s.src(i),
  dst: (s, i) => s.dst(i),
  srcPort: (s, i) => s.store.srcPort(i),
  dstPort: (s, i) => s.store.dstPort(i),
  tcpStream: (s, i) => s.store.tcpStreamOf(i),
  tcpLen: (s, i) => s.store.tcpLenOf(i),
  noted: (s, i) => notedOf(s.store.flagsOf(i)),
  httpMethod: (s, i) => s.store.httpMethodOf(i),
  httpCode: (s, i) => s.store.httpCodeOf(i),
};

export class SummaryFilter {
  private readonly facts: FactFilter;
  private readonly plans: (FactPlan | undefined)[] = [];
  private readonly values: StoredValues;
  /** The fact values of one packet, reused. */
  private readonly row: number[] = [];
  /** False when no packet can be answered: the filter numbers layers, which follow the tree's nesting. */
  readonly useful: boolean;

  constructor(
    private readonly store: PacketStore,
    filter: CompiledFilter,
    registry: Registry,
  ) {
    this.values = new StoredValues(store);
    this.facts = new FactFilter(filter, registry);
    this.useful = this.facts.useful;
  }

  /**
   * Whether packet i (0-based, indexed) passes, from the store and, when given, the frame's
   * bytes; undefined when it must be dissected (or its bytes read: WorkerFilter.testRecord).
   */
  test(i: number, bytes?: FrameBytes): boolean | undefined {
    if (!this.useful) return undefined;
    const stack = this.store.stackOf(i);
    if (stack === NO_STACK) return undefined;
    const plan = (this.plans[stack] ??= this.facts.plan(this.store.stacks.values[stack]!));
    switch (plan.kind) {
      case 'tree': return undefined;
      case 'constant': return plan.passes;
      case 'facts': return (this.store.flagsOf(i) & plan.need) === plan.need ? this.fromColumns(plan, i, bytes) : undefined;
    }
  }

  private fromColumns(plan: ItemsPlan, i: number, bytes: FrameBytes | undefined): boolean | undefined {
    const row = this.row;
    const facts = plan.facts;
    for (let c = 0; c < facts.length; c++) {
      const v = COLUMNS[facts[c]!](this.values, i);
      if (v < 0) return undefined;
      row[c] = v;
    }
    return this.facts.answer(plan, row, bytes);
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
