/**
 * Where TCP's conversation state lives: one row per stream (and two per stream for its
 * flows) in typed-array columns, about 175 bytes a stream instead of a dozen objects and
 * boxed numbers (800 bytes). A capture with tens of thousands of short connections keeps
 * them all (a SYN on a finished stream's ports is told from a retransmission by them).
 *
 * tcp-analysis.ts reads and writes a stream through ConversationView and FlowView, which
 * have the plain fields of Conversation and Flow: the analysis reads as it did with objects.
 */
import type { Ns } from '../ns.js';
import { NsColumn } from './ns-column.js';
import type { Conversation, Flow, Unacked } from './tcp-analysis.js';

const INITIAL = 256;

/** A growable typed array. */
type Column = Float64Array | Uint32Array | Uint16Array | Uint8Array | Int8Array;

/** Bits of ConversationTable.flowKnown: which of a flow's 32-bit columns hold a value (else undefined). */
const Known = { base: 1, nextSeq: 2, lastAck: 4, window: 8, firstSeq: 16 } as const;

/** The columns are read and written by the views below; other modules go through the views. */
export class ConversationTable {
  /** Rows in use. */
  count = 0;
  private capacity = INITIAL;

  // Per conversation (row = tcp.stream).
  /** Id of the side-0 address in `addresses`: a capture has far fewer addresses than streams. */
  side0Addr = new Uint32Array(INITIAL);
  readonly addresses: string[] = [];
  private readonly addressIds = new Map<string, number>();
  side0Port = new Uint16Array(INITIAL);
  firstFrame = new Uint32Array(INITIAL);
  lastFrame = new Uint32Array(INITIAL);
  completeness = new Uint8Array(INITIAL);
  synDirection = new Uint8Array(INITIAL);
  /** Bits: 1 synAckSeen, 2 closing, 4 a FIN side is known, 8 it is side 1. */
  convBits = new Uint8Array(INITIAL);
  readonly firstNs = new NsColumn(INITIAL);
  readonly lastNs = new NsColumn(INITIAL);
  readonly synNs = new NsColumn(INITIAL);
  readonly iRttNs = new NsColumn(INITIAL);

  // Per flow (row = stream * 2 + direction).
  /** Sequence numbers and windows: 32-bit, each meaningful when its bit of flowKnown is set. */
  base = new Uint32Array(INITIAL * 2);
  nextSeq = new Uint32Array(INITIAL * 2);
  lastAck = new Uint32Array(INITIAL * 2);
  window = new Uint32Array(INITIAL * 2);
  firstSeq = new Uint32Array(INITIAL * 2);
  flowKnown = new Uint8Array(INITIAL * 2);
  winScale = new Int8Array(INITIAL * 2);
  lastNonDupAck = new Uint32Array(INITIAL * 2);
  dupAckNum = new Uint32Array(INITIAL * 2);
  pushBytes = new Float64Array(INITIAL * 2);
  /** Bits: 1 lastKeepAlive, 2 validBif, 4 keepAliveAckBias. */
  flowBits = new Uint8Array(INITIAL * 2);
  readonly lastAckNs = new NsColumn(INITIAL * 2);
  readonly nextSeqNs = new NsColumn(INITIAL * 2);
  readonly unacked: (Unacked[] | undefined)[] = [];

  /** A new conversation (its row is the next stream index), as tcp-analysis.ts starts one. */
  add(side0Addr: string, side0Port: number, ns: Ns, frame: number): number {
    const i = this.count++;
    if (i >= this.capacity) this.grow();
    let id = this.addressIds.get(side0Addr);
    if (id === undefined) {
      id = this.addresses.push(side0Addr) - 1;
      this.addressIds.set(side0Addr, id);
    }
    this.side0Addr[i] = id;
    this.side0Port[i] = side0Port;
    this.firstNs.set(i, ns);
    this.lastNs.set(i, ns);
    this.firstFrame[i] = frame;
    this.lastFrame[i] = frame;
    for (const f of [i * 2, i * 2 + 1]) {
      this.winScale[f] = -1;
      this.flowBits[f] = 2;
      this.lastAckNs.set(f, 0);
      this.nextSeqNs.set(f, 0);
    }
    return i;
  }

