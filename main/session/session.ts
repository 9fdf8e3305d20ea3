/**
 * One window's session: what it shows (nothing, a file, or a live capture),
 * the decoder that reads it, whether packets would be lost on close, and the
 * live capture's status. The decoder (a worker thread) does all the packet
 * work; the session decides when to open, save, capture and discard, asks the
 * user through Dialogs, and tells the window through `session.changed`, at most
 * about five times a second.
 *
 * Every source gets its own decoder: opening a file or starting a capture
 * starts a new one and retires the old one only once the new source is open,
 * so a failed open leaves the window as it was.
 *
 * "Unsaved" (SessionState.unsaved, and the question before closing) covers
 * live packets in no saved file and, since issue 8, packet comments edited
 * since the last Save: nothing is ever lost silently. Live packets sit in a
 * capture folder under the state folder until saved or dropped, so a crash
 * loses nothing either: the next run offers to recover them (recovery.ts).
 */
import { basename } from 'node:path';
import type {
  CaptureStatus, DeviceInfo, EventName, Events, FilterCheck, FindQuery, PacketDetail, RecentFile, RecoverableCapture, Row, SaveResult,
  SessionSource, SessionState, SortOrder, TcpStream, TcpdumpBlock, TcpdumpMode, ViewState, WsConversationSummary, WsMessage,
} from '../../shared/ipc/contract.js';
import { listDevices, validateFilter } from '../capture/index.js';
import type { DecoderApi, DecoderCounts } from '../worker/decoder-api.js';
import { DecoderClient } from '../worker/decoder-client.js';
import { writeFileAtomic } from './atomic-write.js';
import { CaptureFolder } from './capture-folder.js';
import type { Dialogs } from './dialogs.js';
import { SessionError } from './errors.js';
import { filterHistory, recentFiles } from './history.js';
import { captureFailure, LiveCapture } from './live-capture.js';
import { besideFile, checkCaptureFile, checkSavePath, safeNamePart, timeStamp } from './paths.js';
import { findRecoverable, type FoundCapture } from './recovery.js';
import { Throttle } from './throttle.js';

export type Emit = <K extends EventName>(name: K, payload: Events[K]) => void;

export interface SessionDeps {
  readonly dialogs: Dialogs;
  readonly emit: Emit;
  /** Folder of the recent-files and filter-history lists, and of live captures not yet saved (captures/). */
  readonly stateDir: string;
  /** paquet-dumpcap's path; found by main/capture/locate.ts when absent. */
  readonly captureProgram?: string;
  /** A new decoder (a worker); DecoderClient.start() when absent. */
  readonly startDecoder?: () => Promise<DecoderApi>;
  /** Where problems that are not the user's go (default: console.error). */
  readonly log?: (message: string) => void;
  /** Least time between two `session.changed` events (default 200 ms). */
  readonly changeIntervalMs?: number;
}

const NO_COUNTS: DecoderCounts = { packets: 0, displayed: 0, progress: 1, busy: null, warnings: [], generation: 0 };
const IDLE: CaptureStatus = { state: 'idle', captured: 0, dropped: 0, elapsed: 0 };
const CANCELLED: SaveResult = { saved: false, cancelled: true };

export class Session {
  private readonly dialogs: Dialogs;
  private readonly emit: Emit;
  private readonly recent;
  private readonly filters;
  private readonly log: (message: string) => void;
  private readonly startDecoder: () => Promise<DecoderApi>;
  private readonly keepSpare: boolean;
  private spare: Promise<DecoderApi> | null = null;
  private readonly changes: Throttle;

