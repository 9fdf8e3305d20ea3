/**
 * What a dissector knows about the packet it is working on (Wireshark's
 * packet_info): the frame's metadata, the columns, the addresses lower layers
 * found, the chain of protocols, and the per-frame memo that lets a packet be
 * dissected again later (ctx.visited) without replaying the whole file.
 */
import { Columns } from './columns.js';
import { addExpert, GROUPS, hfWs, Severity } from './expert.js';
import type { FrameMemos, FrameTimes } from './frame-store.js';
import { httpMethodCode, Noted } from './noted.js';
import type { Dissector, ProtocolDef, Registry } from './registry.js';
import type { Tree } from './tree.js';
import { BoundsError, makeTvb, MalformedError, type SourcePart, type Tvb } from './tvb.js';

/** What a context knows about reaching other frames' bytes (Dissection passes it; tests need not). */
export interface FrameAccess {
  readonly keepReassembledBytes: boolean;
  readonly otherFrames?: ReadonlyMap<number, Uint8Array>;
  /** Reads a frame's bytes that were not passed in otherFrames (DissectionOptions.readFrame). */
  readonly readFrame?: (num: number) => Uint8Array | undefined;
  readonly needFrames: (frame: number, others: readonly number[]) => void;
}

const KEEP_BYTES: FrameAccess = { keepReassembledBytes: true, needFrames: () => {} };

/** One frame as the capture file gives it. */
export interface FrameInput {
  /** 1-based frame number. */
  readonly num: number;
  /** Timestamp: seconds since the epoch and nanoseconds within the second. */
  readonly tsSec: number;
  readonly tsNsec: number;
  /** Bytes captured (data.length) and bytes on the wire. */
  readonly capLen: number;
  readonly origLen: number;
  /** LINKTYPE_* number of the interface. */
  readonly linkType: number;
  /** Interface id within its pcapng section (0 for classic pcap). */
  readonly interfaceId: number;
  /** pcapng only: the 1-based section number. Classic pcap has no sections and shows no interface. */
  readonly section?: number;
  readonly interfaceName?: string;
  readonly interfaceDescription?: string;
  readonly comments?: readonly string[];
  /** pcapng epb_flags, when present (direction in the low two bits). */
  readonly epbFlags?: number;
  readonly data: Uint8Array;
}

/** A buffer the packet's fields may point into: the frame, or a reassembled/decoded one. */
export interface DataSource {
  readonly name: string;
  readonly tvb: Tvb;
  /** Where its bytes came from, for reassembled buffers. */
  readonly parts?: readonly SourcePart[];
}

/**
 * Per-capture state shared by all packets (conversation tables and such), by protocol key.
 * Asked for on every packet: give `init` as a function defined once, not an arrow made per call.
 */
export class SessionState {
  /**
   * Keys and their state side by side: a capture has a dozen keys at most, and several are asked
   * for on every packet, so a scan comparing the (interned) key strings beats hashing into a Map.
   */
  private readonly keys: string[] = [];
  private readonly values: unknown[] = [];

  get<T>(key: string, init: () => T): T {
    let v = this.find<T>(key);
    if (v === undefined) {
      v = init();
      this.set(key, v);
    }
    return v;
  }

  /** The state under `key`, if any (for state whose making needs arguments; see set). */
  find<T>(key: string): T | undefined {
    const i = this.keys.indexOf(key);
    return i < 0 ? undefined : this.values[i] as T;
  }

  set<T>(key: string, value: T): void {
    const i = this.keys.indexOf(key);
    if (i >= 0) {
      this.values[i] = value;
      return;
    }
    this.keys.push(key);
    this.values.push(value);
  }
}

export class PacketContext {
  readonly cols = new Columns();
  /** frame.protocols, in order: `sll`, `ethertype`, `ip`, `tcp`, ... */
  readonly protocols: string[] = [];
  /** ctx.call() calls no dissector once `protocols` is this long (a revisit for a reader of the first layers only). */
  layerLimit = Infinity;
  /** Entering a layer of this protocol sets layerLimit to it (a first pass for TCP's own fields only). */
  stopAbove: string | null = null;
  readonly sources: DataSource[];
  readonly frameTvb: Tvb;

  /** Network-layer addresses as text (`127.0.0.1`, `::1`), set by IP/IPv6; link-layer ones by Ethernet/SLL. */
  get netSrc(): string {
    return this.src;
  }
  set netSrc(text: string) {
    this.src = text;
    this.netSrcKey = -1;
  }
  get netDst(): string {
    return this.dst;
  }
  set netDst(text: string) {
    this.dst = text;
    this.netDstKey = -1;
  }
  /**
   * The IPv4 address behind netSrc/netDst as a number (set by IPv4 right after the text), or -1:
   * conversation tables key on it without looking the text up. Setting the text resets it.
   */
  netSrcKey = -1;
  netDstKey = -1;
  private src = '';
  private dst = '';
  dlSrc = '';
  dlDst = '';
  /** Transport ports, set by TCP/UDP. */
  srcPort = 0;
  dstPort = 0;
  /** IP protocol number of the innermost IP header (6 TCP, 17 UDP...). */
  ipProto = -1;
  /** Set once a layer was found malformed. */
  malformed = false;
  /** Noted bits (noted.ts): items this frame's full tree has, known without one. */
  noted = 0;
  /**
   * The value of the frame's `tcp.len` item, known without a tree (set by TCP where its full tree
   * adds one): -1 when there is none, -2 when there are several (read by filters: summary-facts.ts).
   */
  tcpLen = -1;

