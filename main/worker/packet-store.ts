/**
 * What the packet list keeps per packet after the first pass, and nothing
 * else: numbers in typed arrays that grow by doubling, each as narrow as the
 * values so far allow (a column widens the first time a value does not fit),
 * the Source, Destination and Protocol columns as ids into interned string
 * tables (a capture has few distinct values), the Protocol, the row's color,
 * its time's decimals, its flags and protocol stack as one id of their
 * combination (a capture has few: one byte a packet, not five), the Info texts packed
 * (info-texts.ts). A million packets cost a few tens of megabytes, not a
 * million objects.
 */
import { fitUint as fit, type FrameTimes, type UintColumn } from '../../shared/dissect/frame-store.js';
import type { Row, RowColor } from '../../shared/ipc/contract.js';
import { relativeTimeColumn } from '../../shared/format/summary.js';
import { ROW_COLORS } from '../../shared/view/row-color.js';
import { httpMethodCode, Noted } from '../../shared/dissect/noted.js';
import { Known, notedOf } from '../../shared/filter/summary-facts.js';
import { InfoTexts } from './info-texts.js';
import { SparseCodes } from './sparse-codes.js';

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
  Ipv4Known: Known.Ipv4,
  /** One TCP or UDP header, whose ports are srcPort and dstPort. */
  PortsKnown: Known.Ports,
  /** The items the dissectors noted (HTTP messages, TCP flags and analysis flags), read by summary-filter.ts: bits 5 to 15. */
  Noted: Known.Noted,
} as const;

/** The method code most requests have: kept for no packet (PacketStore.httpMethodOf). */
const USUAL_METHOD = httpMethodCode('GET');
/** The status code most responses have: kept for no packet (PacketStore.httpCodeOf). */
const USUAL_CODE = 200;

/** PacketStore.stack of a packet whose protocol stack was not stored (more distinct stacks than ids). */
export const NO_STACK = 0xffff;

/** A packet's row and facts; its time is not here: the store reads it from the dissection's FrameTimes. */
export interface PacketSummary {
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
  /** The value of the packet's one tcp.len item, or negative (none, or several: PacketContext.tcpLen). */
  readonly tcpLen: number;
  /** Its http.request.method item (PacketContext.httpMethod): 0 none, a code, or negative. */
  readonly httpMethod: number;
  /** Its http.response.code item (PacketContext.httpCode): 0 none, its value, or negative. */
  readonly httpCode: number;
  readonly flags: number;
  /** frame.protocols (`eth:ethertype:ip:tcp:http`). */
  readonly stack: string;
  /** Transport ports, meaningful with PacketFlag.PortsKnown. */
  readonly srcPort: number;
  readonly dstPort: number;
  /**
   * The IPv4 addresses `src` and `dst` are the text of (PacketContext.netSrcKey, netDstKey), or -1;
   * meaningful with PacketFlag.Ipv4Known.
   */
  readonly srcKey: number;
  readonly dstKey: number;
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

/**
 * The distinct port numbers of a capture, numbered in order of appearance: a capture
 * with few (a handful of connections) keeps one byte per port per packet, not two.
 */
class PortIds {
  /** Id of each port number, -1 when not seen. */
  private readonly ids = new Int32Array(65536).fill(-1);
  private readonly ports = new Uint16Array(65536);
  private count = 0;

  intern(port: number): number {
    let id = this.ids[port]!;
    if (id < 0) {
      id = this.ids[port] = this.count++;
      this.ports[id] = port;
    }
    return id;
  }

  port(id: number): number {
    return this.ports[id]!;
  }
}

/**
 * Ids in a StringTable of IPv4 addresses, by their number: most Source and Destination columns are
 * one (PacketFlag.Ipv4Known), and a capture may hold thousands, whose texts (often made afresh for
 * each packet) cost far more to hash and compare in a Map than their numbers here. Open addressing.
 */
class Ipv4Ids {
  private bits = 10;
  private keys = new Uint32Array(1 << this.bits);
  /** Id + 1 of the address in the slot; 0: an empty slot. */
  private ids = new Int32Array(1 << this.bits);
  private size = 0;

  /** The id in `table` of `address`, whose text is `text`. */
  idOf(address: number, text: string, table: StringTable): number {
    const mask = this.keys.length - 1;
    let slot = this.slotOf(address);
    for (let id = this.ids[slot]!; id !== 0; id = this.ids[slot]!) {
      if (this.keys[slot] === address) return id - 1;
      slot = (slot + 1) & mask;
    }
    const id = table.intern(text);
    this.keys[slot] = address;
    this.ids[slot] = id + 1;
    // Three quarters full at most: probes stay short, and the table small next to the packets.
    if (++this.size * 4 > this.keys.length * 3) this.grow();
    return id;
  }

  private slotOf(address: number): number {
    return Math.imul(address, 0x9e3779b1) >>> (32 - this.bits);
  }

