/**
 * One open capture in the worker: the file reader, the dissection state, and
 * the first pass that indexes it. Every packet is dissected once, in order,
 * keeping only its list row and a few facts (TCP stream, WebSocket, what
 * tcpdump needs for its sequence numbers) in the PacketStore; any packet can
 * then be dissected again, with its tree, from the memos the first pass left.
 *
 * The first pass runs in slices, yielding to the worker's message loop between
 * them, so rows and details are answered while a big file is still indexing.
 * In follow mode (a live capture still being written) the file is polled for
 * new packets until stopFollowing().
 */
import type { CaptureFileReader } from '../capture-file/index.js';
import type { CaptureRecord } from '../../shared/capture/types.js';
import { Dissection, type Dissected } from '../../shared/dissect/engine.js';
import { frameInputFrom } from '../../shared/dissect/frame-input.js';
import type { FrameInput } from '../../shared/dissect/packet.js';
import type { Registry } from '../../shared/dissect/registry.js';
import { COLUMN_MAX_BYTES, INFO_MAX_BYTES } from '../../shared/format/summary.js';
import { truncateUtf8 } from '../../shared/format/utf8-text.js';
import { rowColor, tcpAnalysis, tcpFlagsFromInfo } from '../../shared/view/row-color.js';
import { timeDigits } from '../cli/read.js';
import { NO_TIME, PacketFlag, PacketStore, type PacketSummary } from './packet-store.js';

/** Packets dissected between two looks at the message queue, at most; and at most this long (cold code is slow). */
const SLICE_PACKETS = 2000;
const SLICE_MS = 30;
const FOLLOW_POLL_MS = 100;
/** Read packets one by one (rather than a whole run of the file) when fewer than 1 in this many of the run are wanted. */
const SPARSE = 16;

export const yieldToMessages = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Says when a long loop has worked long enough and should let the worker answer messages. */
export class Slicer {
  private count = 0;
  private start = performance.now();

  /** Call once per item; true when it is time to yield (then counting starts again). */
  due(): boolean {
    const n = ++this.count;
    if (n < SLICE_PACKETS && (n % 64 !== 0 || performance.now() - this.start < SLICE_MS)) return false;
    this.count = 0;
    this.start = performance.now();
    return true;
  }
}

export interface IndexHooks {
  /** Dissect the first pass with trees (a display filter needs them). */
  treeWanted(): boolean;
  /** Packet i was just dissected for the first time. */
  packet(i: number, d: Dissected): void;
  /** Counts changed (a slice was indexed, the file grew, reading stopped). */
  changed(): void;
}

export class CaptureIndex {
  readonly store = new PacketStore();
  readonly dissection: Dissection;
  /** Packet indexes of each TCP stream, ascending. */
  readonly streams = new Map<number, number[]>();
  /** Per TCP stream, the packets that set tcpdump's sequence base (see tcpdump-view.ts). */
  readonly baseSetters = new Map<number, number[]>();
  /** TCP streams that carry WebSocket (the conversation id is the stream index). */
  readonly wsStreams = new Set<number>();
  /** Comments edited in this session, by packet index; they replace the file's. */
  readonly comments = new Map<number, readonly string[]>();
  /** Problems met after opening (reading stopped, the file shrank). */
  readonly problems: string[] = [];
  private readonly digitsByInterface = new Map<number, number>();
  private indexing: Promise<void> | null = null;
  private following: boolean;
  private pollTimer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private closed = false;

  constructor(
    readonly reader: CaptureFileReader,
    readonly registry: Registry,
    private readonly hooks: IndexHooks,
    follow: boolean,
  ) {
    this.dissection = new Dissection(registry);
    this.following = follow;
  }

  /** Packets indexed so far. */
  get indexed(): number {
    return this.store.count;
  }

  /** Packets the file holds (as far as it has been read). */
  get total(): number {
    return this.reader.packetCount;
  }

  get isFollowing(): boolean {
    return this.following;
  }

  start(): void {
    this.kick();
    if (this.following) this.schedulePoll();
  }

  /** A live capture ended: read the file to its end once more, index it all, stop polling. */
  async stopFollowing(): Promise<void> {
    this.following = false;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    await this.polling;
    await this.refresh();
    this.kick();
    await this.whenIndexed();
  }

  /** Resolves once every packet the file holds now is indexed. */
  async whenIndexed(): Promise<void> {
    // Bounded: each round indexes what the file held when it started; a file still growing is followed, not awaited.
    for (let round = 0; round < 10 && this.indexing; round++) await this.indexing;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.following = false;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    await this.polling;
    await this.indexing?.catch(() => undefined);
    await this.reader.close();
  }

  /** The frame as the engine takes it, with this session's edited comments. */
  frameInput(rec: CaptureRecord): FrameInput {
    const input = frameInputFrom(rec, this.reader.interfaces);
    const edited = this.comments.get(rec.index);
    if (edited === undefined) return input;
    const { comments: _old, ...rest } = input;
    return edited.length > 0 ? { ...rest, comments: edited } : rest;
  }

