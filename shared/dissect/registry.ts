/**
 * How dissectors find each other: protocols register their fields and put
 * their dissector into dispatch tables (link type, ethertype, IP protocol,
 * TCP/UDP port) or heuristic lists, as Wireshark's dissector_add_uint does.
 */
import type { FieldDef } from './field.js';
import type { PacketContext } from './packet.js';
import type { Tree } from './tree.js';
import type { Tvb } from './tvb.js';

/**
 * Dissect `tvb` from `offset` up to `end` (exclusive; the layer's extent, which may be
 * shorter than the buffer, e.g. Ethernet padding). Returns the bytes it consumed;
 * a heuristic dissector returns 0 to say "not mine", having added nothing.
 * `data` carries what the calling layer passes down (e.g. TCP's segment info).
 */
export type Dissector = (tvb: Tvb, offset: number, end: number, ctx: PacketContext, tree: Tree, data?: unknown) => number;

export interface ProtocolDef {
  /** Filter name, e.g. `tcp`; also the entry in frame.protocols. */
  readonly name: string;
  /** Protocol column text, e.g. `TCP`. */
  readonly short: string;
  /** Tree label, e.g. `Transmission Control Protocol`. */
  readonly label: string;
  /** The protocol's own item (type 'protocol'), e.g. the `tcp` field. */
  readonly def: FieldDef;
}

export function protocol(name: string, short: string, label: string): ProtocolDef {
  return { name, short, label, def: { abbrev: name, name: label, type: 'protocol' } };
}

/** Tables Paquet's dissectors use; the key is the number the lower layer saw. */
const TABLE_NAMES = ['linktype', 'ethertype', 'ppp', 'ip.proto', 'tcp.port', 'udp.port', 'sll.hatype'] as const;
export type TableName = (typeof TABLE_NAMES)[number];
export type HeuristicList = 'tcp' | 'udp';

const NO_HEURISTICS: readonly Dissector[] = Object.freeze([]);

export class Registry {
  /** Every table made up front: a packet looks up several, so each look-up is one property read and one hash. */
  private readonly tables = Object.fromEntries(TABLE_NAMES.map((name) => [name, new Map()])) as Record<TableName, Map<number, Dissector>>;
  private readonly heuristics = new Map<HeuristicList, Dissector[]>();
  private readonly named = new Map<string, Dissector>();
  private readonly fieldsByName = new Map<string, FieldDef>();
  readonly protocols = new Map<string, ProtocolDef>();

  /** Register a protocol and every field it declares (fields given as a record or list). */
  addProtocol(proto: ProtocolDef, defs: Record<string, FieldDef> | readonly FieldDef[]): void {
    this.protocols.set(proto.name, proto);
    this.addFields([proto.def]);
    this.addFields(Array.isArray(defs) ? defs : Object.values(defs));
  }

  addFields(defs: readonly FieldDef[]): void {
    for (const def of defs) {
      const known = this.fieldsByName.get(def.abbrev);
      // Several dissectors may share a name (Wireshark allows it, e.g. per-version fields); the first declaration wins.
      if (!known) this.fieldsByName.set(def.abbrev, def);
    }
  }

  field(abbrev: string): FieldDef | undefined {
    return this.fieldsByName.get(abbrev);
  }

  allFields(): IterableIterator<FieldDef> {
    return this.fieldsByName.values();
  }

  add(table: TableName, key: number, dissector: Dissector): void {
    this.tables[table].set(key, dissector);
  }

  lookup(table: TableName, key: number): Dissector | undefined {
    return this.tables[table].get(key);
  }

  /** The keys a table holds (what a dissector is registered for). */
  keys(table: TableName): number[] {
    return [...this.tables[table].keys()];
  }

  addHeuristic(list: HeuristicList, dissector: Dissector): void {
    let l = this.heuristics.get(list);
    if (!l) this.heuristics.set(list, (l = []));
    l.push(dissector);
  }

  heuristicsFor(list: HeuristicList): readonly Dissector[] {
    return this.heuristics.get(list) ?? NO_HEURISTICS;
  }

  /** Dissectors reached by name (e.g. `http`, `websocket`, `data`), as find_dissector does. */
  addNamed(name: string, dissector: Dissector): void {
    this.named.set(name, dissector);
  }

  byName(name: string): Dissector | undefined {
    return this.named.get(name);
  }
}
