import {
  isIpcError,
  type FindQuery,
  type MenuCommand,
  type PaquetApi,
  type RecentFile,
  type RecoverableCapture,
  type SaveResult,
  type SessionState,
  type SortOrder,
  type ViewState,
} from '../../../shared/ipc/contract';
import { CommandGuard } from '../lib/command-guard';
import { formatCount } from '../lib/format';
import { Alerts } from './alerts.svelte';
import { CaptureSettings, type CaptureOptions } from './capture.svelte';
import { Ipc } from './ipc';
import { Layout } from './layout.svelte';
import { PacketListState, type RevealAlign } from './packet-list.svelte';
import { Selection } from './selection.svelte';
import { Session } from './session.svelte';

/** What covers the main area: a Follow view, or nothing. */
export type FollowTarget = { readonly kind: 'tcp'; readonly stream: number } | { readonly kind: 'ws'; readonly conversation: number | null };

export type FindKind = FindQuery['kind'];

/** The packet whose comment is being edited, and the text the dialog starts with. */
export interface CommentEdit {
  readonly num: number;
  readonly text: string;
  /** The packet has more than one comment (from a file); OK replaces them with this one. */
  readonly several: boolean;
}

/**
 * The window's state and the commands that change it. Toolbar buttons,
 * keyboard shortcuts and main's menu ('menu.command') all end up in `run`, so
 * each command has exactly one implementation.
 */
export class AppState {
  readonly alerts = new Alerts();
  readonly session = new Session();
  readonly layout = new Layout();
  readonly capture = new CaptureSettings();
  readonly ipc: Ipc;
  readonly selection: Selection;
  readonly list: PacketListState;

  /** The text in the display filter bar (what is typed, not necessarily applied). */
  filterText = $state('');
  follow = $state.raw<FollowTarget | null>(null);
  goToOpen = $state(false);
  findOpen = $state(false);
  /** A short message in the status bar ("Saved to ..."), cleared after a while. */
  notice = $state<string | null>(null);
  /** Bumped to focus the display filter input (Ctrl+/). */
  focusFilterSeq = $state(0);
  /** The comment dialog's subject; null when it is closed. */
  commentEdit = $state.raw<CommentEdit | null>(null);
  /** Live captures an earlier run left unsaved, offered at start until dismissed. */
  recoverable = $state.raw<readonly RecoverableCapture[]>([]);
  recoveryDismissed = $state(false);

  #guard = new CommandGuard<MenuCommand>();
  #appliedFilter = '';
  #noticeTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly api: PaquetApi) {
    this.ipc = new Ipc(api, this.alerts);
    this.selection = new Selection(this.ipc);
    this.list = new PacketListState(
      async (from, count) => {
        try {
          return await api.invoke('rows.get', { from, count });
        } catch (e) {
          return { error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
        }
      },
      (message) => this.alerts.push({ title: 'Could not read packets', message }),
    );
  }

  /** Follow TCP / WebSocket apply to the selected packet once its detail (which names the stream) is in. */
  get canFollowTcp(): boolean {
    return this.selection.detail?.tcpStream !== undefined;
  }

  get canFollowWs(): boolean {
    return this.selection.detail?.wsConversation !== undefined;
  }

  /** Subscribe to main's events and load the current session; returns the unsubscribe. */
  async start(): Promise<() => void> {
    this.layout.load();
    this.capture.load();
    const offs = [
      this.api.on('session.changed', (s) => this.onSession(s)),
      this.api.on('menu.command', ({ command }) => this.run(command)),
      this.api.on('app.alert', (a) => this.alerts.push(a)),
      this.api.on('view.restore', (v) => void this.restoreView(v)),
    ];
    const state = await this.ipc.call('session.state', undefined);
    if (state) this.onSession(state);
    void this.#findRecoverable();
    return () => offs.forEach((off) => off());
  }

  // ------------------------------------------------------------ session

  onSession(s: SessionState): void {
    const before = this.session.state;
    const oldKey = this.session.key;
    this.session.set(s);
    if (s.displayFilter !== this.#appliedFilter) {
      // Applied elsewhere (a restored view, another path in main): show it in the bar.
      this.#appliedFilter = s.displayFilter;
      this.filterText = s.displayFilter;
    }
    // A capture started again with the same interface and filter has the same key: its start counts too.
    const restarted = before.capture.state === 'idle' && s.capture.state !== 'idle';
    if (this.session.key !== oldKey || restarted) {
      // Another file or a new capture: start at the top, nothing selected, follow a live capture.
      this.selection.clear();
      this.follow = null;
      this.list.following = true;
      this.list.cache.reset(s.generation, true);
      this.list.reveal(0, 'top');
      return;
    }
    if (s.generation !== before.generation) {
      this.list.cache.reset(s.generation);
      void this.#relocateSelection();
    }
  }