  /** The decoder of the current source; also started for an empty window to check filters. */
  private decoder: DecoderApi | null = null;
  private source: SessionSource = { kind: 'empty' };
  /** How the open file is stored: Save writes in place only over plain pcapng. */
  private fileFormat: { format: 'pcap' | 'pcapng'; gzip: boolean } | null = null;
  /** The capture whose file the decoder reads (running or ended, until the session moves on). */
  private live: LiveCapture | null = null;
  /** The capture folder the decoder reads: the live capture's, or one recovered from an earlier run. */
  private folder: CaptureFolder | null = null;
  /** True from Start (or a recovery) until the capture's packets are saved somewhere. */
  private liveUnsaved = false;
  /** Comments edited since the last Save, by frame number, with the stamp of their latest edit. */
  private readonly editedComments = new Map<number, number>();
  private editStamp = 0;
  /** What the user already agreed to drop (so a second question is not asked): packets, and comments up to this stamp. */
  private discardAgreed = { packets: 0, editStamp: 0 };
  private capture: CaptureStatus = IDLE;
  private elapsedTimer: NodeJS.Timeout | undefined;
  private counts: DecoderCounts = NO_COUNTS;
  /** Added to the decoder's generation so that it keeps rising across decoders. */
  private generationBase = 0;
  private displayFilter = '';
  private sort: SortOrder | null = null;
  /** Operations that change the source run one at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(private readonly deps: SessionDeps) {
    this.dialogs = deps.dialogs;
    this.emit = deps.emit;
    this.recent = recentFiles(deps.stateDir);
    this.filters = filterHistory(deps.stateDir);
    this.log = deps.log ?? ((m) => console.error(`paquet session: ${m}`));
    this.startDecoder = deps.startDecoder ?? (async () => DecoderClient.start());
    // A worker thread takes 150-300 ms to start: with the real decoder, one is kept ready so opening a file does not wait for it.
    this.keepSpare = deps.startDecoder === undefined;
    this.changes = new Throttle(deps.changeIntervalMs ?? 200, () => {
      if (!this.disposed) this.emit('session.changed', this.state());
    });
    this.prepareSpare();
  }

  // ------------------------------------------------------------ state

  state(): SessionState {
    const c = this.counts;
    return {
      source: this.source,
      packets: c.packets,
      displayed: c.displayed,
      progress: c.progress,
      busy: c.busy,
      displayFilter: this.displayFilter,
      sort: this.sort,
      // Unsaved also covers edited comments (issue 8): they are in no file until Save.
      unsaved: this.unsavedPackets() > 0 || this.editedComments.size > 0,
      capture: this.captureStatus(),
      warnings: c.warnings,
      generation: this.generationBase + c.generation,
    };
  }

  private captureStatus(): CaptureStatus {
    const live = this.live;
    // While starting, `live` is still the previous capture (if any): its counters are not this one's.
    if (!live || (this.capture.state !== 'running' && this.capture.state !== 'stopping')) return this.capture;
    return { ...this.capture, captured: live.captured, dropped: live.dropped, elapsed: live.elapsed };
  }

  private get capturing(): boolean {
    return this.capture.state !== 'idle';
  }

  /** Packets that exist in no saved file. */
  private unsavedPackets(): number {
    if (!this.liveUnsaved) return 0;
    // While capturing the decoder may lag behind the program; once stopped it has read everything.
    const running = this.capture.state === 'running' || this.capture.state === 'stopping';
    return running ? Math.max(this.counts.packets, this.live?.captured ?? 0) : this.counts.packets;
  }

  private changed(): void {
    this.changes.request();
  }

  // ------------------------------------------------------------ discarding

  /**
   * True when the current packets may be dropped: nothing unsaved (no live
   * packets in no file, no edited comment), or the user agreed.
   */
  async mayDiscard(): Promise<boolean> {
    const packets = this.unsavedPackets();
    const comments = this.editedComments.size;
    const stamp = this.editStamp;
    if (packets === 0 && comments === 0) return true;
    const agreedBefore = packets <= this.discardAgreed.packets && (comments === 0 || stamp <= this.discardAgreed.editStamp);
    if (agreedBefore) return true;
    const agreed = await this.dialogs.confirmDiscard(packets, comments);
    if (agreed) this.discardAgreed = { packets, editStamp: stamp };
    return agreed;
  }

  /** Forget what the user agreed to drop, and the edited comments (a new source, or everything saved). */
  private resetUnsaved(): void {
    this.liveUnsaved = false;
    this.editedComments.clear();
    this.discardAgreed = { packets: 0, editStamp: 0 };
  }

  // ------------------------------------------------------------ files