  /**
   * Conversation `i` through the table's one view (pointed at row i): valid until the next
   * call, which is all the analysis of a segment needs, and no objects per segment.
   */
  view(i: number): ConversationView {
    const v = (this.current ??= new ConversationView(this));
    v.point(i);
    return v;
  }

  private current: ConversationView | undefined;

  private grow(): void {
    // By half, not double: a capture of many short connections wastes less of the last growth.
    const size = Math.ceil(this.capacity * 1.5);
    const widen = <T extends Column>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.side0Addr = widen(this.side0Addr, size);
    this.side0Port = widen(this.side0Port, size);
    this.firstFrame = widen(this.firstFrame, size);
    this.lastFrame = widen(this.lastFrame, size);
    this.completeness = widen(this.completeness, size);
    this.synDirection = widen(this.synDirection, size);
    this.convBits = widen(this.convBits, size);
    for (const c of [this.firstNs, this.lastNs, this.synNs, this.iRttNs]) c.grow(size);
    const flows = size * 2;
    this.base = widen(this.base, flows);
    this.nextSeq = widen(this.nextSeq, flows);
    this.lastAck = widen(this.lastAck, flows);
    this.window = widen(this.window, flows);
    this.firstSeq = widen(this.firstSeq, flows);
    this.flowKnown = widen(this.flowKnown, flows);
    this.winScale = widen(this.winScale, flows);
    this.lastNonDupAck = widen(this.lastNonDupAck, flows);
    this.dupAckNum = widen(this.dupAckNum, flows);
    this.pushBytes = widen(this.pushBytes, flows);
    this.flowBits = widen(this.flowBits, flows);
    for (const c of [this.lastAckNs, this.nextSeqNs]) c.grow(flows);
    this.capacity = size;
  }

}

/** A conversation's row, with the fields of Conversation (made per segment: short-lived). */
export class ConversationView implements Conversation {
  readonly flows: [FlowView, FlowView];
  index = 0;
  constructor(private readonly t: ConversationTable) {
    this.flows = [new FlowView(t), new FlowView(t)];
  }

  /** Show row i (and its two flows). */
  point(i: number): void {
    this.index = i;
    this.flows[0].row = i * 2;
    this.flows[1].row = i * 2 + 1;
  }
  get side0Addr(): string { return this.t.addresses[this.t.side0Addr[this.index]!]!; }
  get side0Port(): number { return this.t.side0Port[this.index]!; }
  get firstNs(): Ns { return this.t.firstNs.get(this.index)!; }
  get lastNs(): Ns { return this.t.lastNs.get(this.index)!; }
  set lastNs(v: Ns) { this.t.lastNs.set(this.index, v); }
  get firstFrame(): number { return this.t.firstFrame[this.index]!; }
  get lastFrame(): number { return this.t.lastFrame[this.index]!; }
  set lastFrame(v: number) { this.t.lastFrame[this.index] = v; }
  get completeness(): number { return this.t.completeness[this.index]!; }
  set completeness(v: number) { this.t.completeness[this.index] = v; }
  get synNs(): Ns | undefined { return this.t.synNs.get(this.index); }
  set synNs(v: Ns | undefined) { this.t.synNs.set(this.index, v); }
  get synDirection(): 0 | 1 { return this.t.synDirection[this.index] ? 1 : 0; }
  set synDirection(v: 0 | 1) { this.t.synDirection[this.index] = v; }
  get synAckSeen(): boolean { return (this.t.convBits[this.index]! & 1) !== 0; }
  set synAckSeen(v: boolean) { this.bit(1, v); }
  get iRttNs(): Ns | undefined { return this.t.iRttNs.get(this.index); }
  set iRttNs(v: Ns | undefined) { this.t.iRttNs.set(this.index, v); }
  get finSide(): 0 | 1 | undefined {
    const b = this.t.convBits[this.index]!;
    return b & 4 ? (b & 8 ? 1 : 0) : undefined;
  }
  set finSide(v: 0 | 1 | undefined) {
    this.t.convBits[this.index] = (this.t.convBits[this.index]! & ~12) | (v === undefined ? 0 : v ? 12 : 4);
  }
  get closing(): boolean { return (this.t.convBits[this.index]! & 2) !== 0; }
  set closing(v: boolean) { this.bit(2, v); }

