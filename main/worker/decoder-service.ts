/**
 * The decoding worker's state and the DecoderApi's methods over it: the open
 * capture (CaptureIndex), the displayed list (DisplayList: filter + sort), the
 * display filter being applied, the counts posted to the main thread. Runs in
 * the worker (decode-worker.ts); tests may also run it in-process.
 *
 * Arguments are checked here too (they crossed a thread boundary): anything off
 * is a DecoderError('bad-argument') with a message a user can read.
 */
import { basename } from 'node:path';
import { NotACaptureError } from '../../shared/capture/parser.js';
import type { Dissected } from '../../shared/dissect/engine.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import { walk } from '../../shared/dissect/tree.js';
import { compileFilter } from '../../shared/filter/index.js';
import { sameOnFirstPass } from '../../shared/filter/first-pass-fields.js';
import {
  COLUMN_IDS, LIMITS, type ColumnId, type FilterCheck, type FindQuery, type PacketDetail, type Row, type SortOrder,
  type TcpStream, type TcpdumpBlock, type TcpdumpMode, type ViewState, type WsConversationSummary, type WsMessage,
} from '../../shared/ipc/contract.js';
import { treeItems } from '../../shared/view/tree-items.js';
import { openCaptureFile } from '../capture-file/index.js';
import { CaptureIndex, Slicer, errorText, yieldToMessages } from './capture-index.js';
import { DecoderError, type DecoderCounts, type OpenedCapture } from './decoder-api.js';
import { DisplayList } from './display-list.js';
import { containsBytes, hexPattern, stringPattern } from './find-bytes.js';
import { PacketFlag } from './packet-store.js';
import { saveCapture } from './save-capture.js';
import { WorkerFilter } from './worker-filter.js';
import { SharedClaims } from './filter-claims.js';
import { FilterHelper } from './filter-helper-client.js';
import { ALL_LAYERS } from './filter-helper-pass.js';
import { TcpdumpView } from './tcpdump-view.js';
import { encodeViewOption, parseViewState, readSavedView } from './saved-view.js';

const COUNTS_INTERVAL_MS = 100;
const APPLICATION = 'Paquet';

/** A display filter being applied to the packets indexed before it was set. */
class FilterRun {
  /** 1 when packet i passes; filled by the revisit for i < startCount, by the first pass after. */
  passes: Uint8Array;
  checked = 0;
  cancelled = false;
  /** The packets to dissect, shared with the filter helper when it takes part (null until known). */
  claims: SharedClaims | null = null;
  /** The helper's answers are not in `checked` yet. */
  helping = false;

  constructor(
    readonly filter: WorkerFilter,
    readonly startCount: number,
  ) {
    this.passes = new Uint8Array(Math.max(1024, startCount));
  }

  /** Packets known so far, the helper's answers included. */
  get known(): number {
    return this.checked + (this.helping && this.claims ? this.claims.done : 0);
  }

  cancel(): void {
    this.cancelled = true;
    this.claims?.stop();
  }

  mark(i: number, pass: boolean): void {
    if (i >= this.passes.length) {
      const grown = new Uint8Array(Math.max(i + 1, this.passes.length * 2));
      grown.set(this.passes);
      this.passes = grown;
    }
    this.passes[i] = pass ? 1 : 0;
  }
}

/** How much of a file is parsed before open() returns; the rest is read in READ_STEP steps while indexing. */
const FIRST_BYTES = 1 << 20;

/**
 * Below this many packets to dissect, a filter is not shared with the helper: its start (a
 * thread, then the file read from its first frame) would cost more than it saves.
 */
const HELPER_MIN_CANDIDATES = 20_000;
/**
 * Nor when they are fewer than a fifth of the packets: the helper dissects every packet up to its
 * candidates, so with sparse ones (DNS in an HTTP capture) it answers few and slows the worker
 * down more (both threads read the file and collect garbage on two cores) than it saves.
 */