  /** File > Open: the question about unsaved packets first, then the dialog. */
  openWithDialog(): Promise<SaveResult> {
    return this.serial(async () => {
      this.refuseWhileCapturing('opening a file');
      if (!(await this.mayDiscard())) return CANCELLED;
      const path = await this.dialogs.openCapture();
      if (path === null) return CANCELLED;
      return this.openFile(path);
    });
  }

  /** A path from the OS, a drop, or the recent list (checked by the caller). */
  openPath(path: string): Promise<SaveResult> {
    return this.serial(async () => {
      await checkCaptureFile(path);
      this.refuseWhileCapturing('opening a file');
      if (!(await this.mayDiscard())) return CANCELLED;
      return this.openFile(path);
    });
  }

  async openRecent(path: string): Promise<SaveResult> {
    const list = await this.recent.read();
    if (!list.some((r) => r.path === path)) throw new SessionError('bad-argument', `${path} is not in the recent files list`);
    try {
      await checkCaptureFile(path);
    } catch (e) {
      // A file that is gone leaves the list; the user is told why it did not open.
      await this.recent.remove({ path, name: basename(path) }).catch((w: Error) => this.log(`recent files: ${w.message}`));
      throw e;
    }
    return this.openPath(path);
  }

  recentFiles(): Promise<RecentFile[]> {
    return this.recent.read();
  }

  filterHistory(): Promise<string[]> {
    return this.filters.read();
  }

  private async openFile(path: string): Promise<SaveResult> {
    await checkCaptureFile(path);
    const decoder = await this.newDecoder();
    let opened;
    try {
      opened = await decoder.open(path, { follow: false });
    } catch (e) {
      await this.retire(decoder);
      throw e;
    }
    await this.adopt(decoder, { kind: 'file', path, name: basename(path) }, null);
    this.fileFormat = { format: opened.format, gzip: opened.gzip };
    this.capture = IDLE;
    const view = opened.view;
    await this.carryView(view ? view.displayFilter : this.displayFilter, view ? view.sort : this.sort);
    await this.remember(path);
    this.changes.flush();
    if (view) this.emit('view.restore', view);
    return { saved: true, path };
  }

  /** File > Save (`as` false) and Save As. */
  save(as: boolean, view: ViewState): Promise<SaveResult> {
    return this.serial(async () => {
      const decoder = this.requireCapture();
      this.refuseWhileCapturing('saving');
      const inPlace = !as && this.source.kind === 'file' && this.fileFormat?.format === 'pcapng' && !this.fileFormat.gzip;
      // A .pcap (or compressed) file is never overwritten with pcapng unasked: Save goes through the dialog.
      const target = inPlace && this.source.kind === 'file' ? this.source.path : await this.dialogs.saveCapture(this.saveName('.pcapng'));
      if (target === null) return CANCELLED;
      checkSavePath(target);
      const savedStamp = this.editStamp;
      await decoder.save(target, { which: 'all', view });
      this.liveUnsaved = false;
      // Comments edited while the file was being written may have missed it: those stay unsaved.
      for (const [num, stamp] of this.editedComments) if (stamp <= savedStamp) this.editedComments.delete(num);
      this.discardAgreed = { packets: 0, editStamp: 0 };
      this.source = { kind: 'file', path: target, name: basename(target) };
      this.fileFormat = { format: 'pcapng', gzip: false };
      // The capture folder's packets are in a saved file now: nothing there to recover after a crash.
      const folder = this.folder;
      if (folder) await folder.removeMarker().catch((e: Error) => this.log(`removing the marker of ${folder.dir}: ${e.message}`));
      await this.remember(target);
      this.changed();
      return { saved: true, path: target };
    });
  }

  /** File > Export Displayed: the packets the filter keeps, into a new pcapng; the window stays on its source. */
  exportDisplayed(view: ViewState): Promise<SaveResult> {
    return this.serial(async () => {
      const decoder = this.requireCapture();
      this.refuseWhileCapturing('exporting');
      const target = await this.dialogs.saveCapture(this.saveName('-displayed.pcapng'));
      if (target === null) return CANCELLED;
      checkSavePath(target);
      await decoder.save(target, { which: 'displayed', view });
      return { saved: true, path: target };
    });
  }

