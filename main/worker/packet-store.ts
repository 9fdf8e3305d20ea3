/**
 * What the packet list keeps per packet after the first pass, and nothing
 * else: numbers in typed arrays that grow by doubling, the Source,
 * Destination and Protocol columns as ids into interned string tables (a
 * capture has few distinct values), the Info text as a plain string. A
 * million packets cost a few tens of megabytes, not a million objects.
 */
import type { Row, RowColor } from '../../shared/ipc/contract.js';
import { relativeTimeColumn } from '../../shared/format/summary.js';
import { ROW_COLORS } from '../../shared/view/row-color.js';

/** Marks a packet whose file stores no time (pcapng Simple Packet Block): its Time column is empty. */
export const NO_TIME = 255;

/** Bits of PacketStore.flags. */
export const PacketFlag = {
  /** The packet carries WebSocket frames. */
  WebSocket: 1,
  /** TCP with SYN and ACK set (tcpdump restarts its relative sequence numbers there). */
  SynAck: 2,
  /** TCP without ACK (tcpdump's relative numbers start at the first packet with one). */
  NoAck: 4,
  /**
   * One IPv4 header, whose addresses are the Source and Destination columns: the
   * packet's ip.src and ip.dst items can be told from the store (summary-filter.ts).
   */
  Ipv4Known: 8,
  /** One TCP or UDP header, whose ports are srcPort and dstPort. */
  PortsKnown: 16,
} as const;

/** PacketStore.stack of a packet whose protocol stack was not stored (more distinct stacks than ids). */
export const NO_STACK = 0xffff;

export interface PacketSummary {
  readonly relSec: number;
  readonly relNsec: number;
  /** Decimals of the Time column, or NO_TIME. */
  readonly timeDigits: number;
  readonly src: string;
  readonly dst: string;
  readonly protocol: string;
  readonly length: number;
  readonly info: string;
  readonly color: RowColor;
  /** tcp.stream, or -1 when the packet is not TCP. */
  readonly tcpStream: number;
  readonly flags: number;
  /** frame.protocols (`eth:ethertype:ip:tcp:http`). */
  readonly stack: string;
  /** Transport ports, meaningful with PacketFlag.PortsKnown. */
  readonly srcPort: number;
  readonly dstPort: number;
}

/** Strings stored once, referred to by id. */
class StringTable {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();
  /** Rank of each id in code-unit order, for sorting by id; rebuilt lazily after new strings. */
  private ranks: Uint32Array | null = null;

  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(s);
      this.ids.set(s, id);
      this.ranks = null;
    }
    return id;
  }

  has(s: string): boolean {
    return this.ids.has(s);
  }

  rankOf(): Uint32Array {
    if (!this.ranks) {
      const order = this.values.map((_, i) => i).sort((a, b) => compareStrings(this.values[a]!, this.values[b]!));
      const ranks = new Uint32Array(this.values.length);
      order.forEach((id, rank) => { ranks[id] = rank; });
      this.ranks = ranks;
    }
    return this.ranks;
  }
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const COLOR_INDEX = new Map<RowColor, number>(ROW_COLORS.map((c, i) => [c, i]));

export class PacketStore {
  private capacity = 0;
  count = 0;
  relSec = new Float64Array(0);
  relNsec = new Int32Array(0);
  timeDigits = new Uint8Array(0);
  src = new Uint32Array(0);
  dst = new Uint32Array(0);
  protocol = new Uint32Array(0);
  length = new Uint32Array(0);
  color = new Uint8Array(0);
  tcpStream = new Int32Array(0);
  flags = new Uint8Array(0);
  /** Id of the packet's frame.protocols in `stacks` (a capture has few distinct ones), or NO_STACK. */
  stack = new Uint16Array(0);
  srcPort = new Uint16Array(0);
  dstPort = new Uint16Array(0);
  readonly info: string[] = [];
  readonly addresses = new StringTable();
  readonly protocols = new StringTable();
  readonly stacks = new StringTable();

  add(p: PacketSummary): number {
    if (this.count === this.capacity) this.grow();
    const i = this.count++;
    this.relSec[i] = p.relSec;
    this.relNsec[i] = p.relNsec;
    this.timeDigits[i] = p.timeDigits;
    this.src[i] = this.addresses.intern(p.src);
    this.dst[i] = this.addresses.intern(p.dst);
    this.protocol[i] = this.protocols.intern(p.protocol);
    this.length[i] = p.length;
    this.color[i] = COLOR_INDEX.get(p.color) ?? 0;
    this.tcpStream[i] = p.tcpStream;
    this.flags[i] = p.flags;
    const stack = this.stacks.values.length < NO_STACK || this.stacks.has(p.stack) ? this.stacks.intern(p.stack) : NO_STACK;
    this.stack[i] = stack;
    this.srcPort[i] = p.srcPort;
    this.dstPort[i] = p.dstPort;
    // Reading a character makes V8 flatten a string built by concatenation, once, here, rather than
    // on every comparison when the list is sorted or searched by Info.
    p.info.charCodeAt(0);
    this.info.push(p.info);
    return i;
  }

  /** The row of packet i (0-based; its frame number is i + 1). */
  row(i: number): Row {
    const digits = this.timeDigits[i]!;
    return {
      num: i + 1,
      time: digits === NO_TIME ? '' : relativeTimeColumn(this.relSec[i]!, this.relNsec[i]!, digits),
      src: this.addresses.values[this.src[i]!]!,
      dst: this.addresses.values[this.dst[i]!]!,
      protocol: this.protocols.values[this.protocol[i]!]!,
      length: this.length[i]!,
      info: this.info[i]!,
      color: ROW_COLORS[this.color[i]!] ?? 'none',
    };
  }

  hasFlag(i: number, flag: number): boolean {
    return (this.flags[i]! & flag) !== 0;
  }

  private grow(): void {
    const cap = Math.max(1024, this.capacity * 2);
    const grown = <T extends Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.relSec = grown(this.relSec, (n) => new Float64Array(n));
    this.relNsec = grown(this.relNsec, (n) => new Int32Array(n));
    this.timeDigits = grown(this.timeDigits, (n) => new Uint8Array(n));
    this.src = grown(this.src, (n) => new Uint32Array(n));
    this.dst = grown(this.dst, (n) => new Uint32Array(n));
    this.protocol = grown(this.protocol, (n) => new Uint32Array(n));
    this.length = grown(this.length, (n) => new Uint32Array(n));
    this.color = grown(this.color, (n) => new Uint8Array(n));
    this.tcpStream = grown(this.tcpStream, (n) => new Int32Array(n));
    this.flags = grown(this.flags, (n) => new Uint8Array(n));
    this.stack = grown(this.stack, (n) => new Uint16Array(n));
    this.srcPort = grown(this.srcPort, (n) => new Uint16Array(n));
    this.dstPort = grown(this.dstPort, (n) => new Uint16Array(n));
    this.capacity = cap;
  }
}