  /** Packet i (0-based, indexed already) dissected again. */
  async dissect(i: number, withTree: boolean): Promise<Dissected> {
    return this.dissection.dissect(this.frameInput(await this.reader.readPacket(i)), withTree);
  }

  /**
   * Records of the given packets (ascending, indexed already), in that order: a
   * run of the file read in large slices when the packets are dense, else one read each.
   */
  async *records(packets: ArrayLike<number>): AsyncGenerator<CaptureRecord> {
    const n = packets.length;
    if (n === 0) return;
    const first = packets[0]!;
    const span = packets[n - 1]! - first + 1;
    if (n * SPARSE < span) {
      for (let k = 0; k < n; k++) yield await this.reader.readPacket(packets[k]!);
      return;
    }
    let k = 0;
    for await (const rec of this.reader.records(first)) {
      if (rec.index === packets[k]) {
        yield rec;
        if (++k === n) return;
      }
    }
  }

  private kick(): void {
    if (this.indexing || this.closed) return;
    this.indexing = this.indexLoop().finally(() => {
      this.indexing = null;
      this.hooks.changed();
      if (!this.closed && this.problems.length === 0 && this.store.count < this.reader.packetCount) this.kick();
    });
  }

  private async indexLoop(): Promise<void> {
    const slicer = new Slicer();
    try {
      for await (const rec of this.reader.records(this.store.count)) {
        if (this.closed) return;
        this.indexRecord(rec);
        if (slicer.due()) {
          this.hooks.changed();
          await yieldToMessages();
          if (this.closed) return;
        }
      }
    } catch (e) {
      if (!this.closed) this.problems.push(`Reading stopped at packet ${this.store.count + 1}: ${errorText(e)}`);
    }
  }

  private indexRecord(rec: CaptureRecord): void {
    const d = this.dissection.dissect(frameInputFrom(rec, this.reader.interfaces), this.hooks.treeWanted());
    const summary = this.summarize(d, rec);
    const i = this.store.add(summary);
    const stream = summary.tcpStream;
    if (stream >= 0) {
      let list = this.streams.get(stream);
      if (!list) this.streams.set(stream, (list = []));
      list.push(i);
      // tcpdump's base: the stream's first packet with ACK, then every SYN+ACK.
      const setters = this.baseSetters.get(stream);
      if (summary.flags & PacketFlag.SynAck) {
        if (setters) setters.push(i); else this.baseSetters.set(stream, [i]);
      } else if (!setters && !(summary.flags & PacketFlag.NoAck)) {
        this.baseSetters.set(stream, [i]);
      }
      if (summary.flags & PacketFlag.WebSocket) this.wsStreams.add(stream);
    }
    this.hooks.packet(i, d);
  }

  private summarize(d: Dissected, rec: CaptureRecord): PacketSummary {
    const analysis = tcpAnalysis(d);
    const tcpFlags = analysis ? tcpFlagsFromInfo(d.info) : null;
    let flags = 0;
    if (d.ctx.protocols.includes('websocket')) flags |= PacketFlag.WebSocket;
    if (tcpFlags?.syn && tcpFlags.ack) flags |= PacketFlag.SynAck;
    if (tcpFlags && !tcpFlags.ack) flags |= PacketFlag.NoAck;
    return {
      relSec: d.relSec,
      relNsec: d.relNsec,
      timeDigits: rec.noTimestamp ? NO_TIME : this.digitsOf(rec.interface),
      src: truncateUtf8(d.src, COLUMN_MAX_BYTES),
      dst: truncateUtf8(d.dst, COLUMN_MAX_BYTES),
      protocol: truncateUtf8(d.protocol, COLUMN_MAX_BYTES),
      length: rec.origLen,
      info: truncateUtf8(d.info, INFO_MAX_BYTES),
      color: rowColor(d),
      tcpStream: analysis?.stream ?? -1,
      flags,
    };
  }

  private digitsOf(iface: number): number {
    let digits = this.digitsByInterface.get(iface);
    if (digits === undefined) this.digitsByInterface.set(iface, (digits = timeDigits(this.reader.interfaces[iface])));
    return digits;
  }

  private async refresh(): Promise<void> {
    try {
      const added = await this.reader.refresh();
      if (added > 0) {
        this.kick();
        this.hooks.changed();
      }
    } catch (e) {
      if (!this.closed) this.problems.push(`Reading the capture failed: ${errorText(e)}`);
      this.hooks.changed();
    }
  }

  private schedulePoll(): void {
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      this.polling = this.refresh().finally(() => {
        this.polling = null;
        if (this.following && !this.closed) this.schedulePoll();
      });
    }, FOLLOW_POLL_MS);
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
