/**
 * HTTP's state for each TCP stream, in columns indexed by stream number rather than an object
 * per stream: the app keeps it for the whole capture, and a capture can hold hundreds of
 * thousands of streams. A stream's requests sit in a block of one shared request store
 * (a block doubles when full, and blocks let go are reused), so request i of a stream is one
 * lookup. URIs and Host values are kept as ids into a text table.
 */
import { nsSince, nsSub, type Ns } from '../ns.js';

/** A whole message went by: bytes that do not start one are shown as a continuation. */
const SAW_MESSAGE = 1;
/** A 101 answered an Upgrade: websocket (websocketSetAt holds when). */
const WEBSOCKET = 2;
/**
 * The last message sent in TCP direction 0 (this bit) or 1 (the next) had a body that is neither
 * chunked nor content-encoded (as far as its captured headers tell): bytes after it that the
 * capture cut end the layer.
 */
const PLAIN_BODY = 4;

/** The text id of "no text" (a request without a Host header). */
export const NO_TEXT = 0;

/**
 * Distinct texts shared by id (a response keeps its request's URI and Host, and the same pages
 * come again and again); beyond this many, each new text gets an id of its own.
 */
const SHARED_TEXTS_MAX = 4096;

/** A stream's first block holds this many requests (as a power of two): most streams carry one or two. */
const FIRST_BLOCK_BITS = 1;
/** A stream with more requests than the largest block (as a power of two) gets columns of its own. */
const LARGEST_BLOCK_BITS = 6;
/** blockBits of a stream with columns of its own. */
const OWN = 255;

function grown<T extends Uint8Array | Uint32Array | Float64Array>(a: T, min: number): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(min, Math.ceil(a.length * 1.5)));
  b.set(a);
  return b;
}

/** Requests, a slot each: frame (0 for one counted before its body arrived), URI and Host ids, HEAD or not, the answer's frame, and maybe when sent. */
class RequestColumns {
  frames: Uint32Array;
  /** Frame of the response that answered the request (0: none yet). */
  responses: Uint32Array;
  uris: Uint32Array;
  hosts: Uint32Array;
  heads: Uint8Array;
  /** When sent (seconds, nanoseconds): only when the dissection keeps no frame times to read it from. */
  secs: Float64Array | undefined;
  nsecs: Uint32Array | undefined;

  constructor(n: number, timed: boolean) {
    this.frames = new Uint32Array(n);
    this.responses = new Uint32Array(n);
    this.uris = new Uint32Array(n);
    this.hosts = new Uint32Array(n);
    this.heads = new Uint8Array(n);
    if (timed) this.timed();
  }

  get length(): number {
    return this.frames.length;
  }

  timed(): void {
    this.secs ??= new Float64Array(this.frames.length);
    this.nsecs ??= new Uint32Array(this.frames.length);
  }

  /** Room for at least n slots. */
  grow(n: number): void {
    if (n <= this.frames.length) return;
    this.frames = grown(this.frames, n);
    const len = this.frames.length;
    this.responses = grown(this.responses, len);
    this.uris = grown(this.uris, len);
    this.hosts = grown(this.hosts, len);
    this.heads = grown(this.heads, len);
    if (this.secs) this.secs = grown(this.secs, len);
    if (this.nsecs) this.nsecs = grown(this.nsecs, len);
  }

  /** Copies n slots from `from` to `to` in `into` (this or another). */
  copy(from: number, into: RequestColumns, to: number, n: number): void {
    const end = from + n;
    if (into === this) {
      this.frames.copyWithin(to, from, end);
      this.responses.copyWithin(to, from, end);
      this.uris.copyWithin(to, from, end);
      this.hosts.copyWithin(to, from, end);
      this.heads.copyWithin(to, from, end);
      this.secs?.copyWithin(to, from, end);
      this.nsecs?.copyWithin(to, from, end);
      return;
    }
    into.frames.set(this.frames.subarray(from, end), to);
    into.responses.set(this.responses.subarray(from, end), to);
    into.uris.set(this.uris.subarray(from, end), to);
    into.hosts.set(this.hosts.subarray(from, end), to);
    into.heads.set(this.heads.subarray(from, end), to);
    if (this.secs && this.nsecs) {
      into.timed();
      into.secs!.set(this.secs.subarray(from, end), to);
      into.nsecs!.set(this.nsecs.subarray(from, end), to);
    }
  }
}

export class HttpStreams {
  // Per stream.
  private responseCounts = new Uint32Array(256);
  /** Requests counted, including those let go (dropAnswered). */
  private requestCounts = new Uint32Array(256);
  /** Requests let go: made on the first drop (a dissection that keeps memos never drops). */
  private droppedCounts: Uint32Array | undefined;
  /** Where the stream's block starts in `shared`, and log2 of its size (0: no block yet; OWN: columns of its own). */
  private blockAt = new Uint32Array(256);
  private blockBits = new Uint8Array(256);
  private flags = new Uint8Array(256);
  /** For the few streams that turned to WebSocket: each frame whose 101 set where WebSocket starts (the next frame). */
  private readonly websocketSetAt = new Map<number, number[]>();

