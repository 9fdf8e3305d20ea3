/**
 * Requests waiting for (or matched with) their responses, for a whole capture:
 * DNS queries by conversation and ID, ICMP echoes by address pair, checksum, ID
 * and sequence. A capture can hold tens of thousands; a Map of key strings to
 * objects costs about 300 bytes each, these typed-array rows about 40.
 *
 * A transaction is found by two numbers: the id of an endpoint pair (pairId,
 * unordered, as TCP and UDP number their conversations) and one more number
 * the caller packs (below 2^53). Storing under a key that has a transaction
 * replaces it: callers only ever look at the latest.
 */
import type { Ns } from '../ns.js';
import { EndpointPairs } from './endpoint-pairs.js';
import { NsColumn } from './ns-column.js';

const EMPTY = -1;
const INITIAL = 64;

export class TransactionTable {
  private readonly pairs = new EndpointPairs<number>();
  /** Per slot: the row there, or EMPTY (open addressing, at most half full). */
  private slots = new Int32Array(INITIAL * 2).fill(EMPTY);
  private pairOf = new Uint32Array(INITIAL);
  private extraOf = new Float64Array(INITIAL);
  private requestFrames = new Uint32Array(INITIAL);
  private responseFrames = new Uint32Array(INITIAL);
  private readonly requestTimes = new NsColumn(INITIAL);
  private count = 0;

  /** The number of an unordered pair of endpoints, given when first seen. */
  pairId(addr1: string, key1: number, port1: number, addr2: string, key2: number, port2: number): number {
    let id = this.pairs.get(addr1, key1, port1, addr2, key2, port2);
    if (id === undefined) {
      id = this.pairs.size;
      this.pairs.set(addr1, key1, port1, addr2, key2, port2, id);
    }
    return id;
  }

  /** The row of the transaction under (pair, extra), or -1. */
  find(pair: number, extra: number): number {
    const mask = this.slots.length - 1;
    for (let s = hash(pair, extra) & mask; ; s = (s + 1) & mask) {
      const row = this.slots[s]!;
      if (row === EMPTY) return -1;
      if (this.pairOf[row] === pair && this.extraOf[row] === extra) return row;
    }
  }

  /** A request under (pair, extra), not answered yet, replacing any transaction there; its row. */
  put(pair: number, extra: number, requestFrame: number, requestTime: Ns): number {
    let row = this.find(pair, extra);
    if (row < 0) row = this.add(pair, extra);
    this.requestFrames[row] = requestFrame;
    this.responseFrames[row] = 0;
    this.requestTimes.set(row, requestTime);
    return row;
  }

  requestFrame(row: number): number {
    return this.requestFrames[row]!;
  }

  requestTime(row: number): Ns {
    return this.requestTimes.get(row)!;
  }

  /** The frame of the response, 0 while there is none. */
  responseFrame(row: number): number {
    return this.responseFrames[row]!;
  }

  setResponseFrame(row: number, frame: number): void {
    this.responseFrames[row] = frame;
  }

  private add(pair: number, extra: number): number {
    const row = this.count++;
    if (row === this.pairOf.length) this.growRows();
    this.pairOf[row] = pair;
    this.extraOf[row] = extra;
    if (this.count * 2 > this.slots.length) this.rehash();
    else this.place(this.slots, row);
    return row;
  }

  private place(slots: Int32Array, row: number): void {
    const mask = slots.length - 1;
    let s = hash(this.pairOf[row]!, this.extraOf[row]!) & mask;
    while (slots[s] !== EMPTY) s = (s + 1) & mask;
    slots[s] = row;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    for (let row = 0; row < this.count; row++) this.place(slots, row);
    this.slots = slots;
  }

  private growRows(): void {
    const n = this.pairOf.length * 2;
    const grown = <T extends Uint32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.pairOf = grown(this.pairOf);
    this.extraOf = grown(this.extraOf);
    this.requestFrames = grown(this.requestFrames);
    this.responseFrames = grown(this.responseFrames);
    this.requestTimes.grow(n);
  }
}

/** Mix the pair id and the extra number (a double up to 2^53) into 32 bits. */
function hash(pair: number, extra: number): number {
  let h = Math.imul(pair, 0x9e3779b1) ^ Math.imul(extra | 0, 0x85ebca6b) ^ Math.imul((extra / 4294967296) | 0, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 13;
  return h;
}
