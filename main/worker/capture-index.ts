/**
 * One open capture in the worker: the file reader, the dissection state, and
 * the first pass that indexes it. Every packet is dissected once, in order,
 * keeping only its list row and a few facts (TCP stream, WebSocket, what
 * tcpdump needs for its sequence numbers) in the PacketStore; any packet can
 * then be dissected again, with its tree, from the memos the first pass left.
 * The engine keeps no reassembled bytes: a revisit reads the frames a PDU was
 * made of again (recent ones from memory, older ones from the file).
 *
 * The first pass runs in slices, yielding to the worker's message loop between
 * them, so rows and details are answered while a big file is still indexing.
 * In follow mode (a live capture still being written) the file is polled for
 * new packets until stopFollowing().
 */
import type { CaptureFileReader } from '../capture-file/index.js';
import type { CaptureRecord } from '../../shared/capture/types.js';
import { Dissection, type Dissected } from '../../shared/dissect/engine.js';
import { frameInputFrom, withComments } from '../../shared/dissect/frame-input.js';
import type { FrameInput } from '../../shared/dissect/packet.js';
import type { Registry } from '../../shared/dissect/registry.js';
import type { TreeShape } from '../../shared/dissect/tree.js';
import { dissectShaped } from '../../shared/filter/index.js';
import { knownFacts } from '../../shared/filter/summary-facts.js';
import { COLUMN_MAX_BYTES, INFO_MAX_BYTES } from '../../shared/format/summary.js';
import { truncateUtf8 } from '../../shared/format/utf8-text.js';
import { rowColor, tcpAnalysis, TcpInfoFlag, tcpInfoFlags } from '../../shared/view/row-color.js';
import { timeDigits } from '../cli/read.js';
import { NO_TIME, PacketFlag, PacketStore, type PacketSummary } from './packet-store.js';
import { RecentFrames } from './recent-frames.js';
import { StreamBases } from './stream-bases.js';

/** Packets dissected between two looks at the message queue, at most; and at most this long (cold code is slow). */
const SLICE_PACKETS = 2000;
const SLICE_MS = 30;
const FOLLOW_POLL_MS = 100;

export const yieldToMessages = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Says when a long loop has worked long enough and should let the worker answer messages. */
export class Slicer {
  private count = 0;
  private start = performance.now();

  /** `maxItems`: items in a slice at most, however quick (packets dissected by default). */
  constructor(private readonly maxItems = SLICE_PACKETS) {}

  /** Call once per item; true when it is time to yield (then counting starts again). */
  due(): boolean {
    const n = ++this.count;
    if (n < this.maxItems && (n % 64 !== 0 || performance.now() - this.start < SLICE_MS)) return false;
    this.count = 0;
    this.start = performance.now();
    return true;
  }
}

export interface IndexHooks {
  /**
   * Packet i was just dissected for the first time, without its tree (a display
   * filter answers from the store, or dissects it again with the tree it needs).
   */
  packet(i: number, d: Dissected): void;
  /** Counts changed (a slice was indexed, the file grew, reading stopped). */
  changed(): void;
}

/** Bytes parsed per step of a file opened with firstBytes: a step takes tens of milliseconds, between index slices. */
const READ_STEP = 8 << 20;

export class CaptureIndex {
  readonly store: PacketStore;
  readonly dissection: Dissection;
  /** The bytes of the frames dissected last: nearly always what a revisit rebuilding a PDU needs. */
  private readonly recent = new RecentFrames();
  /** Per TCP stream, the packets that set tcpdump's sequence base (see tcpdump-view.ts). */
  readonly baseSetters = new StreamBases();
  /** TCP streams that carry WebSocket (the conversation id is the stream index). */
  readonly wsStreams = new Set<number>();
  /** Comments edited in this session, by packet index; they replace the file's. */
  readonly comments = new Map<number, readonly string[]>();
  /** Problems met after opening (reading stopped, the file shrank). */
  readonly problems: string[] = [];
  private readonly digitsByInterface = new Map<number, number>();
  private indexing: Promise<void> | null = null;
  private readingMore: Promise<void> | null = null;
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
    this.dissection = new Dissection(registry, { keepReassembledBytes: false, readFrame: (num) => this.frameBytes(num) });
    this.store = new PacketStore(this.dissection.times!);
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