const HELPER_MIN_SHARE = 0.2;
/** Packets the worker takes at a time from the back of a filter's list (see filter-claims.ts). */
const WORKER_CLAIM = 4096;

export interface DecoderOptions {
  /** Packets to dissect from which a filter is shared with the helper thread (tests lower it; Infinity: never). */
  readonly helperMinCandidates?: number;
  /** The share of the packets that must be dissected for the helper to take part (tests lower it to 0). */
  readonly helperMinShare?: number;
  /** Tests: the worker starts on a filter's list once the helper has claimed its first part (or stopped), whatever the timing. */
  readonly helperHeadStart?: boolean;
}

export class DecoderService {
  private readonly registry = defaultRegistry();
  private cap: CaptureIndex | null = null;
  private display: DisplayList | null = null;
  private tcpdumpView: TcpdumpView | null = null;
  /** The filter the displayed list reflects (null: none). */
  private active: WorkerFilter | null = null;
  private run: FilterRun | null = null;
  private generation = 0;
  private lastPost = 0;
  private postTimer: NodeJS.Timeout | null = null;

  /** A second thread that takes part of a big display filter's work, started when first needed. */
  private readonly helper = new FilterHelper();
  /** Why the helper's part of the last filter it took part in was redone by the worker (null: it was not). */
  helperProblem: string | null = null;
  /** Packets of the last filter the helper answered (0: it did not take part). */
  helperAnswered = 0;

  constructor(
    private readonly post: (counts: DecoderCounts) => void,
    private readonly options: DecoderOptions = {},
  ) {}

  // ------------------------------------------------------------ file

  async open(path: unknown, options: unknown): Promise<OpenedCapture> {
    const file = text(path, 'path', LIMITS.pathChars);
    if (file === '') throw bad('The file name is empty.');
    const follow = isObject(options) && options.follow === true;
    await this.close();
    let reader;
    try {
      // A file on disk shows its first rows after its first megabyte; the rest is read while indexing.
      reader = await openCaptureFile(file, follow ? { follow } : { firstBytes: FIRST_BYTES });
    } catch (e) {
      throw new DecoderError('file', openMessage(file, e));
    }
    // A live capture followed before its header is written is still unknown: Paquet's capture program writes pcapng.
    const format = reader.format === 'pcap' || reader.format === 'pcap-ns' ? 'pcap' : 'pcapng';
    let view: ViewState | null = null;
    if (reader.format === 'pcapng') view = await readSavedView(reader.dataPath).catch(() => null);
    const cap = new CaptureIndex(reader, this.registry, {
      packet: (i, d) => this.firstPass(i, d),
      changed: () => this.changed(),
    }, follow);
    this.cap = cap;
    this.display = new DisplayList(cap.store);
    this.tcpdumpView = new TcpdumpView({
      dissect: (i, withTree) => cap.dissect(i, withTree),
      tcpStream: (i) => cap.store.tcpStreamOf(i),
      baseSetters: (stream) => cap.baseSetters.of(stream),
    });
    this.active = null;
    this.generation++;
    cap.start();
    this.changed();
    return { format, gzip: reader.gzip, view };
  }

  async stopFollowing(): Promise<void> {
    await this.cap?.stopFollowing();
    this.changed();
  }

  async close(): Promise<void> {
    const cap = this.cap;
    if (!cap) return;
    this.cancelRun();
    this.cap = null;
    this.display = null;
    this.tcpdumpView = null;
    this.active = null;
    this.generation++;
    await cap.close();
    this.changed();
  }

  /** Stop posting counts (the worker is going away, or a test is done). */
  dispose(): void {
    if (this.postTimer) clearTimeout(this.postTimer);
    this.postTimer = null;
    this.cancelRun();
    this.helper.dispose();
  }

  // ------------------------------------------------------------ counts