  /** A WebSocket conversation as JSON Lines, where the user says. */
  async exportWebSocket(id: number): Promise<SaveResult> {
    const decoder = this.requireCapture();
    const text = await decoder.wsExport(id); // an unknown id fails here, before any dialog
    const target = await this.dialogs.saveJsonLines(this.saveName(`-websocket-${id}.jsonl`));
    if (target === null) return CANCELLED;
    checkSavePath(target);
    try {
      await writeFileAtomic(target, text);
    } catch (e) {
      throw new SessionError('file', `cannot write ${target}: ${(e as Error).message}`);
    }
    return { saved: true, path: target };
  }

  /** The name (or full path, beside the open file) a Save dialog starts with. */
  private saveName(suffix: string): string {
    const s = this.source;
    if (s.kind === 'file') return besideFile(s.path, suffix);
    if (s.kind === 'live') {
      const when = timeStamp(this.folder ? new Date(this.folder.startedMs) : new Date());
      return `paquet-${safeNamePart(s.interface)}-${when}${suffix}`;
    }
    return `capture${suffix}`;
  }

  private async remember(path: string): Promise<void> {
    try {
      await this.recent.add({ path, name: basename(path) });
    } catch (e) {
      this.log(`the recent files list could not be written: ${(e as Error).message}`);
    }
  }

  // ------------------------------------------------------------ recovery

  /** Unsaved live captures left by processes that are gone (crash, kill -9, power cut), newest first. */
  async recoverable(): Promise<RecoverableCapture[]> {
    const found = await findRecoverable(this.deps.stateDir, this.log);
    return found.map(({ path, startedMs, bytes, interface: iface }) => ({ path, startedMs, bytes, interface: iface }));
  }

  /** One of them, by the path file.recoverable gave; anything else is refused. */
  private async offered(path: string): Promise<FoundCapture> {
    const found = (await findRecoverable(this.deps.stateDir, this.log)).find((r) => r.path === path);
    if (!found) throw new SessionError('bad-argument', `${path} is not one of the captures that can be recovered (it may have been recovered or discarded meanwhile)`);
    return found;
  }

  /**
   * Open a capture left unsaved by an earlier run, as an unsaved live capture
   * (closing asks, Save shows the dialog). Its folder becomes this session's:
   * deleted when the user drops it, its marker removed once saved.
   */
  recover(path: string): Promise<SaveResult> {
    return this.serial(async () => {
      this.refuseWhileCapturing('recovering a capture');
      const found = await this.offered(path);
      if (!(await this.mayDiscard())) return CANCELLED;
      const filter = found.marker?.filter ?? '';
      let claimed;
      try {
        claimed = await CaptureFolder.claim(this.deps.stateDir, found.dir, { interface: found.interface, filter, startedMs: found.startedMs });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new SessionError('not-found', 'This capture was recovered or discarded meanwhile (by another window?).');
        throw new SessionError('file', `the capture in ${found.dir} cannot be taken over: ${(e as Error).message}`);
      }
      let decoder: DecoderApi | undefined;
      try {
        decoder = await this.newDecoder();
        await decoder.open(claimed.folder.file, { follow: false });
      } catch (e) {
        if (decoder) await this.retire(decoder);
        // Offered again next time, where the user can also discard it.
        await claimed.release().catch((r: Error) => this.log(`giving back ${claimed.folder.dir}: ${r.message}`));
        throw e;
      }
      await this.adopt(decoder, { kind: 'live', interface: found.interface ?? 'recovered', filter }, null, claimed.folder);
      this.liveUnsaved = true;
      this.capture = IDLE;
      await this.carryView(this.displayFilter, this.sort);
      this.changes.flush();
      return { saved: true, path: claimed.folder.file };
    });
  }

  /**
   * Delete one of them for good (the renderer asked the user first). Not
   * queued behind the session's own operations: it never touches the open source.
   */
  async discardRecoverable(path: string): Promise<boolean> {
    const found = await this.offered(path);
    const info = { interface: found.interface, filter: found.marker?.filter ?? '', startedMs: found.startedMs };
    let claimed;
    try {
      // Taken over first, so a window recovering it at the same moment either gets it whole or not at all.
      claimed = await CaptureFolder.claim(this.deps.stateDir, found.dir, info);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false; // gone already
      throw new SessionError('file', `the capture in ${found.dir} cannot be deleted: ${(e as Error).message}`);
    }
    try {
      await claimed.folder.remove();
    } catch (e) {
      throw new SessionError('file', `the capture in ${claimed.folder.dir} cannot be deleted: ${(e as Error).message}`);
    }
    return true;
  }