  /** Part of a file on disk is not parsed yet (opened with firstBytes, or a gzip file still inflating): indexing is not over. */
  get unread(): boolean {
    return !this.following && !this.reader.atEnd;
  }

  /** 0..1: the share of the file parsed (of a gzip file, of what is inflated so far), times the share of parsed packets indexed. */
  get progress(): number {
    const known = this.reader.bytesKnown;
    const read = this.reader.atEnd ? 1 : (known > 0 ? this.reader.bytesParsed / known : 1) * this.reader.inflatedShare;
    return this.total === 0 ? read : read * (this.indexed / this.total);
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

  /**
   * Parses the rest of a file opened with firstBytes, and waits for a gzip file's inflation (the packets
   * are indexed after, as usual): what saving every packet needs while the file is still being indexed.
   */
  async readAll(): Promise<void> {
    // Each refresh parses all there is, or waits for more inflated bytes: bounded by the file's end.
    while (this.unread && this.problems.length === 0 && !this.closed) await this.refresh();
  }

  /** Resolves once every packet the file holds now is indexed. */
  async whenIndexed(): Promise<void> {
    // Bounded: each round indexes what the file held when it started, or parses a step more of a file on disk;
    // a file still growing is followed, not awaited.
    const rounds = 10 + Math.ceil(this.reader.bytesKnown / READ_STEP);
    for (let round = 0; round < rounds && (this.indexing || this.readingMore); round++) await (this.indexing ?? this.readingMore);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.following = false;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    await this.polling;
    await this.indexing?.catch(() => undefined);
    await this.readingMore?.catch(() => undefined);
    await this.reader.close();
  }

  /** The frame as the engine takes it, with this session's edited comments. */
  frameInput(rec: CaptureRecord): FrameInput {
    this.recent.remember(rec.index + 1, rec.data);
    return withComments(frameInputFrom(rec, this.reader.interfaces), this.comments.get(rec.index));
  }

  /** Packet i (0-based, indexed already) dissected again: with no tree, the full tree, or the items a TreeShape keeps. */
  async dissect(i: number, tree: boolean | TreeShape): Promise<Dissected> {
    return dissectShaped(this.dissection, this.frameInput(await this.reader.readPacket(i)), tree);
  }

  /** Indexes of the packets of a TCP stream, ascending (a scan of the store: streams are asked for rarely). */
  streamPackets(stream: number): Uint32Array {
    const column = this.store.tcpStream;
    const n = this.store.count;
    const stored = stream + 1;
    let count = 0;
    for (let i = 0; i < n; i++) if (column[i] === stored) count++;
    const out = new Uint32Array(count);
    for (let i = 0, k = 0; k < count; i++) if (column[i] === stored) out[k++] = i;
    return out;
  }

  /** Frame `num`'s captured bytes, for the engine rebuilding reassembled data on a revisit. */
  private frameBytes(num: number): Uint8Array | undefined {
    const known = this.recent.get(num);
    if (known) return known;
    if (num < 1 || num > this.store.count) return undefined;
    const data = this.reader.readPacketSync(num - 1).data;
    this.recent.remember(num, data);
    return data;
  }

  /**
   * Records of the given packets (ascending, indexed already), in that order, packets near each
   * other read in one slice of the file.
   */
  async *records(packets: ArrayLike<number>): AsyncGenerator<CaptureRecord> {
    for await (const batch of this.batches(packets)) yield* batch;
  }

  /** The same in batches (one await per batch, not per packet: for loops over many packets). */
  batches(packets: ArrayLike<number>): AsyncGenerator<CaptureRecord[]> {
    return this.reader.batchesOf(packets);
  }

  private kick(): void {
    if (this.indexing || this.closed) return;
    this.indexing = this.indexLoop().finally(() => {
      this.indexing = null;
      this.hooks.changed();
      if (this.closed || this.problems.length > 0) return;
      if (this.store.count < this.reader.packetCount) this.kick();
      else if (this.unread) this.readMore();
    });
  }

  /** Parse the next step of a file opened with firstBytes, then index what it held. */
  private readMore(): void {
    if (this.readingMore || this.closed) return;
    this.readingMore = this.refresh(READ_STEP).finally(() => {
      this.readingMore = null;
      if (this.closed || this.problems.length > 0) return;
      if (this.store.count < this.reader.packetCount) this.kick();
      // A step may end inside one large record and add no packet: read on.
      else if (this.unread) this.readMore();
    });
  }

  private async indexLoop(): Promise<void> {
    const slicer = new Slicer();
    try {
      // A batch at a time: one await per read of the file, not per packet.
      for await (const batch of this.reader.batches(this.store.count)) {
        for (const rec of batch) {
          if (this.closed) return;
          this.indexRecord(rec);
          if (slicer.due()) {
            this.hooks.changed();
            await yieldToMessages();
            if (this.closed) return;
          }
        }
      }
    } catch (e) {
      if (!this.closed) this.problems.push(`Reading stopped at packet ${this.store.count + 1}: ${errorText(e)}`);
    }
  }

  private indexRecord(rec: CaptureRecord): void {
    this.recent.remember(rec.index + 1, rec.data);
    const d = this.dissection.dissect(frameInputFrom(rec, this.reader.interfaces), false);
    const summary = this.summarize(d, rec);
    const i = this.store.add(summary);
    const stream = summary.tcpStream;
    if (stream >= 0) {
      this.baseSetters.note(stream, i, (summary.flags & PacketFlag.SynAck) !== 0, (summary.flags & PacketFlag.NoAck) !== 0);
      if (summary.flags & PacketFlag.WebSocket) this.wsStreams.add(stream);
    }
    this.hooks.packet(i, d);
  }

  private summarize(d: Dissected, rec: CaptureRecord): PacketSummary {
    const analysis = tcpAnalysis(d);
    // Read once, for the flags below and for the row's colour.
    const infoFlags = tcpInfoFlags(d.info);
    let flags = 0;
    if (d.ctx.protocols.includes('websocket')) flags |= PacketFlag.WebSocket;
    if (analysis && infoFlags >= 0) {
      if ((infoFlags & TcpInfoFlag.Syn) && (infoFlags & TcpInfoFlag.Ack)) flags |= PacketFlag.SynAck;
      if (!(infoFlags & TcpInfoFlag.Ack)) flags |= PacketFlag.NoAck;
    }
    flags |= knownFacts(d);
    return {
      timeDigits: rec.noTimestamp ? NO_TIME : this.digitsOf(rec.interface),
      src: truncateUtf8(d.src, COLUMN_MAX_BYTES),
      dst: truncateUtf8(d.dst, COLUMN_MAX_BYTES),
      protocol: truncateUtf8(d.protocol, COLUMN_MAX_BYTES),
      length: rec.origLen,
      info: truncateUtf8(d.info, INFO_MAX_BYTES),
      color: rowColor(d, infoFlags, analysis),
      tcpStream: analysis?.stream ?? -1,
      tcpLen: d.ctx.tcpLen,
      httpMethod: d.ctx.httpMethod,
      httpCode: d.ctx.httpCode,
      flags,
      stack: d.protocols,
      srcPort: d.ctx.srcPort,
      dstPort: d.ctx.dstPort,
      srcKey: d.ctx.netSrcKey,
      dstKey: d.ctx.netDstKey,
    };
  }

  private digitsOf(iface: number): number {
    let digits = this.digitsByInterface.get(iface);
    if (digits === undefined) this.digitsByInterface.set(iface, (digits = timeDigits(this.reader.interfaces[iface])));
    return digits;
  }

  private async refresh(maxBytes?: number): Promise<void> {
    try {
      const added = await this.reader.refresh(maxBytes);
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
