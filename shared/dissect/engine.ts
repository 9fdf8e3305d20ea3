/**
 * Dissection of one capture: packets go through in file order the first time
 * (building conversation state and per-frame memos); any packet can then be
 * dissected again on its own, with the same result, for the detail pane.
 */
import { ENCAPSULATIONS, hfFrame, frameProto } from './frame.js';
import { FrameMemos, FrameTimes } from './frame-store.js';
import { PacketContext, SessionState, type DataSource, type FrameAccess, type FrameInput } from './packet.js';
import type { Registry } from './registry.js';
import { NULL_TREE, RootCollector, TreeNode, type Tree, type TreeShape } from './tree.js';

export interface Dissected {
  readonly num: number;
  readonly src: string;
  readonly dst: string;
  readonly protocol: string;
  readonly info: string;
  /** frame.protocols, colon-separated. */
  readonly protocols: string;
  /** Seconds and nanoseconds since the first frame. */
  readonly relSec: number;
  readonly relNsec: number;
  /** Top-level layers (frame, link, network, ...); null when dissected without a tree. */
  readonly tree: TreeNode[] | null;
  readonly sources: readonly DataSource[];
  readonly malformed: boolean;
  /** The context, for callers that need what dissectors recorded (ports, addresses). */
  readonly ctx: PacketContext;
}

/**
 * What dissect() returns. Info is read from the context when asked: TCP's is made only then
 * (Columns.appendInfoLater), and a filter's re-dissection never asks. A class, so the getter
 * lives on its prototype (an object literal with a getter is built by a slow path).
 */
class DissectedFrame implements Dissected {
  readonly src: string;
  readonly dst: string;
  readonly protocol: string;
  readonly sources: readonly DataSource[];
  readonly malformed: boolean;

  constructor(
    readonly num: number,
    readonly protocols: string,
    readonly relSec: number,
    readonly relNsec: number,
    readonly tree: TreeNode[] | null,
    readonly ctx: PacketContext,
  ) {
    this.src = ctx.cols.src;
    this.dst = ctx.cols.dst;
    this.protocol = ctx.cols.protocol;
    this.sources = ctx.sources;
    this.malformed = ctx.malformed;
  }

  get info(): string {
    return this.ctx.cols.info;
  }
}

export interface DissectionOptions {
  /**
   * Frames are dissected once, in order, never revisited (the CLI): nothing is kept per
   * frame for revisits, so memory stays flat however long the file.
   */
  readonly singlePass?: boolean;
  /**
   * False: the bytes of a TCP PDU reassembled from several frames are not kept for
   * revisits (they are most of what a first pass keeps on HTTP traffic); a revisit
   * rebuilds them from those frames, which the caller then reads and passes to dissect()
   * (framesNeeded() names them). Default true: everything a revisit needs is kept.
   */
  readonly keepReassembledBytes?: boolean;
  /**
   * With keepReassembledBytes false: reads another frame's captured bytes (by frame number)
   * when a revisit rebuilds reassembled data, so callers need not pass otherFrames, and no
   * list of needed frames is kept per frame.
   */
  readonly readFrame?: (num: number) => Uint8Array | undefined;
  /**
   * A TreeShape's layerLimit applies on a first pass too: the caller knows no later frame it
   * reads needs the state the left-out layers would have built (the filter helper, on a filter
   * naming only frame and IPv4 header fields: main/worker/filter-helper-pass.ts).
   */
  readonly layerLimitOnFirstPass?: boolean;
  /**
   * No layer above this protocol is dissected, on a first pass too: the caller reads only the
   * items of the layers up to it that the layers above do not decide (the filter helper, on a
   * filter naming TCP's header fields: main/worker/worker-filter.ts, firstPassCut).
   */
  readonly stopAbove?: string | undefined;
}

const NO_FRAMES: readonly number[] = Object.freeze([]);

interface ProtocolsNode {
  readonly text: string;
  /** The layers seen after this list, and the nodes they lead to (few: a scan beats hashing the name). */
  readonly names: string[];
  readonly next: ProtocolsNode[];
}

export class Dissection {
  private readonly session = new SessionState();
  /** What revisits need, per frame; neither is kept by a single-pass dissection. */
  private readonly memos: FrameMemos | null;
  /** Every frame's timestamp (null in a single pass); the worker's packet list reads its Time column here. */
  readonly times: FrameTimes | null;
  /** Highest frame number dissected so far; frames up to it are revisits. */
  private lastFirstPass = 0;
  private firstSec = 0;
  private firstNsec = 0;
  private prevSec = 0;
  private prevNsec = 0;

  /** Per frame whose revisit rebuilds reassembled data: the other frames it is rebuilt from. */
  private readonly needs = new Map<number, readonly number[]>();
  private readonly access: FrameAccess;