  /** The blocks of the streams with few requests. */
  private readonly shared = new RequestColumns(1024, false);
  private slotsUsed = 0;
  /** Blocks let go when their stream moved to a bigger one, by log2 of their size. */
  private readonly freeBlocks: number[][] = [];
  /** The requests of each stream that outgrew the largest block, from slot 0. */
  private readonly own = new Map<number, RequestColumns>();

  private readonly texts: (string | undefined)[] = [''];
  private readonly freeTextIds: number[] = [];
  private readonly sharedTexts = new Map<string, number>();

  /** Makes room for stream `s` (numbered from 0); call before the other methods. */
  ensureStream(s: number): void {
    if (s < this.flags.length) return;
    const n = s + 1;
    this.responseCounts = grown(this.responseCounts, n);
    this.requestCounts = grown(this.requestCounts, n);
    if (this.droppedCounts) this.droppedCounts = grown(this.droppedCounts, n);
    this.blockAt = grown(this.blockAt, n);
    this.blockBits = grown(this.blockBits, n);
    this.flags = grown(this.flags, n);
  }

  sawMessage(s: number): boolean {
    return (this.flags[s]! & SAW_MESSAGE) !== 0;
  }

  markSawMessage(s: number): void {
    this.flags[s]! |= SAW_MESSAGE;
  }

  /** Whether the last message sent in `direction` had a plain body (see PLAIN_BODY). */
  plainBody(s: number, direction: 0 | 1): boolean {
    return (this.flags[s]! & (PLAIN_BODY << direction)) !== 0;
  }

  setPlainBody(s: number, direction: 0 | 1, has: boolean): void {
    if (has) this.flags[s]! |= PLAIN_BODY << direction;
    else this.flags[s]! &= ~(PLAIN_BODY << direction);
  }

  responseCount(s: number): number {
    return this.responseCounts[s]!;
  }

  /** Counts a response; returns how many the stream has had. */
  addResponse(s: number): number {
    return ++this.responseCounts[s]!;
  }

  requestCount(s: number): number {
    return this.requestCounts[s]!;
  }

  /** The id `text` is kept under; `share`: one id for the same text, as long as the table of shared texts has room. */
  textId(text: string, share: boolean): number {
    if (share) {
      const known = this.sharedTexts.get(text);
      if (known !== undefined) return known;
    }
    const id = this.freeTextIds.pop() ?? this.texts.length;
    this.texts[id] = text;
    if (share && this.sharedTexts.size < SHARED_TEXTS_MAX) this.sharedTexts.set(text, id);
    return id;
  }

  /** The id of a shared text, if it has one. */
  sharedTextId(text: string): number | undefined {
    return this.sharedTexts.get(text);
  }

  /** Appends a request; `sec`/`nsec` are kept only when `timed` (see requestTimeTo). */
  addRequest(s: number, frame: number, uri: number, host: number, head: boolean, timed: boolean, sec: number, nsec: number): void {
    const i = this.requestCounts[s]!;
    this.makeRoom(s, i - this.dropped(s));
    const cols = this.columns(s);
    const k = this.slot(s, i);
    cols.frames[k] = frame;
    cols.responses[k] = 0;
    cols.uris[k] = uri;
    cols.hosts[k] = host;
    cols.heads[k] = head ? 1 : 0;
    if (timed) {
      cols.timed();
      cols.secs![k] = sec;
      cols.nsecs![k] = nsec;
    }
    this.requestCounts[s] = i + 1;
  }

  /** Frame of request i (0-based) of the stream; 0 when there is none, or it was let go. */
  requestFrame(s: number, i: number): number {
    if (i < 0 || i >= this.requestCounts[s]! || i < this.dropped(s)) return 0;
    return this.columns(s).frames[this.slot(s, i)]!;
  }

  /** Records the frame of the response that answered request i (which must exist and be kept). */
  setResponseFrame(s: number, i: number, frame: number): void {
    this.columns(s).responses[this.slot(s, i)] = frame;
  }

  /** Frame of the response that answered request i, 0 when none has (or the request was let go). */
  responseFrame(s: number, i: number): number {
    if (i >= this.requestCounts[s]! || i < this.dropped(s)) return 0;
    return this.columns(s).responses[this.slot(s, i)]!;
  }

  /** Whether request i of the stream was counted and is still kept. */
  hasRequest(s: number, i: number): boolean {
    return i >= 0 && i < this.requestCounts[s]! && i >= this.dropped(s);
  }

  requestUri(s: number, i: number): string {
    return this.texts[this.columns(s).uris[this.slot(s, i)]!]!;
  }

