/**
 * Stand-ins for the session's collaborators: a decoder that pretends (no
 * worker, no dissection), dialogs that answer from a script, and an event
 * recorder. They record what they were asked so tests can check it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  AppInfo, EventName, Events, FilterCheck, FindQuery, PacketDetail, Row, SortOrder, TcpStream, TcpdumpBlock, TcpdumpMode,
  ViewState, WsConversationSummary, WsMessage,
} from '../../shared/ipc/contract.js';
import { DecoderError, type DecoderApi, type DecoderCounts, type OpenedCapture } from '../../main/worker/decoder-api.js';
import type { Dialogs } from '../../main/session/dialogs.js';

export const VIEW: ViewState = {
  displayFilter: 'tcp',
  selected: 3,
  scrollRow: 0,
  columnWidths: { num: 60, info: 400 },
  paneSizes: [0.5, 0.3, 0.2],
  sort: { column: 'length', descending: true },
  terminalMode: 'A',
};

export interface DecoderCall {
  readonly method: string;
  readonly args: readonly unknown[];
}

/** What every FakeDecoder made in a test did (to see which decoder was used, retired...). */
export class DecoderLog {
  readonly decoders: FakeDecoder[] = [];
  /** Saved views by path: open() returns them, as a pcapng with Paquet's custom block would. */
  readonly views = new Map<string, ViewState>();
  /** Packets each opened file has; 37 when not listed. */
  readonly packetsOf = new Map<string, number>();

  start = async (): Promise<DecoderApi> => {
    const d = new FakeDecoder(this);
    this.decoders.push(d);
    return d;
  };

  get last(): FakeDecoder {
    const d = this.decoders[this.decoders.length - 1];
    if (!d) throw new Error('no decoder was started');
    return d;
  }

  get live(): FakeDecoder[] {
    return this.decoders.filter((d) => !d.terminated);
  }
}

export class FakeDecoder implements DecoderApi {
  readonly calls: DecoderCall[] = [];
  path: string | null = null;
  following = false;
  terminated = false;
  packets = 0;
  filter = '';
  generation = 0;
  private listeners: ((c: DecoderCounts) => void)[] = [];

  constructor(private readonly log: DecoderLog) {}

  private note(method: string, ...args: unknown[]): void {
    if (this.terminated) throw new DecoderError('internal', `${method} after terminate`);
    this.calls.push({ method, args });
  }

  called(method: string): DecoderCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  private requireOpen(): void {
    if (this.path === null) throw new DecoderError('no-capture', 'no capture is open');
  }

  private get displayed(): number {
    return this.filter === '' ? this.packets : Math.floor(this.packets / 2);
  }

  /** Pretend packets arrived (live capture) and tell the listeners, as the worker would. */
  grow(by: number): void {
    this.packets += by;
    const c = this.snapshot();
    for (const l of this.listeners) l(c);
  }

  private snapshot(): DecoderCounts {
    return { packets: this.packets, displayed: this.displayed, progress: 1, busy: null, warnings: [], generation: this.generation };
  }

  async open(path: string, options: { follow: boolean }): Promise<OpenedCapture> {
    this.note('open', path, options);
    if (/broken/.test(path)) throw new DecoderError('file', `${path} is not a capture file (unknown magic number)`);
    this.path = path;
    this.following = options.follow;
    this.packets = options.follow ? 0 : (this.log.packetsOf.get(path) ?? 37);
    this.generation = 1;
    return { format: /\.pcap$/.test(path) ? 'pcap' : 'pcapng', gzip: /\.gz$/.test(path), view: this.log.views.get(path) ?? null };
  }

  async stopFollowing(): Promise<void> {
    this.note('stopFollowing');
    this.following = false;
  }

  async close(): Promise<void> {
    this.note('close');
    this.path = null;
  }

  async counts(): Promise<DecoderCounts> {
    this.note('counts');
    return this.snapshot();
  }

  onCounts(listener: (c: DecoderCounts) => void): void {
    this.listeners.push(listener);
  }

  async rows(from: number, count: number): Promise<Row[]> {
    this.note('rows', from, count);
    this.requireOpen();
    const out: Row[] = [];
    for (let i = from; i < Math.min(from + count, this.displayed); i++) {
      out.push({ num: i + 1, time: '0.000000', src: '127.0.0.1', dst: '127.0.0.1', protocol: 'TCP', length: 60, info: `packet ${i + 1}`, color: 'tcp' });
    }
    return out;
  }

  async indexOf(num: number): Promise<number> {
    this.note('indexOf', num);
    this.requireOpen();
    return num <= this.displayed ? num - 1 : -1;
  }

  async sort(order: SortOrder | null): Promise<void> {
    this.note('sort', order);
    this.generation++;
  }

  async find(query: FindQuery): Promise<{ index: number; num: number } | null> {
    this.note('find', query);
    this.requireOpen();
    return query.text === 'nothing' ? null : { index: query.after + 1, num: query.after + 2 };
  }

  async checkFilter(text: string): Promise<FilterCheck> {
    this.note('checkFilter', text);
    return text.includes('((')
      ? { ok: false, problem: { message: 'unbalanced parenthesis', start: text.indexOf('(('), length: 2 } }
      : { ok: true };
  }

  async applyFilter(text: string): Promise<FilterCheck> {
    this.note('applyFilter', text);
    this.requireOpen();
    const check = await this.checkFilter(text);
    if (check.ok) {
      this.filter = text;
      this.generation++;
    }
    return check;
  }