  constructor(
    readonly registry: Registry,
    private readonly options: DissectionOptions = {},
  ) {
    this.memos = options.singlePass ? null : new FrameMemos();
    this.times = options.singlePass ? null : new FrameTimes();
    this.access = {
      keepReassembledBytes: options.keepReassembledBytes ?? true,
      ...(options.readFrame ? { readFrame: options.readFrame } : {}),
      needFrames: options.readFrame ? () => {} : (num, frames) => {
        const known = this.needs.get(num);
        this.needs.set(num, known ? [...new Set([...known, ...frames])].sort((x, y) => x - y) : frames);
      },
    };
  }

  /**
   * The frames (other than `num` itself) whose bytes a revisit of frame `num` needs, to be
   * passed to dissect(); always empty unless `keepReassembledBytes` is false.
   */
  framesNeeded(num: number): readonly number[] {
    return this.needs.get(num) ?? NO_FRAMES;
  }

  /**
   * Dissect a frame. Frames must first be given in increasing order; after that,
   * any frame already seen may be given again (a revisit, from the memos).
   */
  dissect(frame: FrameInput, withTree: boolean | TreeShape, otherFrames?: ReadonlyMap<number, Uint8Array>): Dissected {
    const visited = frame.num <= this.lastFirstPass;
    if (visited && this.options.singlePass) throw new Error(`frame ${frame.num} dissected again in a single-pass dissection`);
    const needed = visited ? this.framesNeeded(frame.num) : NO_FRAMES;
    if (needed.length > 0) {
      const missing = needed.filter((n) => !otherFrames?.has(n));
      if (missing.length > 0) throw new Error(`frame ${frame.num} is dissected again from frames ${missing.join(', ')}: pass their bytes (framesNeeded)`);
    }
    let dSec = 0;
    let dNsec = 0;
    if (visited) {
      // The time since the previous frame, from the two frames' times as the first pass saw them.
      const times = this.times!;
      if (frame.num > 1) {
        dSec = diffSec(times.sec(frame.num), times.nsec(frame.num), times.sec(frame.num - 1), times.nsec(frame.num - 1));
        dNsec = diffNsec(times.nsec(frame.num), times.nsec(frame.num - 1));
      }
    } else {
      this.count(frame.num, frame.tsSec, frame.tsNsec);
      dSec = diffSec(frame.tsSec, frame.tsNsec, this.prevSec, this.prevNsec);
      dNsec = diffNsec(frame.tsNsec, this.prevNsec);
      this.times?.push(frame.tsSec, frame.tsNsec);
      this.prevSec = frame.tsSec;
      this.prevNsec = frame.tsNsec;
    }
    const access = otherFrames ? { ...this.access, otherFrames } : this.access;
    const ctx = new PacketContext(frame, this.registry, this.session, this.memos, visited, this.times, access);
    // Layers may be left out only on a revisit: the first pass builds the state later frames read.
    if ((visited || this.options.layerLimitOnFirstPass) && typeof withTree === 'object' && withTree.layerLimit !== undefined) {
      ctx.layerLimit = withTree.layerLimit;
    }
    if (this.options.stopAbove !== undefined) ctx.stopAbove = this.options.stopAbove;
    const relSec = diffSec(frame.tsSec, frame.tsNsec, this.firstSec, this.firstNsec);
    const relNsec = diffNsec(frame.tsNsec, this.firstNsec);
    // A TreeShape (a display filter's fields) keeps only some items: see FieldSet in tree.ts.
    let roots: TreeNode[] | null = null;
    let top: Tree = NULL_TREE;
    if (withTree === true) top = new RootCollector((roots = []));
    else if (withTree !== false) top = withTree.root((roots = []));

    const frameItem = this.addFrameLayer(ctx, top, relSec, relNsec, dSec, dNsec);
    const tvb = ctx.frameTvb;
    if (!ctx.dispatch('linktype', frame.linkType, tvb, 0, tvb.bytes.length, top)) {
      const data = this.registry.byName('data');
      if (data) ctx.call(data, tvb, 0, tvb.bytes.length, top);
    }
    const protocols = this.protocolsText(ctx.protocols);
    if (frameItem instanceof TreeNode) {
      frameItem.addGenerated(hfFrame.protocols, tvb, 0, 0, protocols);
    }
    return new DissectedFrame(frame.num, protocols, relSec, relNsec, roots, ctx);
  }

  /**
   * The next frame in file order, dissected by another thread (a split read: main/cli/read-split.ts):
   * counted, and its time kept as the first frame's or the previous one's, so that the frames
   * this dissection does get have their numbers and times; nothing of it is dissected.
   */
  passOver(num: number, tsSec: number, tsNsec: number): void {
    if (!this.options.singlePass) throw new Error('only a single-pass dissection passes over frames');
    this.count(num, tsSec, tsNsec);
    this.prevSec = tsSec;
    this.prevNsec = tsNsec;
  }

  /** A first pass takes frames in order, from 1; the first one's time is where relative times start. */
  private count(num: number, tsSec: number, tsNsec: number): void {
    if (num !== this.lastFirstPass + 1) throw new Error(`frame ${num} given before frame ${this.lastFirstPass + 1}`);
    this.lastFirstPass = num;
    if (num === 1) {
      this.firstSec = tsSec;
      this.firstNsec = tsNsec;
      this.prevSec = tsSec;
      this.prevNsec = tsNsec;
    }
  }