  private bit(mask: number, v: boolean): void {
    const b = this.t.convBits[this.index]!;
    this.t.convBits[this.index] = v ? b | mask : b & ~mask;
  }
}

/** A flow's row, with the fields of Flow. */
class FlowView implements Flow {
  row = 0;
  constructor(private readonly t: ConversationTable) {}
  get base(): number | undefined { return this.get(this.t.base, Known.base); }
  set base(v: number | undefined) { this.set(this.t.base, Known.base, v); }
  get nextSeq(): number | undefined { return this.get(this.t.nextSeq, Known.nextSeq); }
  set nextSeq(v: number | undefined) { this.set(this.t.nextSeq, Known.nextSeq, v); }
  get lastAck(): number | undefined { return this.get(this.t.lastAck, Known.lastAck); }
  set lastAck(v: number | undefined) { this.set(this.t.lastAck, Known.lastAck, v); }
  get window(): number | undefined { return this.get(this.t.window, Known.window); }
  set window(v: number | undefined) { this.set(this.t.window, Known.window, v); }
  get firstSeq(): number | undefined { return this.get(this.t.firstSeq, Known.firstSeq); }
  set firstSeq(v: number | undefined) { this.set(this.t.firstSeq, Known.firstSeq, v); }
  get winScale(): number { return this.t.winScale[this.row]!; }
  set winScale(v: number) { this.t.winScale[this.row] = v; }
  get lastNonDupAck(): number { return this.t.lastNonDupAck[this.row]!; }
  set lastNonDupAck(v: number) { this.t.lastNonDupAck[this.row] = v; }
  get dupAckNum(): number { return this.t.dupAckNum[this.row]!; }
  set dupAckNum(v: number) { this.t.dupAckNum[this.row] = v; }
  get pushBytes(): number { return this.t.pushBytes[this.row]!; }
  set pushBytes(v: number) { this.t.pushBytes[this.row] = v; }
  get lastKeepAlive(): boolean { return (this.t.flowBits[this.row]! & 1) !== 0; }
  set lastKeepAlive(v: boolean) { this.bit(1, v); }
  get validBif(): boolean { return (this.t.flowBits[this.row]! & 2) !== 0; }
  set validBif(v: boolean) { this.bit(2, v); }
  get keepAliveAckBias(): number { return this.t.flowBits[this.row]! & 4 ? 1 : 0; }
  set keepAliveAckBias(v: number) { this.bit(4, v !== 0); }
  get lastAckNs(): Ns { return this.t.lastAckNs.get(this.row)!; }
  set lastAckNs(v: Ns) { this.t.lastAckNs.set(this.row, v); }
  get nextSeqNs(): Ns { return this.t.nextSeqNs.get(this.row)!; }
  set nextSeqNs(v: Ns) { this.t.nextSeqNs.set(this.row, v); }
  get unacked(): Unacked[] | undefined { return this.t.unacked[this.row]; }
  set unacked(v: Unacked[] | undefined) { this.t.unacked[this.row] = v; }

  private bit(mask: number, v: boolean): void {
    const b = this.t.flowBits[this.row]!;
    this.t.flowBits[this.row] = v ? b | mask : b & ~mask;
  }

  private get(col: Uint32Array, known: number): number | undefined {
    return this.t.flowKnown[this.row]! & known ? col[this.row]! : undefined;
  }

  /** `v` is a 32-bit sequence number or window (the analysis writes no other). */
  private set(col: Uint32Array, known: number, v: number | undefined): void {
    const k = this.t.flowKnown[this.row]!;
    if (v === undefined) {
      this.t.flowKnown[this.row] = k & ~known;
    } else {
      col[this.row] = v;
      this.t.flowKnown[this.row] = k | known;
    }
  }
}