  async detail(num: number): Promise<PacketDetail> {
    this.note('detail', num);
    this.requireOpen();
    if (num > this.packets) throw new DecoderError('not-found', `there is no packet ${num}`);
    const summary: Row = { num, time: '0.000000', src: 'a', dst: 'b', protocol: 'TCP', length: 4, info: '', color: 'tcp' };
    return { num, summary, items: [], sources: [{ name: 'Frame', bytes: new Uint8Array([1, 2, 3, 4]) }], comments: [] };
  }

  async setComment(num: number, comment: string): Promise<PacketDetail> {
    this.note('setComment', num, comment);
    const d = await this.detail(num);
    return { ...d, comments: [comment] };
  }

  async tcpdump(from: number, count: number, mode: TcpdumpMode): Promise<TcpdumpBlock[]> {
    this.note('tcpdump', from, count, mode);
    this.requireOpen();
    return [{ num: from + 1, lines: [`line in mode ${mode}`] }];
  }

  async followTcp(stream: number): Promise<TcpStream> {
    this.note('followTcp', stream);
    this.requireOpen();
    if (stream > 0) throw new DecoderError('not-found', `there is no TCP stream ${stream}`);
    return { stream, endpoints: ['127.0.0.1:1', '127.0.0.1:2'], segments: [{ dir: 0, num: 1, bytes: new Uint8Array([104, 105]) }], totals: [2, 0] };
  }

  async wsConversations(): Promise<WsConversationSummary[]> {
    this.note('wsConversations');
    this.requireOpen();
    return [{ id: 0, tcpStream: 0, client: '127.0.0.1:1', server: '127.0.0.1:2', path: '/', messages: 1 }];
  }

  async wsMessages(id: number): Promise<WsMessage[]> {
    this.note('wsMessages', id);
    this.requireOpen();
    if (id !== 0) throw new DecoderError('not-found', `there is no WebSocket conversation ${id}`);
    return [];
  }

  async wsExport(id: number): Promise<string> {
    this.note('wsExport', id);
    this.requireOpen();
    if (id !== 0) throw new DecoderError('not-found', `there is no WebSocket conversation ${id}`);
    return '{"dir":"client","text":"hi, all !"}\n';
  }

  async save(path: string, options: { which: 'all' | 'displayed'; view: ViewState | null }): Promise<void> {
    this.note('save', path, options);
    this.requireOpen();
    writeFileSync(path, `fake pcapng (${options.which})`);
  }

  async terminate(): Promise<void> {
    this.calls.push({ method: 'terminate', args: [] });
    this.terminated = true;
  }
}

/** Dialogs answering from queues; an empty queue means "cancelled" (or "no" for confirmDiscard). */
export class FakeDialogs implements Dialogs {
  readonly asked: { dialog: keyof Dialogs; arg?: unknown; comments?: number }[] = [];
  openAnswers: (string | null)[] = [];
  saveAnswers: (string | null)[] = [];
  jsonAnswers: (string | null)[] = [];
  confirmAnswers: boolean[] = [];

  asks(dialog: keyof Dialogs): unknown[] {
    return this.asked.filter((a) => a.dialog === dialog).map((a) => a.arg);
  }

  async openCapture(): Promise<string | null> {
    this.asked.push({ dialog: 'openCapture' });
    return this.openAnswers.shift() ?? null;
  }

  async saveCapture(defaultName: string): Promise<string | null> {
    this.asked.push({ dialog: 'saveCapture', arg: defaultName });
    return this.saveAnswers.shift() ?? null;
  }

  async saveJsonLines(defaultName: string): Promise<string | null> {
    this.asked.push({ dialog: 'saveJsonLines', arg: defaultName });
    return this.jsonAnswers.shift() ?? null;
  }

  /** The `comments` argument of each confirmDiscard question (0 when absent). */
  discardComments(): number[] {
    return this.asked.filter((a) => a.dialog === 'confirmDiscard').map((a) => a.comments ?? 0);
  }

  async confirmDiscard(packets: number, comments?: number): Promise<boolean> {
    this.asked.push({ dialog: 'confirmDiscard', arg: packets, ...(comments ? { comments } : {}) });
    return this.confirmAnswers.shift() ?? false;
  }
}

export interface Recorded {
  readonly name: EventName;
  readonly payload: unknown;
}

export class EventRecorder {
  readonly events: Recorded[] = [];

  emit = <K extends EventName>(name: K, payload: Events[K]): void => {
    this.events.push({ name, payload });
  };

  of<K extends EventName>(name: K): Events[K][] {
    return this.events.filter((e) => e.name === name).map((e) => e.payload as Events[K]);
  }

  /** Resolves once `test` holds for a recorded event of `name` (bounded by `ms`). */
  async waitFor<K extends EventName>(name: K, test: (p: Events[K]) => boolean, ms = 5000): Promise<Events[K]> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const hit = this.of(name).find(test);
      if (hit !== undefined) return hit;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no ${name} event matched within ${ms} ms; got ${JSON.stringify(this.of(name)).slice(0, 500)}`);
  }
}

export const APP_INFO: AppInfo = { version: '0.1.0', electron: null, chrome: null, node: process.versions.node, libpcap: null, platform: process.platform };

/** A temporary folder holding a few files, removed by cleanup(). */
export function scratch(prefix = 'paquet-h3-'): { dir: string; file(name: string, content?: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file(name, content = 'not really a capture') {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