  counts(): DecoderCounts {
    const cap = this.cap;
    const display = this.display;
    if (!cap || !display) {
      return { packets: 0, displayed: 0, progress: 1, busy: null, warnings: [], generation: this.generation };
    }
    this.syncDisplay();
    const run = this.run;
    const indexing = (cap.indexed < cap.total || cap.unread) && cap.problems.length === 0;
    return {
      packets: cap.indexed,
      displayed: display.length,
      progress: run ? (run.startCount === 0 ? 1 : run.known / run.startCount) : indexing ? cap.progress : 1,
      busy: run ? 'filtering' : indexing ? 'indexing' : null,
      warnings: [...this.readerWarnings(cap), ...cap.problems],
      generation: this.generation,
    };
  }

  /** While a live capture is still being written, its last record is often incomplete: not damage (yet). */
  private readerWarnings(cap: CaptureIndex): string[] {
    return cap.reader.warnings.filter((w) => !(cap.isFollowing && w.kind === 'truncated')).map((w) => w.message);
  }

  /** Post the counts at most every 100 ms, and always once after the last change. */
  private changed(): void {
    if (this.postTimer) return;
    const wait = Math.max(0, this.lastPost + COUNTS_INTERVAL_MS - Date.now());
    this.postTimer = setTimeout(() => {
      this.postTimer = null;
      this.lastPost = Date.now();
      this.post(this.counts());
    }, wait);
  }

  /** Merge newly indexed packets into a sorted list; rows already fetched are stale when that moved them. */
  private syncDisplay(): void {
    if (this.display?.mergeAppended()) this.generation++;
  }

  private firstPass(i: number, d: Dissected): void {
    if (!this.active || this.active.testIndexed(i, d)) this.display!.append(i);
    if (this.run) this.run.mark(i, this.run.filter.testIndexed(i, d));
  }

  // ------------------------------------------------------------ rows

  rows(from: unknown, count: unknown): Row[] {
    const { display, cap } = this.need();
    const start = index(from, 'from');
    const n = index(count, 'count');
    if (n > LIMITS.rowsPerRequest) throw bad(`At most ${LIMITS.rowsPerRequest} rows can be asked for at once.`);
    this.syncDisplay();
    const end = Math.min(display.length, start + n);
    const rows: Row[] = [];
    for (let k = start; k < end; k++) rows.push(cap.store.row(display.at(k)));
    return rows;
  }

  indexOf(num: unknown): number {
    const { display, cap } = this.need();
    const n = frameNumber(num);
    if (n > cap.indexed) return -1;
    this.syncDisplay();
    return display.indexOf(n - 1);
  }

  sort(order: unknown): void {
    const { display } = this.need();
    display.setOrder(sortOrder(order));
    this.generation++;
    this.changed();
  }

  async find(query: unknown): Promise<{ index: number; num: number } | null> {
    const { display, cap } = this.need();
    const q = findQuery(query);
    this.syncDisplay();
    const total = display.length;
    if (total === 0) return null;
    let test: (i: number) => Promise<boolean>;
    if (q.kind === 'filter') {
      const compiled = compileFilter(q.text, this.registry);
      if (!compiled.ok) throw bad(`Invalid filter: ${compiled.error.message}`);
      const filter = new WorkerFilter(compiled.filter, cap);
      test = async (i) => filter.test(i);
    } else {
      const pattern = q.kind === 'hex' ? hexPattern(q.text) : stringPattern(q.text);
      if (!pattern.ok) throw bad(pattern.message);
      test = async (i) => containsBytes((await cap.reader.readPacket(i)).data, pattern.bytes, pattern.ignoreCase);
    }
    const step = q.backwards ? -1 : 1;
    const after = Math.min(Math.max(q.after, -1), total);
    // Every displayed packet once, starting next to `after` and wrapping around to it.
    let start = after + step;
    if (start < 0 || start >= total) start = step > 0 ? 0 : total - 1;
    const slicer = new Slicer();
    for (let k = 0; k < total; k++) {
      const pos = (((start + k * step) % total) + total) % total;
      const i = display.at(pos);
      if (await test(i)) return { index: pos, num: i + 1 };
      if (slicer.due()) {
        await yieldToMessages();
        if (this.display !== display) return null;
      }
    }
    return null;
  }

