/**
 * Dissection of one capture: packets go through in file order the first time
 * (building conversation state and per-frame memos); any packet can then be
 * dissected again on its own, with the same result, for the detail pane.
 */
import { ENCAPSULATIONS, hfFrame, frameProto } from './frame.js';
import { PacketContext, SessionState, type DataSource, type FrameInput } from './packet.js';
import type { Registry } from './registry.js';
import { NULL_TREE, TreeNode, type Tree } from './tree.js';

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

export class Dissection {
  private readonly session = new SessionState();
  private readonly memos = new Map<number, Map<string, unknown>>();
  /** Highest frame number dissected so far; frames up to it are revisits. */
  private lastFirstPass = 0;
  private firstSec = 0;
  private firstNsec = 0;
  private prevSec = 0;
  private prevNsec = 0;
  /**
   * Time since the previous frame, indexed by frame number: two plain number arrays rather
   * than a Map of pairs, since every frame has one and a pair per frame is garbage-collector work.
   */
  private readonly prevDeltaSec: number[] = [0];
  private readonly prevDeltaNsec: number[] = [0];

  /**
   * `singlePass`: frames are dissected once, in order, never revisited (the CLI), so
   * per-frame memos are dropped as soon as their frame is done instead of kept for
   * revisits: memory stays flat however long the file.
   */
  constructor(
    readonly registry: Registry,
    private readonly options: { singlePass?: boolean } = {},
  ) {}

  /**
   * Dissect a frame. Frames must first be given in increasing order; after that,
   * any frame already seen may be given again (a revisit, from the memos).
   */
  dissect(frame: FrameInput, withTree: boolean): Dissected {
    const visited = frame.num <= this.lastFirstPass;
    if (visited && this.options.singlePass) throw new Error(`frame ${frame.num} dissected again in a single-pass dissection`);
    let dSec = 0;
    let dNsec = 0;
    if (visited) {
      dSec = this.prevDeltaSec[frame.num] ?? 0;
      dNsec = this.prevDeltaNsec[frame.num] ?? 0;
    } else {
      if (frame.num !== this.lastFirstPass + 1) {
        throw new Error(`frame ${frame.num} given before frame ${this.lastFirstPass + 1}`);
      }
      this.lastFirstPass = frame.num;
      if (frame.num === 1) {
        this.firstSec = frame.tsSec;
        this.firstNsec = frame.tsNsec;
        this.prevSec = frame.tsSec;
        this.prevNsec = frame.tsNsec;
      }
      dSec = diffSec(frame.tsSec, frame.tsNsec, this.prevSec, this.prevNsec);
      dNsec = diffNsec(frame.tsNsec, this.prevNsec);
      // A single pass never comes back for the delta, so it keeps none.
      if (!this.options.singlePass) {
        this.prevDeltaSec.push(dSec);
        this.prevDeltaNsec.push(dNsec);
      }
      this.prevSec = frame.tsSec;
      this.prevNsec = frame.tsNsec;
    }
    const ctx = new PacketContext(frame, this.registry, this.session, this.memos, visited);
    const relSec = diffSec(frame.tsSec, frame.tsNsec, this.firstSec, this.firstNsec);
    const relNsec = diffNsec(frame.tsNsec, this.firstNsec);
    const roots: TreeNode[] | null = withTree ? [] : null;
    const top: Tree = roots ? new RootCollector(roots) : NULL_TREE;

    const frameItem = this.addFrameLayer(ctx, top, relSec, relNsec, dSec, dNsec);
    const tvb = ctx.frameTvb;
    if (!ctx.dispatch('linktype', frame.linkType, tvb, 0, tvb.bytes.length, top)) {
      const data = this.registry.byName('data');
      if (data) ctx.call(data, tvb, 0, tvb.bytes.length, top);
    }
    if (this.options.singlePass) {
      this.memos.delete(frame.num);
    }
    const protocols = ctx.protocols.join(':');
    if (frameItem instanceof TreeNode) {
      frameItem.addGenerated(hfFrame.protocols, tvb, 0, 0, protocols);
    }
    return {
      num: frame.num,
      src: ctx.cols.src,
      dst: ctx.cols.dst,
      protocol: ctx.cols.protocol,
      info: ctx.cols.info,
      protocols,
      relSec,
      relNsec,
      tree: roots,
      sources: ctx.sources,
      malformed: ctx.malformed,
      ctx,
    };
  }

