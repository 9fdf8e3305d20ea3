/**
 * "Follow TCP stream": the bytes each side sent, in stream order, each byte once.
 *
 * The algorithm is Wireshark's (epan/dissectors/packet-tcp.c, follow_tcp_tap_listener
 * and check_follow_fragments): per direction, the next expected sequence number;
 * a segment that starts before it gives only its new bytes (a retransmission gives
 * none); one that starts after it waits as an out-of-order fragment until the
 * bytes before it arrive, or until the other side acknowledges past the hole
 * (the bytes were sent but not captured).
 *
 * Two things differ, on purpose:
 * - A hole is a marker segment ({ missing: N, bytes empty }) instead of the text
 *   "[N bytes missing in capture file]" written into the data, so the bytes shown
 *   are only bytes that were on the wire.
 * - Fragments still waiting at the end of the capture (never acknowledged, never
 *   filled) are shown after a hole marker; Wireshark drops them silently.
 * And the client (direction 0) is the side that sent the SYN, not merely the first
 * packet's sender (they differ when the capture starts with the SYN+ACK).
 */
import type { TcpStream, TcpStreamSegment } from '../ipc/contract.js';
import type { Dissected } from '../dissect/engine.js';
import { clientOf, seqBefore, tcpPacketOf, TCP_ACK, TCP_SYN, type TcpPacket } from './follow-tcp-packet.js';

/** A segment of a followed stream; `missing` marks a hole in the capture (no bytes). */
export interface FollowSegment extends TcpStreamSegment {
  /** This many bytes were sent here but are not in the capture; `bytes` is empty. */
  readonly missing?: number;
}

export interface FollowedStream extends TcpStream {
  readonly segments: readonly FollowSegment[];
}

interface Pending {
  readonly num: number;
  readonly seq: number;
  readonly bytes: Uint8Array;
}

/** One direction's reassembly state. */
class Flow {
  /** Next sequence number expected; undefined until the first segment of this direction. */
  private next: number | undefined;
  /** Segments that arrived ahead of a hole, in arrival order. */
  private readonly waiting: Pending[] = [];

  constructor(
    private readonly dir: 0 | 1,
    private readonly out: FollowSegment[],
  ) {}

  /** A segment of this direction: seq already advanced past a SYN. */
  segment(num: number, seq: number, len: number, data: Uint8Array): void {
    this.next ??= seq;
    if (seqBefore(seq, this.next)) {
      // Starts with bytes already had: keep only what extends past them (a retransmission with more data).
      const end = (seq + len) >>> 0;
      if (!seqBefore(this.next, end)) return;
      const skip = (this.next - seq) >>> 0;
      data = data.length > skip ? data.subarray(skip) : data.subarray(data.length);
      seq = this.next;
      len = (end - this.next) >>> 0;
    }
    if (data.length === 0) return;
    if (seq === this.next) {
      this.emit(num, data);
      this.next = (seq + len) >>> 0;
      while (this.applyWaiting(undefined, num));
    } else {
      this.waiting.push({ num, seq, bytes: data });
    }
  }

  /** The other side acknowledged up to `ack`: bytes before it were sent, captured or not. */
  acknowledged(ack: number, num: number): void {
    while (this.applyWaiting(ack, num));
  }

  /** End of the capture: whatever still waits is shown, after a marker for each hole. */
  flush(): void {
    while (this.waiting.length > 0) {
      const lowest = this.lowestWaiting();
      if (this.next !== undefined && seqBefore(this.next, lowest.seq)) {
        this.out.push({ dir: this.dir, num: lowest.num, bytes: new Uint8Array(0), missing: (lowest.seq - this.next) >>> 0 });
        this.next = lowest.seq;
      }
      while (this.applyWaiting(undefined, lowest.num));
    }
  }

  private lowestWaiting(): Pending {
    let lowest = this.waiting[0]!;
    for (const w of this.waiting) if (seqBefore(w.seq, lowest.seq)) lowest = w;
    return lowest;
  }

  /** Apply one waiting fragment that now fits (check_follow_fragments); false when none does. */
  private applyWaiting(ack: number | undefined, num: number): boolean {
    if (this.waiting.length === 0 || this.next === undefined) return false;
    const next = this.next;
    for (let i = 0; i < this.waiting.length; i++) {
      const w = this.waiting[i]!;
      if (seqBefore(w.seq, next)) {
        const end = (w.seq + w.bytes.length) >>> 0;
        if (seqBefore(next, end)) {
          this.emit(w.num, w.bytes.subarray((next - w.seq) >>> 0));
          this.next = end;
        }
        this.waiting.splice(i, 1);
        return true;
      }
      if (w.seq === next) {
        this.emit(w.num, w.bytes);
        this.next = (next + w.bytes.length) >>> 0;
        this.waiting.splice(i, 1);
        return true;
      }
    }
    const lowest = this.lowestWaiting();
    if (ack !== undefined && seqBefore(lowest.seq, ack)) {
      this.out.push({ dir: this.dir, num, bytes: new Uint8Array(0), missing: (lowest.seq - next) >>> 0 });
      this.next = lowest.seq;
      return true;
    }
    return false;
  }

  private emit(num: number, bytes: Uint8Array): void {
    // A copy: a view would carry its whole frame (or file chunk) across IPC.
    if (bytes.length > 0) this.out.push({ dir: this.dir, num, bytes: bytes.slice() });
  }
}

/**
 * The bytes of TCP stream `stream`, from its packets (dissected with a tree, in
 * frame order; packets of other streams are ignored).
 */
export function followTcpStream(packets: readonly Dissected[], stream: number): FollowedStream {
  const tcp: TcpPacket[] = [];
  for (const d of packets) {
    const p = tcpPacketOf(d);
    if (p && p.stream === stream) tcp.push(p);
  }
  const client = clientOf(tcp);
  const server = tcp.find((p) => p.src !== client)?.src ?? tcp.find((p) => p.src === client)?.dst ?? '';
  const segments: FollowSegment[] = [];
  const flows = [new Flow(0, segments), new Flow(1, segments)] as const;
  for (const p of tcp) {
    const dir = p.src === client ? 0 : 1;
    // This side's ACK can reveal that the other side sent bytes the capture missed.
    if (p.flags & TCP_ACK) flows[1 - dir]!.acknowledged(p.ack, p.num);
    const seq = p.flags & TCP_SYN ? (p.seq + 1) >>> 0 : p.seq;
    flows[dir].segment(p.num, seq, p.len, p.payload);
  }
  // Leftovers come last, each direction in stream order (their frame numbers may be out of order).
  for (const flow of flows) flow.flush();
  const totals: [number, number] = [0, 0];
  for (const s of segments) totals[s.dir] += s.bytes.length;
  return { stream, endpoints: [client ?? '', server], segments, totals };
}