  // ------------------------------------------------------------ display filter

  checkFilter(filterText: unknown): FilterCheck {
    const t = text(filterText, 'filter', LIMITS.filterChars);
    const compiled = compileFilter(t, this.registry);
    if (compiled.ok) return { ok: true };
    const e = compiled.error;
    // The contract's problem always covers at least one character: at the end of the text, the last one.
    const start = Math.max(0, Math.min(e.column, Math.max(0, t.length - 1)));
    const length = Math.max(1, Math.min(e.length, Math.max(1, t.length - start)));
    return { ok: false, problem: { message: e.message, start, length, ...(e.suggestion ? { suggestion: e.suggestion } : {}) } };
  }

  async applyFilter(filterText: unknown): Promise<FilterCheck> {
    const check = this.checkFilter(filterText);
    if (!check.ok) return check;
    const { display, cap } = this.need();
    const t = filterText as string;
    this.cancelRun();
    if (t.trim() === '') {
      this.active = null;
      display.showAll(cap.indexed);
      this.generation++;
      this.changed();
      return check;
    }
    const compiled = compileFilter(t, this.registry);
    if (!compiled.ok) return check;
    const filter = new WorkerFilter(compiled.filter, cap);
    const run = new FilterRun(filter, cap.indexed);
    this.run = run;
    this.changed();
    const superseded = (): boolean => run.cancelled || this.cap !== cap;
    // First what the packet store answers (no reading, no dissection; slices of 30 ms, not of 2000
    // packets), then the rest from the file.
    const quickSlicer = new Slicer(Infinity);
    // Shared: the helper, if it takes part, reads the same list.
    const toDissect = new Uint32Array(new SharedArrayBuffer(run.startCount * Uint32Array.BYTES_PER_ELEMENT));
    let count = 0;
    for (let i = 0; i < run.startCount; i++) {
      const quick = filter.summary.test(i);
      if (quick === undefined) {
        toDissect[count++] = i;
      } else {
        run.mark(i, quick);
        run.checked++;
      }
      if (quickSlicer.due()) {
        this.changed();
        await yieldToMessages();
        if (superseded()) return check;
      }
    }
    const candidates = toDissect.subarray(0, count);
    const claims = SharedClaims.create(count);
    run.claims = claims;
    const helper = this.startHelper(run, candidates);
    const slicer = new Slicer();
    // Read from the file: the frame's bytes may answer without dissecting it.
    const dissectAll = async (packets: Uint32Array): Promise<void> => {
      for await (const batch of cap.batches(packets)) {
        for (const rec of batch) {
          if (superseded()) return;
          run.mark(rec.index, filter.testRecord(rec));
          run.checked++;
          if (slicer.due()) {
            this.changed();
            await yieldToMessages();
          }
        }
      }
    };
    try {
      if (helper && this.options.helperHeadStart) await headStart(claims, helper.finished);
      // From the back of the list, the helper (if any) taking from the front.
      for (let claim = claims.takeBack(WORKER_CLAIM); claim && !superseded(); claim = claims.takeBack(WORKER_CLAIM)) {
        await dissectAll(candidates.subarray(claim.from, claim.to));
      }
      // Nothing claimed by the helper (it had not started yet): nothing to wait for.
      if (helper && claims.front === 0) run.helping = false;
      else if (helper && !superseded()) {
        const problem = await helper.finished;
        if (superseded()) return check;
        // A helper that stopped claims nothing more; what it claimed and did not answer, the worker answers.
        if (problem !== null) claims.stop();
        const answered = problem === null ? claims.front : claims.done;
        for (let k = 0; k < answered; k++) run.mark(candidates[k]!, helper.answers[k] === 1);
        run.checked += answered;
        run.helping = false;
        this.helperAnswered = answered;
        if (problem !== null) {
          this.helperProblem = problem;
          await dissectAll(candidates.subarray(answered, claims.front));
        }
      }
    } catch (e) {
      // The file was closed under the filter (another file opened): nothing left to filter.
      if (superseded()) return check;
      run.cancel();
      if (this.run === run) this.run = null;
      this.changed();
      throw new DecoderError('file', `Reading the capture failed while filtering: ${errorText(e)}`);
    }
    if (superseded()) return check;
    // Packets indexed while the filter ran were checked by the first pass; all are known now.
    const shown: number[] = [];
    for (let i = 0; i < cap.indexed; i++) if (run.passes[i]) shown.push(i);
    this.active = run.filter;
    this.run = null;
    display.replace(Uint32Array.from(shown));
    this.generation++;
    this.changed();
    return check;
  }