  requestHost(s: number, i: number): string | undefined {
    const id = this.columns(s).hosts[this.slot(s, i)]!;
    return id === NO_TEXT ? undefined : this.texts[id];
  }

  /** Whether request i exists, is still kept, and was a HEAD. */
  isHeadRequest(s: number, i: number): boolean {
    return i < this.requestCounts[s]! && i >= this.dropped(s) && this.columns(s).heads[this.slot(s, i)] === 1;
  }

  /** Nanoseconds from request i's sending to (sec, nsec), exactly; undefined when its time was not kept. */
  requestTimeTo(s: number, i: number, sec: number, nsec: number): Ns | undefined {
    const cols = this.columns(s);
    if (!cols.secs || !cols.nsecs) return undefined;
    const k = this.slot(s, i);
    return nsSub(nsSince(cols.secs[k]!, sec, nsec), cols.nsecs[k]!);
  }

  /** Lets the requests before `keepFrom` go (their text ids freed, the rest moved to the start of the stream's slots). */
  dropBefore(s: number, keepFrom: number): void {
    const dropped = this.dropped(s);
    const n = keepFrom - dropped;
    const cols = this.columns(s);
    const at = this.slot(s, dropped);
    for (let k = at; k < at + n; k++) {
      this.releaseText(cols.uris[k]!);
      this.releaseText(cols.hosts[k]!);
    }
    cols.copy(at + n, cols, at, this.requestCounts[s]! - keepFrom);
    this.droppedCounts ??= new Uint32Array(this.flags.length);
    this.droppedCounts[s] = keepFrom;
  }

  dropped(s: number): number {
    return this.droppedCounts === undefined ? 0 : this.droppedCounts[s]!;
  }

  /** Where the stream carries WebSocket from, as things stand. */
  websocketFrom(s: number): number | undefined {
    if ((this.flags[s]! & WEBSOCKET) === 0) return undefined;
    const setAt = this.websocketSetAt.get(s)!;
    return setAt[setAt.length - 1]! + 1;
  }

  /** Where the stream carries WebSocket from, as the first pass saw it on entering frame `num`. */
  websocketFromAt(s: number, num: number): number | undefined {
    if ((this.flags[s]! & WEBSOCKET) === 0) return undefined;
    let from: number | undefined;
    for (const setAt of this.websocketSetAt.get(s)!) if (setAt < num) from = setAt + 1;
    return from;
  }

  /** A 101 in frame `num` turned the stream to WebSocket from the next frame. */
  setWebsocketAfter(s: number, num: number): void {
    this.flags[s]! |= WEBSOCKET;
    const setAt = this.websocketSetAt.get(s);
    if (setAt) setAt.push(num);
    else this.websocketSetAt.set(s, [num]);
  }

  private columns(s: number): RequestColumns {
    return this.blockBits[s] === OWN ? this.own.get(s)! : this.shared;
  }

  /** The slot of request i (counted from the stream's first, dropped ones included) in the stream's columns. */
  private slot(s: number, i: number): number {
    const k = i - this.dropped(s);
    return this.blockBits[s] === OWN ? k : this.blockAt[s]! + k;
  }

  private releaseText(id: number): void {
    if (id === NO_TEXT) return;
    // A single pass shares no text: no lookup (hashing each URI) for it.
    if (this.sharedTexts.size !== 0 && this.sharedTexts.get(this.texts[id]!) === id) return;
    this.texts[id] = undefined;
    this.freeTextIds.push(id);
  }

  /** Room for one more request after the stream's `live` ones: a first block, a bigger one, or columns of its own. */
  private makeRoom(s: number, live: number): void {
    const bits = this.blockBits[s]!;
    if (bits === OWN) {
      this.own.get(s)!.grow(live + 1);
      return;
    }
    if (bits !== 0 && live < 1 << bits) return;
    if (bits === LARGEST_BLOCK_BITS) {
      // Few streams get here, each with many requests: columns of their own grow without leaving blocks behind.
      const cols = new RequestColumns(live * 2, this.shared.secs !== undefined);
      this.shared.copy(this.blockAt[s]!, cols, 0, live);
      this.freeBlock(s);
      this.own.set(s, cols);
      this.blockBits[s] = OWN;
      return;
    }
    const next = bits === 0 ? FIRST_BLOCK_BITS : bits + 1;
    const at = this.freeBlocks[next]?.pop() ?? this.newBlock(next);
    if (bits !== 0) {
      this.shared.copy(this.blockAt[s]!, this.shared, at, live);
      this.freeBlock(s);
    }
    this.blockAt[s] = at;
    this.blockBits[s] = next;
  }

  private freeBlock(s: number): void {
    (this.freeBlocks[this.blockBits[s]!] ??= []).push(this.blockAt[s]!);
  }

  private newBlock(bits: number): number {
    const at = this.slotsUsed;
    this.slotsUsed += 1 << bits;
    this.shared.grow(this.slotsUsed);
    return at;
  }
}