  /**
   * frame.protocols text by layer list, in a tree keyed by layer name: a capture has few
   * distinct lists, so each text is joined once instead of once per packet.
   */
  private readonly protocolTexts: ProtocolsNode = { text: '', names: [], next: [] };

  private protocolsText(protocols: readonly string[]): string {
    let node = this.protocolTexts;
    for (let i = 0; i < protocols.length; i++) {
      const name = protocols[i]!;
      const at = node.names.indexOf(name);
      if (at >= 0) {
        node = node.next[at]!;
        continue;
      }
      const child: ProtocolsNode = { text: protocols.slice(0, i + 1).join(':'), names: [], next: [] };
      node.names.push(name);
      node.next.push(child);
      node = child;
    }
    return node.text;
  }

  private addFrameLayer(ctx: PacketContext, top: Tree, relSec: number, relNsec: number, dSec: number, dNsec: number): Tree {
    const f = ctx.frame;
    const tvb = ctx.frameTvb;
    if (!top.enabled) return top;
    // tshark names the interface only for pcapng, where interfaces are declared; classic pcap has none.
    const ifName = f.section !== undefined ? (f.interfaceName ?? f.interfaceDescription ?? 'unknown') : undefined;
    const item = top.add(frameProto.def, tvb, 0, f.capLen, null, top.labels
      ? `Frame ${f.num}: ${f.origLen} bytes on wire (${f.origLen * 8} bits), ${f.capLen} bytes captured (${f.capLen * 8} bits)` +
        (ifName !== undefined ? ` on interface ${ifName}, id ${f.interfaceId}` : '')
      : undefined);
    // A filter's pruned tree that names no frame field needs only the frame item.
    if (!top.wantsAny(hfFrame)) return item;
    for (const c of f.comments ?? []) item.add(hfFrame.comment, tvb, 0, 0, c);
    if (f.section !== undefined) {
      item.add(hfFrame.section, tvb, 0, 0, f.section);
      const ifItem = item.add(hfFrame.interfaceId, tvb, 0, 0, f.interfaceId, item.labels ? `Interface id: ${f.interfaceId} (${ifName})` : undefined);
      ifItem.add(hfFrame.interfaceName, tvb, 0, 0, f.interfaceName ?? 'unknown');
      if (f.interfaceDescription !== undefined) ifItem.add(hfFrame.interfaceDescription, tvb, 0, 0, f.interfaceDescription);
    }
    if (f.epbFlags !== undefined) item.add(hfFrame.direction, tvb, 0, 0, f.epbFlags & 3);
    const encap = ENCAPSULATIONS[f.linkType];
    if (encap) item.add(hfFrame.encapType, tvb, 0, 0, encap[0]);
    // The times are BigInts: made only for a tree that reads them (a filter on one frame field runs over every packet).
    const epochNs = item.wants(hfFrame.time) || item.wants(hfFrame.timeEpoch) ? BigInt(f.tsSec) * 1_000_000_000n + BigInt(f.tsNsec) : 0n;
    const delta = item.wants(hfFrame.timeDelta) || item.wants(hfFrame.timeDeltaDisplayed) ? toNs(dSec, dNsec) : 0n;
    item.add(hfFrame.time, tvb, 0, 0, epochNs);
    item.addGenerated(hfFrame.offsetShift, tvb, 0, 0, 0n);
    item.add(hfFrame.timeEpoch, tvb, 0, 0, epochNs);
    item.addGenerated(hfFrame.timeDelta, tvb, 0, 0, delta);
    item.addGenerated(hfFrame.timeDeltaDisplayed, tvb, 0, 0, delta);
    item.addGenerated(hfFrame.timeRelative, tvb, 0, 0, item.wants(hfFrame.timeRelative) ? toNs(relSec, relNsec) : 0n);
    item.add(hfFrame.number, tvb, 0, 0, f.num);
    const labels = item.labels;
    item.add(hfFrame.len, tvb, 0, 0, f.origLen, labels ? `Frame Length: ${f.origLen} bytes (${f.origLen * 8} bits)` : undefined);
    item.add(hfFrame.capLen, tvb, 0, 0, f.capLen, labels ? `Capture Length: ${f.capLen} bytes (${f.capLen * 8} bits)` : undefined);
    item.addGenerated(hfFrame.marked, tvb, 0, 0, false);
    item.addGenerated(hfFrame.ignored, tvb, 0, 0, false);
    return item;
  }
}

/** Whole seconds of a − b (two numbers, not a pair, so no array per frame). */
function diffSec(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return aNsec < bNsec ? aSec - bSec - 1 : aSec - bSec;
}

/** Nanoseconds part of a − b, matching diffSec's borrow. */
function diffNsec(aNsec: number, bNsec: number): number {
  return aNsec < bNsec ? aNsec - bNsec + 1_000_000_000 : aNsec - bNsec;
}

function toNs(sec: number, nsec: number): bigint {
  return BigInt(sec) * 1_000_000_000n + BigInt(nsec);
}