  /** After a new filter or sort the selected packet moves (or hides): find it and keep it in view. */
  async #relocateSelection(): Promise<void> {
    const num = this.selection.num;
    if (num === null) return;
    const generation = this.session.state.generation;
    const index = await this.ipc.call('rows.indexOf', { num });
    if (index === null || this.selection.num !== num || this.session.state.generation !== generation) return;
    this.selection.index = index;
    if (index >= 0) this.list.reveal(index, 'center');
  }

  // ------------------------------------------------------------ selection

  /** Select the row at a displayed index (list clicks, keys, find). */
  async selectIndex(index: number, align: RevealAlign = 'nearest', known?: number): Promise<void> {
    const displayed = this.session.state.displayed;
    if (displayed === 0) return;
    const i = Math.max(0, Math.min(displayed - 1, index));
    this.list.reveal(i, align);
    const num = known ?? (await this.list.row(i, displayed))?.num;
    if (num !== undefined) this.selection.select(num, i);
  }

  /** Select a packet by number (terminal, follow views, go to packet). Returns a message when it can't be shown. */
  async selectNum(num: number, align: RevealAlign = 'center'): Promise<string | null> {
    const index = await this.ipc.call('rows.indexOf', { num });
    if (index === null) return 'Paquet could not look this packet up.';
    if (index < 0) {
      const total = this.session.state.packets;
      if (num < 1 || num > total) return `There is no packet ${num}: the capture has ${formatCount(total)} packets.`;
      return `Packet ${num} is hidden by the display filter.`;
    }
    this.selection.select(num, index);
    this.list.reveal(index, align);
    return null;
  }

  // ------------------------------------------------------------ filter, sort, find

  async applyFilter(text: string): Promise<boolean> {
    const reply = await this.ipc.call('filter.apply', { text });
    if (!reply) return false;
    this.#appliedFilter = reply.displayFilter;
    this.filterText = text;
    this.onSession(reply);
    return true;
  }

  async sort(order: SortOrder | null): Promise<void> {
    const reply = await this.ipc.call('rows.sort', { order });
    if (reply) this.onSession(reply);
  }

  /** Find from the selection; returns a message for the find bar (not found, bad filter) or null when found. */
  async find(kind: FindKind, text: string, backwards = false): Promise<string | null> {
    if (!text.trim()) return 'Type what to look for.';
    const displayed = this.session.state.displayed;
    const current = this.selection.index ?? -1;
    const after = current >= 0 ? current : backwards ? displayed : -1;
    let reply: unknown;
    try {
      reply = await this.api.invoke('rows.find', { kind, text, after, ...(backwards ? { backwards } : {}) });
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
    if (isIpcError(reply)) return reply.error.message;
    if (reply === null) return 'No match.';
    const found = reply as { index: number; num: number };
    await this.selectIndex(found.index, 'center', found.num);
    return null;
  }

  // ------------------------------------------------------------ files

  gatherView(): ViewState {
    const s = this.session.state;
    return {
      displayFilter: s.displayFilter,
      selected: this.selection.num,
      scrollRow: this.list.firstRow,
      columnWidths: { ...this.layout.columnWidths },
      paneSizes: this.layout.paneSizes(),
      sort: s.sort,
      terminalMode: this.layout.terminalMode,
    };
  }

  async restoreView(view: ViewState): Promise<void> {
    // The new file's session first, so its arrival doesn't reset what we restore.
    const state = await this.ipc.call('session.state', undefined);
    if (state) this.onSession(state);
    this.layout.setColumnWidths(view.columnWidths);
    this.layout.applyPaneSizes(view.paneSizes);
    this.layout.terminalMode = view.terminalMode;
    this.layout.save();
    const s = this.session.state;
    if (view.displayFilter !== s.displayFilter) await this.applyFilter(view.displayFilter);
    else this.filterText = view.displayFilter;
    const sort = this.session.state.sort;
    if (JSON.stringify(view.sort) !== JSON.stringify(sort)) await this.sort(view.sort);
    this.list.following = false;
    this.list.reveal(Math.max(0, view.scrollRow), 'top');
    if (view.selected !== null) {
      const index = await this.ipc.call('rows.indexOf', { num: view.selected });
      if (index !== null && index >= 0) this.selection.select(view.selected, index);
    }
  }

  /** An error dialog's action button: the AppImage's permission step, its outcome shown as the next alert. */
  async runAlertAction(action: 'setup-permission'): Promise<void> {
    const r = await this.ipc.call('capture.setupPermission', undefined);
    if (r) this.alerts.push({ title: r.ok ? 'Capture permission set up' : 'Capture permission not set up', message: r.message });
  }

  async open(): Promise<void> {
    this.#reportSave(await this.ipc.call('file.open', undefined), 'Opened');
  }

  /** The recent files list; an error only means there is nothing to offer. */
  async recentFiles(): Promise<RecentFile[]> {
    const list = await this.#quietly('file.recent', undefined);
    return Array.isArray(list) ? list : [];
  }

  async openRecent(path: string): Promise<void> {
    this.#reportSave(await this.ipc.call('file.openRecent', { path }), 'Opened');
  }

  /** A file dropped on the window: only the desktop app can turn it into a path main may open. */
  async openDropped(file: File): Promise<void> {
    const path = this.api.pathOfDroppedFile?.(file);
    if (!path) {
      this.alerts.push({
        title: 'Open the file instead',
        message: `Dropping a file (${file.name}) needs the Paquet desktop app; in a browser, use Open (Ctrl+O).`,
      });
      return;
    }
    this.#reportSave(await this.ipc.call('file.openDropped', { path }), 'Opened');
  }

  async save(as: boolean): Promise<void> {
    this.#reportSave(await this.ipc.call('file.save', { as, view: this.gatherView() }), 'Saved to');
  }

  async exportDisplayed(): Promise<void> {
    this.#reportSave(await this.ipc.call('file.exportDisplayed', { view: this.gatherView() }), 'Exported to');
  }

  #reportSave(result: SaveResult | null, verb: string): void {
    if (result?.saved) this.showNotice(`${verb} ${result.path}`);
  }

  /**
   * A request whose failure the user need not hear about: the reply, or null
   * when main refused or is an older one without this request.
   */
  async #quietly<K extends 'file.recent' | 'file.recoverable'>(name: K, args: undefined): Promise<unknown> {
    try {
      const reply = await this.api.invoke(name, args);
      return isIpcError(reply) ? null : reply;
    } catch (e) {
      console.warn(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  }

  // ------------------------------------------------------------ comments

  /** Packet Comment…: open the dialog on the selected packet's comment. */
  async editComment(): Promise<void> {
    const num = this.selection.num;
    if (num === null) {
      this.showNotice('Select a packet to comment on it.');
      return;
    }
    const shown = this.selection.detail;
    const detail = shown?.num === num ? shown : await this.ipc.call('packet.detail', { num });
    if (!detail || this.selection.num !== num) return;
    this.commentEdit = { num, text: detail.comments.join('\n'), several: detail.comments.length > 1 };
  }

  /** Set (or with '', remove) a packet's comment; the tree shows it at once, Save writes it. */
  async saveComment(num: number, comment: string): Promise<boolean> {
    const detail = await this.ipc.call('packet.setComment', { num, comment });
    if (!detail) return false;
    this.selection.refresh(detail);
    this.commentEdit = null;
    this.showNotice(comment === '' ? `Comment removed from packet ${num}.` : `Comment set on packet ${num}: Save writes it into the file.`);
    return true;
  }

  // ------------------------------------------------------------ recovery

  /** At start: captures an earlier run left unsaved. Nothing is shown when main has none (or can't tell). */
  async #findRecoverable(): Promise<void> {
    const list = await this.#quietly('file.recoverable', undefined);
    if (Array.isArray(list)) this.recoverable = list as RecoverableCapture[];
  }

  async recover(path: string): Promise<void> {
    const result = await this.ipc.call('file.recover', { path });
    if (result === null) {
      // Refused (the alert says why): another window may have taken it; show what is left.
      await this.#findRecoverable();
      return;
    }
    if (!result.saved) return; // the user kept the packets already open
    this.recoverable = this.recoverable.filter((c) => c.path !== path);
    // The user now looks at it; any others wait for the next start.
    this.recoveryDismissed = true;
    this.showNotice(`Recovered ${result.path}: Save keeps these packets.`);
  }

  async discardRecoverable(path: string): Promise<void> {
    const done = await this.ipc.call('file.discardRecoverable', { path });
    if (done === null) await this.#findRecoverable();
    else this.recoverable = this.recoverable.filter((c) => c.path !== path);
  }

  dismissRecovery(): void {
    this.recoveryDismissed = true;
  }

  get recoveryOpen(): boolean {
    return !this.recoveryDismissed && this.recoverable.length > 0;
  }

  // ------------------------------------------------------------ capture

  /** 'cancelled': the user chose to keep unsaved packets; 'failed': an alert says why. */
  async startCapture(options: CaptureOptions): Promise<'started' | 'cancelled' | 'failed'> {
    const status = await this.ipc.call('capture.start', {
      interface: options.interface,
      filter: options.filter,
      snapLen: options.snapLen,
      promiscuous: options.promiscuous,
    });
    if (!status) return 'failed';
    this.capture.remember(options);
    // 'idle' back from a start: the user declined to discard the unsaved packets.
    return status.state === 'idle' ? 'cancelled' : 'started';
  }

  async stopCapture(): Promise<void> {
    await this.ipc.call('capture.stop', undefined);
  }

  async startStop(): Promise<void> {
    if (this.session.capturing) return this.stopCapture();
    const last = this.capture.last;
    if (last) await this.startCapture(last);
    else this.capture.dialogOpen = true;
  }

  async restart(): Promise<void> {
    const last = this.capture.last;
    if (!last) {
      this.capture.dialogOpen = true;
      return;
    }
    if (this.session.capturing) await this.stopCapture();
    await this.startCapture(last);
  }

  // ------------------------------------------------------------ commands

  /** One entry for keys, toolbar and menu; a duplicate of the command just run is dropped (see CommandGuard). */
  run(command: MenuCommand): void {
    if (!this.#guard.admit(command)) return;
    switch (command) {
      case 'open':
        void this.open();
        break;
      case 'save':
        void this.save(false);
        break;
      case 'saveAs':
        void this.save(true);
        break;
      case 'exportDisplayed':
        void this.exportDisplayed();
        break;
      case 'captureStartStop':
        void this.startStop();
        break;
      case 'captureOptions':
        this.capture.dialogOpen = true;
        break;
      case 'captureRestart':
        void this.restart();
        break;
      case 'focusFilter':
        this.focusFilterSeq++;
        break;
      case 'goToPacket':
        this.goToOpen = true;
        break;
      case 'find':
        this.findOpen = true;
        break;
      case 'followTcp':
        this.followTcp();
        break;
      case 'followWebSocket':
        this.followWebSocket();
        break;
      case 'editComment':
        void this.editComment();
        break;
      case 'about':
        void this.about();
        break;
    }
  }

  followTcp(): void {
    const stream = this.selection.detail?.tcpStream;
    if (stream === undefined) {
      this.showNotice('Select a TCP packet to follow its stream.');
      return;
    }
    this.follow = { kind: 'tcp', stream };
  }

  followWebSocket(): void {
    this.follow = { kind: 'ws', conversation: this.selection.detail?.wsConversation ?? null };
  }

  closeFollow(): void {
    this.follow = null;
    this.list.focus();
  }

  toggleTerminal(): void {
    this.layout.terminalOpen = !this.layout.terminalOpen;
    this.layout.save();
  }

  async about(): Promise<void> {
    const info = await this.ipc.call('app.info', undefined);
    if (!info) return;
    const parts = [
      `Paquet ${info.version}`,
      info.electron ? `Electron ${info.electron}` : null,
      info.chrome ? `Chromium ${info.chrome}` : null,
      `Node ${info.node}`,
      info.libpcap ? info.libpcap : null,
      info.platform,
    ].filter((p): p is string => p !== null);
    this.alerts.push({ title: 'About Paquet', message: parts.join('\n') });
  }

  showNotice(text: string): void {
    this.notice = text;
    if (this.#noticeTimer !== null) clearTimeout(this.#noticeTimer);
    this.#noticeTimer = setTimeout(() => {
      this.notice = null;
      this.#noticeTimer = null;
    }, 6000);
  }
}
