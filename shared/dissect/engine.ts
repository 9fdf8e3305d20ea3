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
  private prevDeltaByNum = new Map<number, [number, number]>();

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
    if (!visited) {
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
      this.prevDeltaByNum.set(frame.num, diff(frame.tsSec, frame.tsNsec, this.prevSec, this.prevNsec));
      this.prevSec = frame.tsSec;
      this.prevNsec = frame.tsNsec;
    }
    const ctx = new PacketContext(frame, this.registry, this.session, this.memos, visited);
    const [relSec, relNsec] = diff(frame.tsSec, frame.tsNsec, this.firstSec, this.firstNsec);
    const roots: TreeNode[] = [];
    const top: Tree = withTree ? new RootCollector(roots) : NULL_TREE;

    const frameItem = this.addFrameLayer(ctx, top, relSec, relNsec);
    const tvb = ctx.frameTvb;
    if (!ctx.dispatch('linktype', frame.linkType, tvb, 0, tvb.bytes.length, top)) {
      const data = this.registry.byName('data');
      if (data) ctx.call(data, tvb, 0, tvb.bytes.length, top);
    }
    if (this.options.singlePass) {
      this.memos.delete(frame.num);
      this.prevDeltaByNum.delete(frame.num);
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
      tree: withTree ? roots : null,
      sources: ctx.sources,
      malformed: ctx.malformed,
      ctx,
    };
  }

  private addFrameLayer(ctx: PacketContext, top: Tree, relSec: number, relNsec: number): Tree {
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
    const [dSec, dNsec] = this.prevDeltaByNum.get(f.num) ?? [0, 0];
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

function diff(aSec: number, aNsec: number, bSec: number, bNsec: number): [number, number] {
  let s = aSec - bSec;
  let ns = aNsec - bNsec;
  if (ns < 0) {
    s -= 1;
    ns += 1_000_000_000;
  }
  return [s, ns];
}

function toNs(sec: number, nsec: number): bigint {
  return BigInt(sec) * 1_000_000_000n + BigInt(nsec);
}

