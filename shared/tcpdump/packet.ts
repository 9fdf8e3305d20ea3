/**
 * The packet as the tcpdump printers see it: the captured bytes, the length on
 * the wire, the dissection tree (to take field values from, by Wireshark
 * name) and the text being built. Header reads that run past the captured
 * bytes throw Truncated, which becomes tcpdump's ` [|proto]` marker.
 */
import type { Dissected } from '../dissect/engine.js';
import { walk, type TreeNode } from '../dissect/tree.js';
import { verbosity, type TcpdumpOptions } from './options.js';

export class Truncated extends Error {
  constructor(readonly proto: string) {
    super(`[|${proto}]`);
    this.name = 'Truncated';
  }
}

export class PacketText {
  readonly bytes: Uint8Array;
  readonly origLen: number;
  readonly verbose: number;
  readonly link: boolean;
  private text = '';
  /** Printing a datagram quoted inside an ICMP error: it must not touch cross-packet state. */
  quoted = false;
  private readonly layers: TreeNode[];

  constructor(readonly d: Dissected, readonly opts: TcpdumpOptions) {
    this.bytes = d.ctx.frameTvb.bytes;
    this.end = this.bytes.length;
    this.origLen = d.ctx.frame.origLen;
    this.verbose = verbosity(opts);
    this.link = !!opts.link;
    this.layers = d.tree ? [...walk(d.tree)].filter((n) => n.def.type === 'protocol' && n.source === 0) : [];
  }

  put(s: string): void {
    this.text += s;
  }

  get out(): string {
    return this.text;
  }

  /** End of the bytes the printers may read: the capture, or less inside a datagram shorter than the capture. */
  private end: number;
  private readonly ends: number[] = [];

  /**
   * Within an IP datagram, bytes past its stated length (link padding) do not
   * belong to it: tcpdump treats them as not captured, and so does this view.
   */
  withEnd<T>(end: number, body: () => T): T {
    this.ends.push(this.end);
    this.end = Math.min(this.end, Math.max(0, end));
    try {
      return body();
    } finally {
      this.end = this.ends.pop()!;
    }
  }

  /** Throws Truncated unless `len` bytes from `off` were captured. */
  need(off: number, len: number, proto: string): void {
    if (off < 0 || len < 0 || off + len > this.end) throw new Truncated(proto);
  }

  captured(off: number, len: number): boolean {
    return off >= 0 && len >= 0 && off + len <= this.end;
  }

  u8(off: number, proto: string): number {
    this.need(off, 1, proto);
    return this.bytes[off]!;
  }

  u16(off: number, proto: string): number {
    this.need(off, 2, proto);
    return (this.bytes[off]! << 8) | this.bytes[off + 1]!;
  }

  u32(off: number, proto: string): number {
    this.need(off, 4, proto);
    return ((this.bytes[off]! << 24) | (this.bytes[off + 1]! << 16) | (this.bytes[off + 2]! << 8) | this.bytes[off + 3]!) >>> 0;
  }

  /** The dissector's item for protocol `abbrev` whose header starts at `off`, if the tree has one. */
  layer(abbrev: string, off: number): TreeNode | undefined {
    return this.layers.find((n) => n.def.abbrev === abbrev && n.offset === off);
  }
}

/** First item named `abbrev` under `node` (depth first). */
export function fieldIn(node: TreeNode | undefined, abbrev: string): TreeNode | undefined {
  if (!node?.children) return undefined;
  for (const c of node.children) {
    if (c.def.abbrev === abbrev) return c;
    const deeper = fieldIn(c, abbrev);
    if (deeper) return deeper;
  }
  return undefined;
}

/**
 * An integer field's value from the tree, when the layer has it; `fallback`
 * (the header read directly) otherwise. Both describe the same bytes: the tree
 * is preferred so the view shows what the dissectors decoded.
 */
export function intField(node: TreeNode | undefined, abbrev: string, fallback: () => number): number {
  const v = fieldIn(node, abbrev)?.value;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return fallback();
}
