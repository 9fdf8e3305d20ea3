/**
 * The displayed list: the packets the display filter keeps, in frame order,
 * and, when a column sort is set, a permutation of them in that order. Both are
 * typed arrays of packet indexes (0-based). New packets (a file still being
 * indexed, a live capture) are appended in frame order and merged into the
 * sorted order in batches, so a long sorted list is not re-sorted every 100 ms.
 */
import type { ColumnId, SortOrder } from '../../shared/ipc/contract.js';
import type { UintColumn } from '../../shared/dissect/frame-store.js';
import { compareStrings, type PacketStore } from './packet-store.js';
import { sortByInfo } from './info-order.js';
import { sortByKeys } from './radix-sort.js';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function ipv4Number(s: string): number | null {
  const m = IPV4.exec(s);
  return m ? ((Number(m[1]) * 256 + Number(m[2])) * 256 + Number(m[3])) * 256 + Number(m[4]) : null;
}

/** Address columns: IPv4 addresses by value (10.0.0.2 after 9.0.0.1), anything else as text. */
export function compareAddresses(a: string, b: string): number {
  const x = ipv4Number(a);
  const y = x === null ? null : ipv4Number(b);
  if (x !== null && y !== null) return x - y;
  return compareStrings(a, b);
}

/** Primary comparison of two packets by one column (ties are left to the caller). */
function columnComparator(store: PacketStore, column: ColumnId): (a: number, b: number) => number {
  switch (column) {
    case 'num': return (a, b) => a - b;
    case 'time': return (a, b) => (store.seconds(a) - store.seconds(b)) || (store.nanoseconds(a) - store.nanoseconds(b));
    case 'length': return (a, b) => store.length[a]! - store.length[b]!;
    case 'src': {
      const rank = addressRanks(store);
      return (a, b) => rank[store.src[a]!]! - rank[store.src[b]!]!;
    }
    case 'dst': {
      const rank = addressRanks(store);
      return (a, b) => rank[store.dst[a]!]! - rank[store.dst[b]!]!;
    }
    case 'protocol': {
      const rank = store.protocols.rankOf();
      return (a, b) => rank[store.protocolId(a)]! - rank[store.protocolId(b)]!;
    }
    case 'info': return (a, b) => compareStrings(store.infoText(a), store.infoText(b));
  }
}

/** Rank of every interned address in address order (computed once per sort over the few distinct values). */
function addressRanks(store: PacketStore): Uint32Array {
  const values = store.addresses.values;
  const order = values.map((_, i) => i).sort((a, b) => compareAddresses(values[a]!, values[b]!));
  const ranks = new Uint32Array(values.length);
  order.forEach((id, rank) => { ranks[id] = rank; });
  return ranks;
}

/** Per packet, the rank of its interned string (an address or protocol id) in that column's order. */
function rankKeys(store: PacketStore, idOf: (i: number) => number, ranks: Uint32Array): Uint32Array {
  const keys = new Uint32Array(store.count);
  for (let i = 0; i < store.count; i++) keys[i] = ranks[idOf(i)]!;
  return keys;
}

/** Sorting key arrays for a column, most significant first (each indexed by packet index). */
function columnKeys(store: PacketStore, column: Exclude<ColumnId, 'num' | 'info'>): UintColumn[] {
  switch (column) {
    case 'length': return [store.length.subarray(0, store.count)];
    case 'time': {
      // Seconds can be negative (timestamps out of order): shifted into 0..2^32-1.
      const sec = new Uint32Array(store.count);
      for (let i = 0; i < store.count; i++) sec[i] = Math.min(0xffffffff, Math.max(0, store.seconds(i) + 0x80000000));
      const nsec = new Uint32Array(store.count);
      for (let i = 0; i < store.count; i++) nsec[i] = store.nanoseconds(i);
      return [sec, nsec];
    }
    case 'src': return [rankKeys(store, (i) => store.src[i]!, addressRanks(store))];
    case 'dst': return [rankKeys(store, (i) => store.dst[i]!, addressRanks(store))];
    case 'protocol': return [rankKeys(store, (i) => store.protocolId(i), store.protocols.rankOf())];
  }
}

/** Sort packet indexes (given in frame order) by a column, in place; ties stay in frame order either way. */
export function sortPackets(store: PacketStore, packets: Uint32Array, order: SortOrder): void {
  const { column, descending } = order;
  if (column === 'num') {
    if (descending) packets.reverse();
    return;
  }
  if (column === 'info') {
    sortByInfo(store, packets, descending);
    return;
  }
  let keys: ArrayLike<number>[] = columnKeys(store, column);
  if (descending) keys = keys.map((k) => Uint32Array.from(k, (v) => 0xffffffff - v));
  sortByKeys(packets, keys);
}