  // ------------------------------------------------------------ live capture

  async devices(): Promise<DeviceInfo[]> {
    try {
      const devices = await listDevices(this.program());
      return devices.map((d) => ({ name: d.name, description: d.description, addresses: [...d.addresses], loopback: d.loopback, up: d.up }));
    } catch (e) {
      throw captureFailure(e, this.deps.captureProgram);
    }
  }

  /** A capture (BPF) filter compiled for the interface; libpcap gives no position, so the whole text is marked. */
  async checkCaptureFilter(iface: string, filter: string): Promise<FilterCheck> {
    if (filter.trim() === '') return { ok: true };
    let r;
    try {
      r = await validateFilter(filter, { ...this.program(), interface: iface });
    } catch (e) {
      throw captureFailure(e, this.deps.captureProgram);
    }
    return r.ok ? { ok: true } : { ok: false, problem: { message: r.message, start: 0, length: Math.max(1, filter.length) } };
  }

  startCapture(o: { interface: string; filter: string; snapLen?: number; promiscuous?: boolean }): Promise<CaptureStatus> {
    return this.serial(async () => {
      if (this.capturing) throw new SessionError('busy', 'A capture is already running.');
      if (!(await this.mayDiscard())) return this.captureStatus();
      const before = this.capture;
      this.capture = { state: 'starting', interface: o.interface, filter: o.filter, captured: 0, dropped: 0, elapsed: 0 };
      this.changed();
      let live: LiveCapture;
      try {
        live = await LiveCapture.start(
          { ...o, stateDir: this.deps.stateDir, ...(this.deps.captureProgram !== undefined ? { program: this.deps.captureProgram } : {}) },
          { changed: () => this.changed(), died: (capture, problem) => this.captureDied(capture, problem) },
        );
      } catch (e) {
        this.capture = before;
        this.changed();
        throw e;
      }
      let decoder: DecoderApi | undefined;
      try {
        decoder = await this.newDecoder();
        await decoder.open(live.file, { follow: true });
      } catch (e) {
        await live.stop();
        await live.removeFiles();
        if (decoder) await this.retire(decoder);
        this.capture = before;
        this.changed();
        throw e;
      }
      await this.adopt(decoder, { kind: 'live', interface: o.interface, filter: o.filter }, live, live.folder);
      this.liveUnsaved = true;
      this.capture = { state: 'running', interface: o.interface, filter: o.filter, captured: 0, dropped: 0, elapsed: 0 };
      this.elapsedTimer = setInterval(() => this.changed(), 1000).unref();
      await this.carryView(this.displayFilter, this.sort);
      this.changed();
      return this.captureStatus();
    });
  }

  stopCapture(): Promise<CaptureStatus> {
    return this.serial(async () => {
      const live = this.live;
      if (!live || this.capture.state !== 'running') return this.captureStatus();
      this.capture = { ...this.capture, state: 'stopping' };
      this.changed();
      await live.stop();
      await this.captureEnded(live);
      return this.captureStatus();
    });
  }

  /** The program ended unasked: say so, and keep the packets it wrote. */
  private captureDied(live: LiveCapture, problem: { message: string; fix?: string }): void {
    void this.serial(async () => {
      if (this.live !== live || this.capture.state === 'idle') return;
      await this.captureEnded(live);
      this.emit('app.alert', { title: 'The capture stopped', ...problem });
    }).catch((e: Error) => this.log(`after the capture program ended: ${e.message}`));
  }

  /** Read the file to its end, stop following it, and go idle with the final counts. */
  private async captureEnded(live: LiveCapture): Promise<void> {
    clearInterval(this.elapsedTimer);
    this.elapsedTimer = undefined;
    const final = { captured: live.captured, dropped: live.dropped, elapsed: live.elapsed };
    const decoder = this.decoder;
    if (decoder) {
      try {
        await decoder.stopFollowing();
        this.counts = await decoder.counts();
      } catch (e) {
        this.log(`reading the end of the capture: ${(e as Error).message}`);
      }
    }
    this.capture = { ...this.capture, state: 'idle', ...final };
    this.changed();
  }