  private addFrameLayer(ctx: PacketContext, top: Tree, relSec: number, relNsec: number, dSec: number, dNsec: number): Tree {
    const f = ctx.frame;
    const tvb = ctx.frameTvb;
    if (!top.enabled) return top;
    // tshark names the interface only for pcapng, where interfaces are declared; classic pcap has none.
    const ifName = f.section !== undefined ? (f.interfaceName ?? f.interfaceDescription ?? 'unknown') : undefined;
    const item = top.add(frameProto.def, tvb, 0, f.capLen, null,
      `Frame ${f.num}: ${f.origLen} bytes on wire (${f.origLen * 8} bits), ${f.capLen} bytes captured (${f.capLen * 8} bits)` +
      (ifName !== undefined ? ` on interface ${ifName}, id ${f.interfaceId}` : ''));
    for (const c of f.comments ?? []) item.add(hfFrame.comment, tvb, 0, 0, c);
    if (f.section !== undefined) {
      item.add(hfFrame.section, tvb, 0, 0, f.section);
      const ifItem = item.add(hfFrame.interfaceId, tvb, 0, 0, f.interfaceId, `Interface id: ${f.interfaceId} (${ifName})`);
      ifItem.add(hfFrame.interfaceName, tvb, 0, 0, f.interfaceName ?? 'unknown');
      if (f.interfaceDescription !== undefined) ifItem.add(hfFrame.interfaceDescription, tvb, 0, 0, f.interfaceDescription);
    }
    if (f.epbFlags !== undefined) item.add(hfFrame.direction, tvb, 0, 0, f.epbFlags & 3);
    const encap = ENCAPSULATIONS[f.linkType];
    if (encap) item.add(hfFrame.encapType, tvb, 0, 0, encap[0]);
    const epochNs = BigInt(f.tsSec) * 1_000_000_000n + BigInt(f.tsNsec);
    const delta = toNs(dSec, dNsec);
    item.add(hfFrame.time, tvb, 0, 0, epochNs);
    item.addGenerated(hfFrame.offsetShift, tvb, 0, 0, 0n);
    item.add(hfFrame.timeEpoch, tvb, 0, 0, epochNs);
    item.addGenerated(hfFrame.timeDelta, tvb, 0, 0, delta);
    item.addGenerated(hfFrame.timeDeltaDisplayed, tvb, 0, 0, delta);
    item.addGenerated(hfFrame.timeRelative, tvb, 0, 0, toNs(relSec, relNsec));
    item.add(hfFrame.number, tvb, 0, 0, f.num);
    item.add(hfFrame.len, tvb, 0, 0, f.origLen, `Frame Length: ${f.origLen} bytes (${f.origLen * 8} bits)`);
    item.add(hfFrame.capLen, tvb, 0, 0, f.capLen, `Capture Length: ${f.capLen} bytes (${f.capLen * 8} bits)`);
    item.addGenerated(hfFrame.marked, tvb, 0, 0, false);
    item.addGenerated(hfFrame.ignored, tvb, 0, 0, false);
    return item;
  }
}

/** Collects top-level items: the root of a packet's tree is a list of layers. */
class RootCollector implements Tree {
  readonly enabled = true;
  constructor(private readonly roots: TreeNode[]) {}
  add(...args: Parameters<Tree['add']>): TreeNode {
    const [def, tvb, offset, length, value, text] = args;
    const node = new TreeNode(def, tvb.source, offset, length, value, text);
    this.roots.push(node);
    return node;
  }
  addGenerated(...args: Parameters<Tree['add']>): TreeNode {
    const node = this.add(...args);
    node.flags |= 1;
    return node;
  }
  addHidden(...args: Parameters<Tree['addHidden']>): TreeNode {
    const node = this.add(...args);
    node.flags |= 2;
    return node;
  }
  setText(): void {}
  appendText(): void {}
  setLength(): void {}
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