  /** Say that the full tree has an item of a Noted kind (called with or without a tree). */
  note(item: number): void {
    if (this.noted & item) this.noted |= Noted.Repeated;
    this.noted |= item;
  }

  /**
   * The frame's `http.request.method` item, known without a tree: 0 when there is none, its code
   * in noted.ts HTTP_METHODS, or -1 for several or a method not listed (read by summary-facts.ts).
   */
  httpMethod = 0;

  /** Say that the full tree has an `http.request.method` item holding this method. */
  noteHttpMethod(method: string): void {
    const code = httpMethodCode(method);
    this.httpMethod = this.httpMethod === 0 && code > 0 ? code : -1;
  }

  /**
   * The frame's `http.response.code` item, known without a tree: 0 when there is none, its value,
   * or -1 for several (read by summary-facts.ts).
   */
  httpCode = 0;

  /** Say that the full tree has an `http.response.code` item of this value. */
  noteHttpCode(code: number): void {
    this.httpCode = this.httpCode === 0 && code > 0 ? code : -1;
  }

  /** Say that the full tree has a `tcp.len` item of this value. */
  noteTcpLen(len: number): void {
    this.tcpLen = this.tcpLen === -1 ? len : -2;
  }
  /**
   * Per-packet state IP shares with the layers above (Wireshark's pinfo->flags.in_error_pkt and
   * pinfo->fragmented); read through ipv4.ts `ipFlags`.
   */
  readonly ipFlags = { inError: false, fragmented: false };

  constructor(
    readonly frame: FrameInput,
    readonly registry: Registry,
    readonly session: SessionState,
    /**
     * Frame-number-keyed memos filled on the first pass, read on later ones; null when the
     * dissection keeps nothing for revisits (a single pass): memos then live only as long as
     * this context.
     */
    private readonly memos: FrameMemos | null,
    /** True when this frame was dissected before (the first pass is over for it). */
    readonly visited: boolean,
    /** Every frame's timestamp so far, when the dissection keeps them (null in a single pass). */
    readonly times: FrameTimes | null = null,
    /** How reassembled data is kept for revisits (see DissectionOptions.keepReassembledBytes). */
    private readonly frameAccess: FrameAccess = KEEP_BYTES,
  ) {
    this.frameTvb = makeTvb(frame.data, 0, frame.origLen);
    this.sources = [{ name: 'Frame', tvb: this.frameTvb }];
  }

  get num(): number {
    return this.frame.num;
  }

  /** True when what a dissector records for this frame is kept for a later revisit. */
  get keepsMemos(): boolean {
    return this.memos !== null;
  }

  /** False when reassembled bytes are not kept: a revisit rebuilds them with frameBytes(). */
  get keepsReassembledBytes(): boolean {
    return this.frameAccess.keepReassembledBytes || this.memos === null;
  }

  /** The captured bytes of frame `num`: this frame's, or another's the caller passed for this revisit or readFrame reads. */
  frameBytes(num: number): Uint8Array | undefined {
    if (num === this.frame.num) return this.frame.data;
    return this.frameAccess.otherFrames?.get(num) ?? this.frameAccess.readFrame?.(num);
  }

  /** First pass: a revisit of this frame will need these frames' bytes (see frameBytes). */
  needFrames(frames: readonly number[]): void {
    if (!this.visited) this.frameAccess.needFrames(this.frame.num, frames);
  }

  /**
   * Store per-frame data on the first pass (relative sequence numbers, analysis
   * flags, the bytes of a reassembled message) so a later dissection of this
   * frame alone gives the same answer.
   */
  setMemo(key: string, value: unknown): void {
    this.setLocalMemo(key, value);
    this.memos?.set(this.frame.num, key, value);
  }

  getMemo<T>(key: string): T | undefined {
    if (this.local !== undefined) {
      for (let i = 0; i < this.local.length; i += 2) if (this.local[i] === key) return this.local[i + 1] as T;
    }
    // On the first pass the store holds nothing for this frame that is not in `local` already.
    if (this.memos === null || !this.visited) return undefined;
    return this.memos.get(this.frame.num, key) as T | undefined;
  }