  private program(): { program?: string } {
    return this.deps.captureProgram !== undefined ? { program: this.deps.captureProgram } : {};
  }

  // ------------------------------------------------------------ packets (delegated to the decoder)

  rows(from: number, count: number): Promise<Row[]> {
    return this.requireCapture().rows(from, count);
  }

  indexOf(num: number): Promise<number> {
    return this.requireCapture().indexOf(num);
  }

  find(query: FindQuery): Promise<{ index: number; num: number } | null> {
    return this.requireCapture().find(query);
  }

  async setSort(order: SortOrder | null): Promise<SessionState> {
    const decoder = this.decoder;
    if (this.source.kind !== 'empty' && decoder) {
      await decoder.sort(order);
      const counts = await decoder.counts();
      if (this.decoder !== decoder) throw new SessionError('busy', 'Another capture was opened meanwhile.');
      this.counts = counts;
    }
    this.sort = order;
    this.changed();
    return this.state();
  }

  async checkFilter(text: string): Promise<FilterCheck> {
    return (await this.ensureDecoder()).checkFilter(text);
  }

  /** Apply a display filter (with no capture open it is checked and kept for the next one). */
  async applyFilter(text: string): Promise<SessionState> {
    const decoder = await this.ensureDecoder();
    const check = this.source.kind === 'empty' ? await decoder.checkFilter(text) : await decoder.applyFilter(text);
    if (!check.ok) throw new SessionError('bad-argument', `the display filter is not valid: ${check.problem.message}`);
    const counts = this.source.kind === 'empty' ? null : await decoder.counts();
    if (this.decoder !== decoder) throw new SessionError('busy', 'Another capture was opened meanwhile.');
    this.displayFilter = text;
    if (counts) this.counts = counts;
    if (text.trim() !== '') {
      await this.filters.add(text).catch((e: Error) => this.log(`the filter history could not be written: ${e.message}`));
    }
    this.changed();
    return this.state();
  }

  detail(num: number): Promise<PacketDetail> {
    return this.requireCapture().detail(num);
  }

  /** Edit a packet's comment; the session is unsaved until the next Save writes it. */
  async setComment(num: number, comment: string): Promise<PacketDetail> {
    const decoder = this.requireCapture();
    const detail = await decoder.setComment(num, comment);
    if (this.decoder === decoder) {
      this.editedComments.set(num, ++this.editStamp);
      this.changed();
    }
    return detail;
  }

  tcpdump(from: number, count: number, mode: TcpdumpMode): Promise<TcpdumpBlock[]> {
    return this.requireCapture().tcpdump(from, count, mode);
  }

  followTcp(stream: number): Promise<TcpStream> {
    return this.requireCapture().followTcp(stream);
  }

  wsConversations(): Promise<WsConversationSummary[]> {
    return this.requireCapture().wsConversations();
  }

  wsMessages(id: number): Promise<WsMessage[]> {
    return this.requireCapture().wsMessages(id);
  }

  // ------------------------------------------------------------ decoders

  private requireCapture(): DecoderApi {
    if (this.source.kind === 'empty' || !this.decoder) throw new SessionError('no-capture', 'No capture is open.');
    return this.decoder;
  }

  private refuseWhileCapturing(what: string): void {
    if (this.capturing) throw new SessionError('busy', `A capture is running: stop it before ${what}.`);
  }

  private async ensureDecoder(): Promise<DecoderApi> {
    if (!this.decoder) {
      const d = await this.newDecoder();
      if (this.decoder) await this.retire(d); // another call got there first
      else this.decoder = d;
    }
    return this.decoder!;
  }