  /** A newer filter (or a closed file) replaces the one being applied; its caller still gets its check. */
  private cancelRun(): void {
    this.run?.cancel();
    this.run = null;
  }

  /**
   * Hands the front of a filter's list to the helper when that pays and gives the same answers: a
   * big list, a file not being written, a filter that keeps the same packets on a first pass (the
   * helper's) as on a revisit. Null when the worker does it all.
   */
  private startHelper(run: FilterRun, candidates: Uint32Array): { finished: Promise<string | null>; answers: Uint8Array } | null {
    const cap = this.cap!;
    this.helperProblem = null;
    this.helperAnswered = 0;
    const min = this.options.helperMinCandidates ?? HELPER_MIN_CANDIDATES;
    const sparse = candidates.length < run.startCount * (this.options.helperMinShare ?? HELPER_MIN_SHARE);
    // The helper reads the data file from its start: not while it grows (a live capture, a gzip file inflating).
    if (candidates.length < min || sparse || cap.isFollowing || !cap.reader.complete || !this.helper.usable || !sameOnFirstPass(run.filter.filter)) return null;
    const answers = new Uint8Array(new SharedArrayBuffer(candidates.length));
    let layers: Uint8Array | null = null;
    const cut = run.filter.firstPassCut;
    if (cut === 'candidates') {
      layers = new Uint8Array(new SharedArrayBuffer(candidates.length));
      for (let k = 0; k < candidates.length; k++) layers[k] = Math.min(run.filter.layersFor(candidates[k]!) ?? ALL_LAYERS, ALL_LAYERS);
    }
    const finished = this.helper.run({
      layers,
      stopAbove: cut === 'above-tcp' ? 'tcp' : null,
      path: cap.reader.dataPath,
      filter: run.filter.text,
      candidates,
      cells: run.claims!.cells,
      answers,
      comments: [...cap.comments],
    });
    run.helping = true;
    return { finished, answers };
  }

  // ------------------------------------------------------------ one packet

  async detail(num: unknown): Promise<PacketDetail> {
    const { cap } = this.need();
    const i = this.packet(num);
    const d = await cap.dissect(i, true);
    const tree = d.tree ?? [];
    let tcpStream: number | undefined;
    for (const node of walk(tree)) {
      if (node.def.abbrev === 'tcp.stream' && typeof node.value === 'number') {
        tcpStream = node.value;
        break;
      }
    }
    const ws = cap.store.hasFlag(i, PacketFlag.WebSocket) && tcpStream !== undefined;
    return {
      num: i + 1,
      summary: cap.store.row(i),
      items: treeItems(tree),
      // Copies: a view would carry its whole read buffer across the thread boundary.
      sources: d.sources.map((s) => ({ name: s.name, bytes: s.tvb.bytes.slice() })),
      comments: [...(d.ctx.frame.comments ?? [])],
      ...(tcpStream !== undefined ? { tcpStream } : {}),
      // The WebSocket conversation id is its TCP stream index (shared/view/ws-conversation.ts agrees).
      ...(ws ? { wsConversation: tcpStream } : {}),
    };
  }

  async setComment(num: unknown, comment: unknown): Promise<PacketDetail> {
    const { cap } = this.need();
    const i = this.packet(num);
    const c = text(comment, 'comment', LIMITS.commentChars);
    cap.comments.set(i, c === '' ? [] : [c]);
    return this.detail(num);
  }