/** Stable and total: equal keys keep frame order, whichever the direction. */
export function packetComparator(store: PacketStore, order: SortOrder): (a: number, b: number) => number {
  const primary = columnComparator(store, order.column);
  const sign = order.descending ? -1 : 1;
  return (a, b) => sign * primary(a, b) || a - b;
}

export class DisplayList {
  /** Displayed packets in frame order; null while every packet is shown (then the k-th shown is packet k). */
  private shown: Uint32Array | null = null;
  private shownCount = 0;
  private order: SortOrder | null = null;
  /** The shown packets in sort order (null when unsorted); covers the first sortedCount shown. */
  private sorted: Uint32Array | null = null;
  private sortedCount = 0;

  constructor(private readonly store: PacketStore) {}

  get length(): number {
    return this.shownCount;
  }

  get sortOrder(): SortOrder | null {
    return this.order;
  }

  /** Replace the whole list (a filter was applied); keeps the sort order. */
  replace(packets: Uint32Array): void {
    this.shown = packets.length > 0 ? packets : new Uint32Array(1024);
    this.shownCount = packets.length;
    this.resort();
  }

  /** Show every packet, the first `count` of them so far (no filter); keeps the sort order. */
  showAll(count: number): void {
    this.shown = null;
    this.shownCount = count;
    this.resort();
  }

  append(packet: number): void {
    if (this.shown === null) {
      // Every packet shown: packets arrive in frame order, the next one is the count.
      if (packet === this.shownCount) {
        this.shownCount++;
        return;
      }
      this.shown = this.inFrameOrder();
    }
    if (this.shownCount === this.shown.length) {
      const grown = new Uint32Array(Math.max(1024, this.shown.length * 2));
      grown.set(this.shown);
      this.shown = grown;
    }
    this.shown[this.shownCount++] = packet;
  }

  /** Set the column sort (null: frame order). */
  setOrder(order: SortOrder | null): void {
    this.order = order;
    this.resort();
  }

  /**
   * Bring appended packets into the sort order. Returns true when rows already
   * shown moved (a packet went in before the end), so fetched rows are stale.
   */
  mergeAppended(): boolean {
    if (!this.order || !this.sorted || this.sortedCount === this.shownCount) return false;
    const compare = packetComparator(this.store, this.order);
    const added = new Uint32Array(this.shownCount - this.sortedCount);
    for (let k = 0; k < added.length; k++) added[k] = this.shownAt(this.sortedCount + k);
    added.sort(compare);
    const old = this.sorted.subarray(0, this.sortedCount);
    const merged = new Uint32Array(this.shownCount);
    // Few packets are added at a time: each finds its place by binary search, the runs between are copied.
    let from = 0;
    let k = 0;
    let moved = false;
    for (let j = 0; j < added.length; j++) {
      const p = added[j]!;
      let lo = from;
      let hi = old.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compare(old[mid]!, p) <= 0) lo = mid + 1;
        else hi = mid;
      }
      merged.set(old.subarray(from, lo), k);
      k += lo - from;
      from = lo;
      if (lo < old.length) moved = true;
      merged[k++] = p;
    }
    merged.set(old.subarray(from), k);
    this.sorted = merged;
    this.sortedCount = merged.length;
    return moved;
  }

  /** Packet index at a displayed position. */
  at(index: number): number {
    this.mergeAppended();
    return this.sorted ? this.sorted[index]! : this.shownAt(index);
  }

  /** Displayed position of a packet, or -1 when the filter hides it. */
  indexOf(packet: number): number {
    this.mergeAppended();
    if (this.sorted) {
      for (let i = 0; i < this.sortedCount; i++) if (this.sorted[i] === packet) return i;
      return -1;
    }
    if (this.shown === null) return packet >= 0 && packet < this.shownCount ? packet : -1;
    // Frame order: a binary search.
    let lo = 0, hi = this.shownCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.shown[mid]!;
      if (v === packet) return mid;
      if (v < packet) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }

  /** The displayed packets in frame order (a copy). */
  inFrameOrder(): Uint32Array {
    if (this.shown === null) return Uint32Array.from({ length: this.shownCount }, (_, k) => k);
    return this.shown.slice(0, this.shownCount);
  }

  private shownAt(k: number): number {
    return this.shown === null ? k : this.shown[k]!;
  }

  private resort(): void {
    if (!this.order) {
      this.sorted = null;
      this.sortedCount = 0;
      return;
    }
    this.sorted = this.inFrameOrder();
    sortPackets(this.store, this.sorted, this.order);
    this.sortedCount = this.shownCount;
  }
}
