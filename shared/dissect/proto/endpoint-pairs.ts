/**
 * A table keyed by an unordered pair of endpoints (address, port): TCP and UDP look up
 * their conversation for every packet. An address is a number: an IPv4 address is its
 * 32-bit value (given by the caller, else read back from its dotted text), any other text
 * is numbered once past 2^32. The pair is then two numbers in an open-addressing hash
 * over typed arrays: no key string built and hashed per packet, no map or entry object
 * per pair.
 */

const EMPTY = -1;
/** Endpoint key = address number * 2^16 + port: exact in a double (addresses stay below 2^37). */
const PORTS = 65536;
const TEXT_ADDRESSES = 4294967296;

export class EndpointPairs<V> {
  /** Numbers of addresses that are not IPv4, by text. */
  private readonly textIds = new Map<string, number>();
  /** Per slot: index of the entry there, or EMPTY. */
  private slots = new Int32Array(256).fill(EMPTY);
  /** Per entry: the pair's smaller and larger endpoint key. */
  private lows = new Float64Array(128);
  private highs = new Float64Array(128);
  private readonly values: V[] = [];
  /** Last pair looked up (endpoint keys) and its entry: consecutive packets often share a conversation. */
  private lastK1 = -1;
  private lastK2 = -1;
  private lastEntry = EMPTY;

  get size(): number {
    return this.values.length;
  }

  /** `key1`/`key2`: the IPv4 address as a number when the caller has it (PacketContext.netSrcKey), else -1. */
  get(addr1: string, key1: number, port1: number, addr2: string, key2: number, port2: number): V | undefined {
    const a1 = this.addressNumber(addr1, key1, false);
    const a2 = a1 < 0 ? -1 : this.addressNumber(addr2, key2, false);
    if (a1 < 0 || a2 < 0) return undefined;
    const e = this.entryOf(a1 * PORTS + port1, a2 * PORTS + port2, false);
    return e === EMPTY ? undefined : this.values[e];
  }

  /** Add the pair, or give it a new value (a conversation replaced by a new one on the same ports). */
  set(addr1: string, key1: number, port1: number, addr2: string, key2: number, port2: number, value: V): void {
    const e = this.entryOf(this.addressNumber(addr1, key1, true) * PORTS + port1, this.addressNumber(addr2, key2, true) * PORTS + port2, true);
    this.values[e] = value;
  }

  private entryOf(k1: number, k2: number, add: boolean): number {
    if (k1 === this.lastK1 && k2 === this.lastK2) return this.lastEntry;
    const lo = k1 < k2 ? k1 : k2;
    const hi = k1 < k2 ? k2 : k1;
    const mask = this.slots.length - 1;
    let s = hash(lo, hi) & mask;
    for (;;) {
      const e = this.slots[s]!;
      if (e === EMPTY) break;
      if (this.lows[e] === lo && this.highs[e] === hi) return this.remember(k1, k2, e);
      s = (s + 1) & mask;
    }
    if (!add) return EMPTY;
    const e = this.values.length;
    if (e >= this.lows.length) this.growEntries();
    this.lows[e] = lo;
    this.highs[e] = hi;
    this.values.push(undefined as V);
    this.slots[s] = e;
    if (this.values.length * 2 > this.slots.length) this.rehash();
    return this.remember(k1, k2, e);
  }

  private remember(k1: number, k2: number, e: number): number {
    this.lastK1 = k1;
    this.lastK2 = k2;
    this.lastEntry = e;
    return e;
  }

  /** The address's number; -1 when it has none yet and `add` is false. */
  private addressNumber(text: string, key: number, add: boolean): number {
    if (key >= 0) return key;
    const v4 = dottedQuad(text);
    if (v4 >= 0) return v4;
    let id = this.textIds.get(text);
    if (id === undefined) {
      if (!add) return -1;
      id = this.textIds.size;
      this.textIds.set(text, id);
    }
    return TEXT_ADDRESSES + id;
  }

  private growEntries(): void {
    const size = this.lows.length * 2;
    const lows = new Float64Array(size);
    lows.set(this.lows);
    this.lows = lows;
    const highs = new Float64Array(size);
    highs.set(this.highs);
    this.highs = highs;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    const mask = slots.length - 1;
    for (let e = 0; e < this.values.length; e++) {
      let s = hash(this.lows[e]!, this.highs[e]!) & mask;
      while (slots[s] !== EMPTY) s = (s + 1) & mask;
      slots[s] = e;
    }
    this.slots = slots;
  }
}

/** Mix two endpoint keys (doubles up to 2^53) into 32 bits. */
function hash(lo: number, hi: number): number {
  let h = Math.imul(lo | 0, 0x9e3779b1) ^ Math.imul((lo / 4294967296) | 0, 0x85ebca6b);
  h ^= Math.imul(hi | 0, 0xc2b2ae35) ^ Math.imul((hi / 4294967296) | 0, 0x27d4eb2f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 13;
  return h;
}

/** The value of an IPv4 address written as ipv4Text writes it (`10.0.0.1`), else -1. */
function dottedQuad(text: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 0x30 && c <= 0x39) {
      // No leading zero, at most 255: the text ipv4Text gives, so one address has one text.
      if ((digits > 0 && part === 0) || digits === 3) return -1;
      part = part * 10 + (c - 0x30);
      if (part > 255) return -1;
      digits++;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}
