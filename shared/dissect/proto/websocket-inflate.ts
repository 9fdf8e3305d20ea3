/**
 * permessage-deflate (RFC 7692) for WebSocket: each message is raw DEFLATE
 * ending in a sync flush whose 00 00 ff ff tail the sender dropped. With
 * context takeover one inflater per direction carries its window from message
 * to message. Output per message is capped so a small message cannot expand
 * into unbounded memory.
 */
import { Inflate } from 'fflate';

/** Hard cap on one message's inflated size. */
export const INFLATE_CAP = 4 * 1024 * 1024;
/** Input is fed in slices this big so the cap is checked before output can run far past it. */
const SLICE = 1024;
const TAIL = new Uint8Array([0, 0, 0xff, 0xff]);

export type InflateResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'cap' | 'error' };

export class MessageInflater {
  private inflate: Inflate | undefined;
  private broken = false;

  constructor(private readonly takeover: boolean, private readonly cap = INFLATE_CAP) {}

  /** Inflate one message's payload (already unmasked and joined across fragments). */
  message(payload: Uint8Array): InflateResult {
    if (this.broken) return { ok: false, reason: 'error' };
    if (!this.inflate || !this.takeover) this.inflate = new Inflate();
    const out: Uint8Array[] = [];
    let total = 0;
    let over = false;
    this.inflate.ondata = (chunk) => {
      if (over) return;
      total += chunk.length;
      if (total > this.cap) over = true;
      else out.push(chunk.slice());
    };
    try {
      const input = new Uint8Array(payload.length + 4);
      input.set(payload);
      input.set(TAIL, payload.length);
      for (let i = 0; i < input.length && !over; i += SLICE) this.inflate.push(input.subarray(i, i + SLICE));
    } catch {
      this.broken = this.takeover;
      this.inflate = undefined;
      return { ok: false, reason: 'error' };
    }
    if (over) {
      // The window is now out of step with the sender: later messages cannot be trusted.
      this.broken = this.takeover;
      this.inflate = undefined;
      return { ok: false, reason: 'cap' };
    }
    const bytes = new Uint8Array(total);
    let o = 0;
    for (const c of out) {
      bytes.set(c, o);
      o += c.length;
    }
    return { ok: true, bytes };
  }
}