  // ------------------------------------------------------------ terminal

  async tcpdump(from: unknown, count: unknown, mode: unknown): Promise<TcpdumpBlock[]> {
    const { display } = this.need();
    const view = this.tcpdumpView!;
    const start = index(from, 'from');
    const n = index(count, 'count');
    if (n > LIMITS.tcpdumpPacketsPerRequest) throw bad(`At most ${LIMITS.tcpdumpPacketsPerRequest} packets can be asked for at once.`);
    if (mode !== 'A' && mode !== 'X' && mode !== 'websocket') throw bad('The terminal mode must be A, X or websocket.');
    this.syncDisplay();
    const packets: number[] = [];
    for (let k = start; k < Math.min(display.length, start + n); k++) packets.push(display.at(k));
    return view.blocks(packets, mode as TcpdumpMode);
  }

  // ------------------------------------------------------------ follow

  async followTcp(stream: unknown): Promise<TcpStream> {
    const s = streamId(stream, 'stream');
    const packets = await this.streamPackets(s, `There is no TCP stream ${s}.`);
    const { followTcpStream } = await viewModule(() => import('../../shared/view/follow-tcp.js'));
    return followTcpStream(packets, s);
  }

  async wsConversations(): Promise<WsConversationSummary[]> {
    const { cap } = this.need();
    const { wsConversationSummary } = await viewModule(() => import('../../shared/view/ws-conversation.js'));
    const out: WsConversationSummary[] = [];
    for (const s of [...cap.wsStreams].sort((a, b) => a - b)) {
      const summary = wsConversationSummary(await this.streamPackets(s, ''), s);
      if (summary) out.push(summary);
    }
    return out;
  }

  async wsMessages(id: unknown): Promise<WsMessage[]> {
    const s = streamId(id, 'id');
    const { wsMessages } = await viewModule(() => import('../../shared/view/ws-conversation.js'));
    return wsMessages(await this.wsPackets(s));
  }

  async wsExport(id: unknown): Promise<string> {
    const s = streamId(id, 'id');
    const { wsMessages } = await viewModule(() => import('../../shared/view/ws-conversation.js'));
    const { wsJsonLines } = await viewModule(() => import('../../shared/view/json-lines.js'));
    return wsJsonLines(wsMessages(await this.wsPackets(s)));
  }

  private async wsPackets(stream: number): Promise<Dissected[]> {
    const { cap } = this.need();
    if (!cap.wsStreams.has(stream)) throw new DecoderError('not-found', `There is no WebSocket conversation ${stream}.`);
    return this.streamPackets(stream, '');
  }

  /** The packets of a TCP stream, in frame order, dissected again with their trees. */
  private async streamPackets(stream: number, missing: string): Promise<Dissected[]> {
    const { cap } = this.need();
    const list = cap.streamPackets(stream);
    if (list.length === 0) throw new DecoderError('not-found', missing || `There is no TCP stream ${stream}.`);
    const out: Dissected[] = [];
    for await (const rec of cap.records(list)) out.push(cap.dissection.dissect(cap.frameInput(rec), true));
    return out;
  }

  // ------------------------------------------------------------ save

  async save(path: unknown, options: unknown): Promise<void> {
    const { cap, display } = this.need();
    const file = text(path, 'path', LIMITS.pathChars);
    if (file === '') throw bad('The file name is empty.');
    if (!isObject(options) || (options.which !== 'all' && options.which !== 'displayed')) {
      throw bad('Say which packets to save: all or displayed.');
    }
    let view: ViewState | null = null;
    if (options.view !== null && options.view !== undefined) {
      view = parseViewState(options.view);
      if (!view) throw bad('The view to save is not a valid view state.');
      if (!encodeViewOption(view)) throw bad('The view is too large to save in the file.');
    }
    // All: every packet the file holds, indexed yet or not, so the rest of a file still being read is parsed first
    // (a Save in place while indexing would otherwise write the first part only). Displayed: those the filter kept so far.
    if (options.which === 'all') await cap.readAll();
    this.syncDisplay();
    const packets = options.which === 'all' ? allPackets(cap.total) : display.inFrameOrder();
    await saveCapture(file, {
      interfaces: cap.reader.interfaces,
      records: cap.records(packets),
      commentsOf: (rec) => cap.comments.get(rec.index) ?? rec.comments,
      view,
      application: APPLICATION,
    });
  }

