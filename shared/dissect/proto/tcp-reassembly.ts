/**
 * How an application protocol over TCP gets whole PDUs out of a byte stream
 * (Wireshark's desegment_offset/desegment_len and tcp_dissect_pdus).
 *
 * TCP calls the application dissector with `data` = a TcpPayload. The dissector
 * reads what it can; when a PDU continues past `end` it calls
 * `payload.desegment(pduStart, moreBytes)` (or DESEGMENT_ONE_MORE_SEGMENT when the
 * length is not known yet, DESEGMENT_UNTIL_FIN for "everything up to the FIN") and
 * returns. TCP then keeps the bytes from `pduStart` for that direction of the stream
 * and, on the frame that brings the missing bytes, calls the same dissector again
 * with a reassembled buffer (a data source "Reassembled TCP" whose parts
 * name the frames) starting at offset 0, `payload.reassembled` set. Frames that only
 * carry part of a PDU show `[TCP segment of a reassembled PDU]`.
 *
 * Call desegment() before adding tree items for that PDU (columns may already be
 * set: tshark keeps the Info text on such frames). Pass `sameInfo` when frames that
 * only carry more of the PDU should keep showing that Info text.
 *
 * On a revisit (ctx.visited) TCP replays what the first pass did from its memo:
 * the dissector is called with the same buffers, and must itself take any
 * cross-packet state from its own memo (key it with `payload.key`).
 *
 * A dissector that recognised a stream (by heuristic, say) claims the rest of it
 * with setStreamDissector(ctx, payload, fn): TCP tries fn first for every later
 * segment of that stream, before ports and heuristics.
 *
 * Most protocols with a length in their header can simply use dissectPdus():
 *
 *   const used = dissectPdus(tvb, off, end, ctx, tree, data as TcpPayload | undefined,
 *     2, (t, o, e) => lengthOfPduAt(t, o, e), dissectOnePdu);
 */
import { fields } from '../field.js';
import type { PacketContext } from '../packet.js';
import type { Dissector } from '../registry.js';
import type { Tree } from '../tree.js';
import type { Tvb } from '../tvb.js';

/** `more` value: the PDU's length is unknown; call again when one more segment arrives. */
export const DESEGMENT_ONE_MORE_SEGMENT = 0x0fffffff;
/** `more` value: the PDU ends where the stream does (the FIN). */
export const DESEGMENT_UNTIL_FIN = 0x7fffffff;

/** What TCP hands an application dissector as `data`. */
export interface TcpPayload {
  readonly kind: 'tcp';
  /** tcp.stream of the segment. */
  readonly stream: number;
  /** 0 for the direction of the endpoint first seen as source in the stream, 1 for the other. */
  readonly direction: 0 | 1;
  readonly srcPort: number;
  readonly dstPort: number;
  /** True when the buffer is a reassembled one (offset 0 is the start of a PDU). */
  readonly reassembled: boolean;
  /** False when TCP cannot reassemble here (e.g. a retransmission); dissect what is there. */
  readonly canDesegment: boolean;
  /** The segment carries FIN: no more data will follow in this direction. */
  readonly fin: boolean;
  /** The TCP layer's item, for `[PDU Size]` and similar annotations. */
  readonly tcpTree: Tree;
  /** Unique per call within the frame; use it to key per-frame memos. */
  readonly key: string;
  /** Where the payload ends on the wire when the snapshot length cut it (undefined: all of it was captured). */
  readonly wireEnd?: number;
  /**
   * Ask for more bytes: the PDU starting at `offset` needs `more` bytes beyond `end`.
   * `sameInfo`: frames that only carry more of this PDU show the Info text set so far
   * (tshark's look when it re-asks the dissector on every segment, e.g. chunked HTTP).
   */
  desegment(offset: number, more: number, sameInfo?: boolean): void;
}

/** What desegment() recorded, read back by TCP. */
export interface DesegmentRequest {
  offset: number;
  more: number;
  sameInfo: boolean;
}

export const hfTcpPdu = fields({
  pduSize: { abbrev: 'tcp.pdu.size', name: 'PDU Size', type: 'uint32', base: 'dec' },
});

export function isTcpPayload(data: unknown): data is TcpPayload {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'tcp';
}

/**
 * Dissect consecutive PDUs of known length (tcp_dissect_pdus): `pduLength` says how
 * long the PDU at `off` is (0 when more bytes are needed to know). A PDU cut at
 * `end` is handed back to TCP for reassembly. Returns the bytes used.
 */
export function dissectPdus(
  tvb: Tvb,
  off: number,
  end: number,
  ctx: PacketContext,
  tree: Tree,
  payload: TcpPayload | undefined,
  minHeader: number,
  pduLength: (tvb: Tvb, off: number, end: number) => number,
  dissectPdu: (tvb: Tvb, off: number, end: number, ctx: PacketContext, tree: Tree) => number,
): number {
  const start = off;
  const canAsk = payload?.canDesegment ?? false;
  while (off < end) {
    const avail = end - off;
    if (avail < minHeader) {
      if (canAsk) {
        payload!.desegment(off, minHeader - avail);
        return off - start;
      }
      break;
    }
    const len = pduLength(tvb, off, end);
    if (len === 0) {
      if (canAsk) {
        payload!.desegment(off, DESEGMENT_ONE_MORE_SEGMENT);
        return off - start;
      }
      break;
    }
    if (len > avail && canAsk) {
      payload!.desegment(off, len - avail);
      return off - start;
    }
    const pduEnd = off + Math.min(len, avail);
    if (payload && payload.tcpTree.enabled) payload.tcpTree.addGenerated(hfTcpPdu.pduSize, tvb, off, pduEnd - off, len);
    ctx.call(dissectPdu, tvb, off, pduEnd, tree);
    off = pduEnd;
  }
  return off - start;
}

/** The dissector each stream is handed to once identified (conversation_set_dissector), by tcp.stream. */
export function streamDissectors(ctx: PacketContext): StreamDissectors {
  return ctx.session.get('tcp.streamDissector', newStreamDissectors);
}

function newStreamDissectors(): StreamDissectors {
  return new StreamDissectors();
}

/** By stream index (numbered from 0): an array slot each, not a map entry. */
export class StreamDissectors {
  private readonly byStream: (Dissector | undefined)[] = [];
  get(stream: number): Dissector | undefined {
    return this.byStream[stream];
  }
  set(stream: number, dissector: Dissector): void {
    this.byStream[stream] = dissector;
  }
}

/**
 * Hand the rest of a stream to `dissector` (e.g. HTTP found by its heuristic): TCP
 * tries it first for every later segment of `payload.stream`, whatever the ports.
 * Call it on the first pass only (it changes per-capture state).
 */
export function setStreamDissector(ctx: PacketContext, payload: TcpPayload, dissector: Dissector): void {
  if (!ctx.visited) streamDissectors(ctx).set(payload.stream, dissector);
}