  private async newDecoder(): Promise<DecoderApi> {
    if (this.disposed) throw new SessionError('internal', 'the window is closing');
    const spare = this.spare;
    this.spare = null;
    if (spare) {
      const d = await spare.catch(() => null);
      if (d) {
        this.prepareSpare();
        return d;
      }
    }
    try {
      const d = await this.startDecoder();
      this.prepareSpare();
      return d;
    } catch (e) {
      if (e instanceof SessionError || (e as Error)?.name === 'DecoderError') throw e;
      throw new SessionError('internal', `the decoder could not start: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  /** Start the next decoder in the background, so the next open has one ready. */
  private prepareSpare(): void {
    if (!this.keepSpare || this.spare || this.disposed) return;
    const spare = this.startDecoder();
    spare.catch((e: Error) => this.log(`a spare decoder did not start: ${e.message}`));
    this.spare = spare;
  }

  /**
   * Make `decoder` (already open on `source`) the session's, and retire the
   * previous source. `folder`: the capture folder the decoder reads (a live
   * or recovered capture), deleted when the session moves on from it.
   */
  private async adopt(decoder: DecoderApi, source: SessionSource, live: LiveCapture | null, folder: CaptureFolder | null = null): Promise<void> {
    if (this.disposed) {
      await this.retire(decoder);
      if (live) {
        await live.stop();
        await live.removeFiles();
      }
      // A recovered folder stays: it is this process's now, and offered again once this process is gone.
      throw new SessionError('internal', 'the window was closed');
    }
    const old = this.decoder;
    const oldFolder = this.folder;
    this.generationBase = this.state().generation + 1;
    this.decoder = decoder;
    this.live = live;
    this.folder = folder;
    this.source = source;
    this.fileFormat = null;
    this.resetUnsaved();
    this.counts = NO_COUNTS;
    decoder.onCounts((c) => {
      if (this.decoder !== decoder) return;
      const firstRows = this.counts.displayed === 0 && c.displayed > 0;
      this.counts = c;
      this.changed();
      // The first rows of a new source are sent at once, not after the throttle's interval: the list waits for them.
      if (firstRows) this.changes.flush();
    });
    this.counts = await decoder.counts();
    if (old) await this.retire(old);
    // The user agreed to move on (or saved), and the old decoder no longer reads the old capture's file.
    if (oldFolder) await oldFolder.remove().catch((e: Error) => this.log(`removing ${oldFolder.dir}: ${e.message}`));
  }

  /** Re-apply the display filter and sort on a new source; a filter that no longer compiles is dropped. */
  private async carryView(filter: string, sort: SortOrder | null): Promise<void> {
    const decoder = this.decoder!;
    let kept = filter;
    if (filter.trim() !== '') {
      const r = await decoder.applyFilter(filter);
      if (!r.ok) {
        this.log(`the display filter "${filter}" was dropped: ${r.problem.message}`);
        kept = '';
      }
    } else kept = '';
    if (sort) await decoder.sort(sort);
    this.displayFilter = kept;
    this.sort = sort;
    this.counts = await decoder.counts();
  }

  private async retire(decoder: DecoderApi): Promise<void> {
    try {
      await decoder.close();
    } catch (e) {
      this.log(`closing a decoder: ${(e as Error).message}`);
    }
    try {
      await decoder.terminate();
    } catch (e) {
      this.log(`stopping a decoder: ${(e as Error).message}`);
    }
  }

  /** Run `task` after the source-changing operations before it (a failure does not block the next one). */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  // ------------------------------------------------------------ end

  /**
   * The window is closing: stop everything, and delete the capture folder if
   * its packets are saved or the user agreed to drop them (mayDiscard). A
   * window closed without asking (a browser tab of the WebSocket bridge, a
   * failed question) keeps the folder: offered for recovery once this
   * process has ended, never dropped silently.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.changes.stop();
    clearInterval(this.elapsedTimer);
    const live = this.live;
    const folder = this.folder;
    const unsaved = this.unsavedPackets();
    const dropAgreed = unsaved === 0 || unsaved <= this.discardAgreed.packets;
    if (live?.running) await live.stop();
    if (this.decoder) await this.retire(this.decoder);
    this.decoder = null;
    const spare = this.spare;
    this.spare = null;
    if (spare) {
      const d = await spare.catch(() => null);
      if (d) await this.retire(d);
    }
    if (!folder) return;
    if (dropAgreed) await folder.remove().catch((e: Error) => this.log(`removing ${folder.dir}: ${e.message}`));
    else this.log(`${unsaved} unsaved packets are kept in ${folder.dir}: the next start of Paquet offers to recover them`);
  }
}