  // ------------------------------------------------------------ helpers

  private need(): { cap: CaptureIndex; display: DisplayList } {
    if (!this.cap || !this.display) throw new DecoderError('no-capture', 'No capture is open.');
    return { cap: this.cap, display: this.display };
  }

  /** Packet index of a frame number that has been indexed. */
  private packet(num: unknown): number {
    const { cap } = this.need();
    const n = frameNumber(num);
    if (n > cap.indexed) throw new DecoderError('not-found', `There is no packet ${n} (${cap.indexed} packets so far).`);
    return n - 1;
  }
}

// ------------------------------------------------------------ argument checks

function bad(message: string): DecoderError {
  return new DecoderError('bad-argument', message);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(v: unknown, what: string, max: number): string {
  if (typeof v !== 'string') throw bad(`The ${what} must be text.`);
  if (v.length > max) throw bad(`The ${what} is too long (at most ${max} characters).`);
  return v;
}

function index(v: unknown, what: string): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw bad(`${what} must be a whole number, 0 or more.`);
  return v as number;
}

function frameNumber(v: unknown): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1) throw bad('A packet number is a whole number from 1.');
  return v as number;
}

function streamId(v: unknown, what: string): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw bad(`The ${what} must be a stream number, 0 or more.`);
  return v as number;
}

function sortOrder(v: unknown): SortOrder | null {
  if (v === null) return null;
  if (!isObject(v) || !COLUMN_IDS.includes(v.column as ColumnId) || typeof v.descending !== 'boolean') {
    throw bad(`A sort order names a column (${COLUMN_IDS.join(', ')}) and a direction.`);
  }
  return { column: v.column as ColumnId, descending: v.descending };
}

function findQuery(v: unknown): FindQuery {
  if (!isObject(v) || (v.kind !== 'filter' && v.kind !== 'string' && v.kind !== 'hex')) throw bad('Find by filter, string or hex.');
  const t = text(v.text, 'text to find', LIMITS.filterChars);
  if (!Number.isSafeInteger(v.after) || (v.after as number) < -1) throw bad('Find starts after a displayed row (a whole number, or -1).');
  if (v.backwards !== undefined && typeof v.backwards !== 'boolean') throw bad('"backwards" is true or false.');
  return { kind: v.kind, text: t, after: v.after as number, ...(v.backwards ? { backwards: true } : {}) };
}

function allPackets(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

function openMessage(path: string, e: unknown): string {
  const name = basename(path);
  if (e instanceof NotACaptureError) return `${name} is ${e.message}.`;
  switch ((e as { code?: string }).code) {
    case 'ENOENT': return `${name} does not exist.`;
    case 'EACCES': case 'EPERM': return `${name} cannot be read: permission denied.`;
    case 'EISDIR': return `${name} is a folder, not a capture file.`;
    default: return `${name} could not be opened: ${errorText(e)}`;
  }
}

/** H2's analysis views are loaded on first use, so a problem in one cannot stop the worker from starting. */
async function viewModule<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    throw new DecoderError('internal', `This view is not available: ${errorText(e)}`);
  }
}

/** Resolves once the helper has claimed part of the list or its job has settled (bounded: 10 s). */
async function headStart(claims: SharedClaims, finished: Promise<unknown>): Promise<void> {
  let settled = false;
  void finished.then(() => (settled = true));
  for (let waited = 0; claims.front === 0 && !settled && waited < 10_000; waited++) await new Promise((r) => setTimeout(r, 1));
}