  /**
   * A memo for this dissection of the frame only, never kept for a revisit: for what a
   * dissector keeps in its own compact store but callers read through getMemo.
   */
  setLocalMemo(key: string, value: unknown): void {
    const l = this.local;
    if (l === undefined) {
      // Sized to the pair: a list grown by push would reserve room for many more.
      this.local = [key, value];
      return;
    }
    for (let i = 0; i < l.length; i += 2) {
      if (l[i] === key) {
        l[i + 1] = value;
        return;
      }
    }
    l.push(key, value);
  }

  /** Key/value pairs set in this context (most frames set none or one). */
  private local: unknown[] | undefined;

  /** Register a reassembled or decoded buffer; fields added with the returned Tvb point into it. */
  addSource(name: string, bytes: Uint8Array, parts?: readonly SourcePart[]): Tvb {
    const tvb = makeTvb(bytes, this.sources.length);
    this.sources.push(parts ? { name, tvb, parts } : { name, tvb });
    return tvb;
  }

  /**
   * Enter a protocol layer: record it in frame.protocols, set the Protocol column,
   * and add its item to the tree (covering `length` bytes, or the rest of `end`).
   */
  enter(proto: ProtocolDef, tree: Tree, tvb: Tvb, offset: number, length: number, text?: string): Tree {
    this.protocols.push(proto.name);
    if (proto.name === this.stopAbove) this.layerLimit = Math.min(this.layerLimit, this.protocols.length);
    this.cols.protocol = proto.short;
    return tree.add(proto.def, tvb, offset, length, null, text ?? proto.label);
  }

  /** Whether call() from the layer now running calls no dissector (layerLimit, stopAbove). */
  get callsNothing(): boolean {
    return this.protocols.length >= this.layerLimit;
  }

  /**
   * Call a dissector so that an error in it stays in its layer: truncated or
   * contradictory data becomes a "malformed" item, as Wireshark does; any other
   * exception (a bug) is reported the same way instead of escaping.
   */
  call(dissector: Dissector, tvb: Tvb, offset: number, end: number, tree: Tree, data?: unknown): number {
    const depth = this.protocols.length;
    // Left out (TreeShape.layerLimit, stopAbove): taken as dissected, so no other dissector is tried.
    if (depth >= this.layerLimit) return end - offset;
    try {
      const used = dissector(tvb, offset, end, this, tree, data);
      this.callerLayer = depth - 1;
      this.lengthAtReturn = this.protocols.length;
      return used;
    } catch (err) {
      this.reportError(err, tvb, offset, tree);
      return end - offset;
    }
  }

  /**
   * The layer running again once a called dissector returned (its index in `protocols`), as long as
   * no layer was added since (`protocols` still `lengthAtReturn` long): an error thrown then (HTTP's
   * cut body, after the media dissector) names that layer, as tshark names its current protocol.
   */
  private callerLayer = -1;
  private lengthAtReturn = -1;

  /** Look up a table and call the dissector found there; false when the table has none. */
  dispatch(table: Parameters<Registry['lookup']>[0], key: number, tvb: Tvb, offset: number, end: number, tree: Tree, data?: unknown): boolean {
    const d = this.registry.lookup(table, key);
    // A dissector that returns 0 declined the data (it was not its protocol after all).
    return d !== undefined && this.call(d, tvb, offset, end, tree, data) > 0;
  }

  /** Try heuristic dissectors in order; true once one accepts the data. */
  tryHeuristics(list: Parameters<Registry['heuristicsFor']>[0], tvb: Tvb, offset: number, end: number, tree: Tree, data?: unknown): boolean {
    for (const h of this.registry.heuristicsFor(list)) {
      if (this.call(h, tvb, offset, end, tree, data) > 0) return true;
    }
    return false;
  }

  private reportError(err: unknown, tvb: Tvb, offset: number, tree: Tree): void {
    const p = this.protocols;
    const layer = p[p.length === this.lengthAtReturn ? this.callerLayer : p.length - 1] ?? 'frame';
    const shortName = this.registry.protocols.get(layer)?.short ?? layer.toUpperCase();
    if (err instanceof BoundsError && err.snapped) {
      tree.addGenerated(hfWs.shortData, tvb, offset, 0, null, `Packet size limited during capture: ${shortName} truncated`);
      this.cols.appendInfo('[Packet size limited during capture]');
      return;
    }
    this.malformed = true;
    // tshark's message carries no detail; a dissector bug (not a bounds or format problem) is said so, since it is ours to fix.
    const bug = !(err instanceof BoundsError || err instanceof MalformedError);
    const item = tree.addGenerated(hfWs.malformed, tvb, offset, 0, null, `Malformed Packet: ${shortName}`);
    const message = bug ? `Malformed Packet (Dissector bug: ${String((err as Error)?.message ?? err)})` : 'Malformed Packet (Exception occurred)';
    addExpert(item, tvb, offset, 0, Severity.Error, GROUPS.Malformed, message, bug ? hfWs.dissectorBug : hfWs.malformedExpert);
    this.cols.appendInfo('[Malformed Packet]');
  }
}