  private grow(): void {
    const { keys, ids } = this;
    this.bits++;
    this.keys = new Uint32Array(1 << this.bits);
    this.ids = new Int32Array(1 << this.bits);
    const mask = this.keys.length - 1;
    for (let k = 0; k < keys.length; k++) {
      if (ids[k] === 0) continue;
      let slot = this.slotOf(keys[k]!);
      while (this.ids[slot] !== 0) slot = (slot + 1) & mask;
      this.keys[slot] = keys[k]!;
      this.ids[slot] = ids[k]!;
    }
  }
}

const COLOR_INDEX = new Map<RowColor, number>(ROW_COLORS.map((c, i) => [c, i]));

/** The combinations of (Time decimals, Protocol id, row color, flags, stack id) met, numbered. */
class RowKinds {
  readonly digits: number[] = [];
  readonly protocols: number[] = [];
  readonly colors: number[] = [];
  readonly flags: number[] = [];
  readonly stacks: number[] = [];
  /** Ids by Protocol id, then by the other four in one number. */
  private readonly ids: Map<number, number>[] = [];

  /** `digits` and `color` below 256, `flags` and `stack` below 65536: the key is below 2^48, exact. */
  intern(digits: number, protocol: number, color: number, flags: number, stack: number): number {
    const key = ((digits * 256 + color) * 65536 + flags) * 65536 + stack;
    const ids = (this.ids[protocol] ??= new Map());
    let id = ids.get(key);
    if (id === undefined) {
      id = this.digits.length;
      this.digits.push(digits);
      this.protocols.push(protocol);
      this.colors.push(color);
      this.flags.push(flags);
      this.stacks.push(stack);
      ids.set(key, id);
    }
    return id;
  }
}

export class PacketStore {
  private capacity = 0;
  count = 0;
  /** Id of the packet's (Time decimals, Protocol, color, flags, stack) in `kinds` (see flagsOf, stackOf). */
  kind: UintColumn = new Uint8Array(0);
  src: UintColumn = new Uint8Array(0);
  dst: UintColumn = new Uint8Array(0);
  length: UintColumn = new Uint8Array(0);
  /** tcp.stream + 1; 0 when not TCP (see tcpStreamOf). */
  tcpStream: UintColumn = new Uint8Array(0);
  /** tcp.len + 1; 0 when the packet has no one tcp.len item (see tcpLenOf). */
  tcpLen: UintColumn = new Uint8Array(0);
  /** Ids of the packet's transport ports in `portIds`. */
  srcPortId: UintColumn = new Uint8Array(0);
  dstPortId: UintColumn = new Uint8Array(0);
  /** PacketSummary.httpMethod where it is not the usual: not USUAL_METHOD for a request, not 0 for another packet. */
  private readonly httpMethods = new SparseCodes();
  /** PacketSummary.httpCode where it is not the usual: not USUAL_CODE for a response, not 0 for another packet. */
  private readonly httpCodes = new SparseCodes(Int16Array);
  private readonly portIds = new PortIds();
  private readonly ipv4Ids = new Ipv4Ids();
  private readonly kinds = new RowKinds();
  readonly info = new InfoTexts();
  readonly addresses = new StringTable();
  readonly protocols = new StringTable();
  readonly stacks = new StringTable();

  /** `times`: every packet's timestamp by frame number (packet i is frame i + 1), kept by the dissection. */
  constructor(private readonly times: FrameTimes) {}

  add(p: PacketSummary): number {
    if (this.count === this.capacity) this.grow();
    const i = this.count++;
    const src = this.addressId(p.src, p.srcKey, p.flags);
    const dst = this.addressId(p.dst, p.dstKey, p.flags);
    const stack = this.stacks.values.length < NO_STACK || this.stacks.has(p.stack) ? this.stacks.intern(p.stack) : NO_STACK;
    const kind = this.kinds.intern(p.timeDigits, this.protocols.intern(p.protocol), COLOR_INDEX.get(p.color) ?? 0, p.flags, stack);
    (this.kind = fit(this.kind, this.capacity, kind))[i] = kind;
    (this.src = fit(this.src, this.capacity, src))[i] = src;
    (this.dst = fit(this.dst, this.capacity, dst))[i] = dst;
    (this.length = fit(this.length, this.capacity, p.length))[i] = p.length;
    (this.tcpStream = fit(this.tcpStream, this.capacity, p.tcpStream + 1))[i] = p.tcpStream + 1;
    const tcpLen = Math.max(p.tcpLen + 1, 0);
    (this.tcpLen = fit(this.tcpLen, this.capacity, tcpLen))[i] = tcpLen;
    const srcPort = this.portIds.intern(p.srcPort);
    const dstPort = this.portIds.intern(p.dstPort);
    (this.srcPortId = fit(this.srcPortId, this.capacity, srcPort))[i] = srcPort;
    (this.dstPortId = fit(this.dstPortId, this.capacity, dstPort))[i] = dstPort;
    if (p.httpMethod !== this.usualMethod(p.flags)) this.httpMethods.set(i, p.httpMethod);
    if (p.httpCode !== this.usualCode(p.flags)) this.httpCodes.set(i, p.httpCode);
    // The ports open most TCP and UDP texts (`33007 → 80 [ACK] ...`): stored as hints, they cost a byte each.
    this.info.push(p.info, p.srcPort, p.dstPort);
    return i;
  }

  /** The id in `addresses` of a Source or Destination column (`key`, `flags`: see PacketSummary). */
  private addressId(text: string, key: number, flags: number): number {
    return (flags & PacketFlag.Ipv4Known) !== 0 && key >= 0 ? this.ipv4Ids.idOf(key, text, this.addresses) : this.addresses.intern(text);
  }

  /** Packet i's time since the first packet's: whole seconds, and nanoseconds. */
  seconds(i: number): number {
    return this.times.secSince(i + 1, 1);
  }

  nanoseconds(i: number): number {
    return this.times.nsecSince(i + 1, 1);
  }

  /** The row of packet i (0-based; its frame number is i + 1). */
  row(i: number): Row {
    const kind = this.kind[i]!;
    const digits = this.kinds.digits[kind]!;
    return {
      num: i + 1,
      time: digits === NO_TIME ? '' : relativeTimeColumn(this.seconds(i), this.nanoseconds(i), digits),
      src: this.addresses.values[this.src[i]!]!,
      dst: this.addresses.values[this.dst[i]!]!,
      protocol: this.protocols.values[this.kinds.protocols[kind]!]!,
      length: this.length[i]!,
      info: this.infoText(i),
      color: ROW_COLORS[this.kinds.colors[kind]!] ?? 'none',
    };
  }

  /** Packet i's Info column. */
  infoText(i: number): string {
    return this.info.get(i, this.srcPort(i), this.dstPort(i));
  }

  /** Id of packet i's Protocol column in `protocols`. */
  protocolId(i: number): number {
    return this.kinds.protocols[this.kind[i]!]!;
  }

  /** Packet i's PacketFlag bits. */
  flagsOf(i: number): number {
    return this.kinds.flags[this.kind[i]!]!;
  }

  /** Id of packet i's frame.protocols in `stacks` (a capture has few distinct ones), or NO_STACK. */
  stackOf(i: number): number {
    return this.kinds.stacks[this.kind[i]!]!;
  }

  /** Packet i's transport ports (meaningful with PacketFlag.PortsKnown). */
  srcPort(i: number): number {
    return this.portIds.port(this.srcPortId[i]!);
  }

  dstPort(i: number): number {
    return this.portIds.port(this.dstPortId[i]!);
  }

  /** tcp.stream of packet i, -1 when not TCP. */
  tcpStreamOf(i: number): number {
    return this.tcpStream[i]! - 1;
  }

  /** tcp.len of packet i, -1 when it has no one tcp.len item. */
  tcpLenOf(i: number): number {
    return this.tcpLen[i]! - 1;
  }

  /** The code of packet i's http.request.method item (summary-facts.ts Fact), 0 when it has none, negative when unknown. */
  httpMethodOf(i: number): number {
    return this.httpMethods.get(i, this.usualMethod(this.flagsOf(i)));
  }

  /** The value of packet i's http.response.code item (summary-facts.ts Fact), 0 when it has none, negative when unknown. */
  httpCodeOf(i: number): number {
    return this.httpCodes.get(i, this.usualCode(this.flagsOf(i)));
  }

  /** The status code a packet with these flags is taken to have unless the store keeps another: 200 where a response was noted. */
  private usualCode(flags: number): number {
    return (notedOf(flags) & Noted.HttpResponse) !== 0 ? USUAL_CODE : 0;
  }

  /** The method code a packet with these flags is taken to have unless the store keeps another: GET where a request was noted. */
  private usualMethod(flags: number): number {
    return (notedOf(flags) & Noted.HttpRequest) !== 0 ? USUAL_METHOD : 0;
  }

  hasFlag(i: number, flag: number): boolean {
    return (this.flagsOf(i) & flag) !== 0;
  }

  private grow(): void {
    const cap = Math.max(1024, this.capacity * 2);
    this.kind = fit(this.kind, cap, 0);
    this.src = fit(this.src, cap, 0);
    this.dst = fit(this.dst, cap, 0);
    this.length = fit(this.length, cap, 0);
    this.tcpStream = fit(this.tcpStream, cap, 0);
    this.tcpLen = fit(this.tcpLen, cap, 0);
    this.srcPortId = fit(this.srcPortId, cap, 0);
    this.dstPortId = fit(this.dstPortId, cap, 0);
    this.capacity = cap;
  }
}
