/**
 * The one contract between the renderer and main: every request with its
 * arguments and reply, every event with its payload. The preload exposes
 * exactly this (invoke + on); main implements it once (main/ipc/handlers.ts);
 * the browser-test transport (a WebSocket on 127.0.0.1 with a token) carries
 * the same messages.
 *
 * Rules of the road:
 * - High-rate data never flows per packet: main sends `session.changed` a few
 *   times a second with counts; the renderer asks for the rows it shows by range.
 * - Indexes called `index` are positions in the displayed (filtered, sorted)
 *   list, 0-based; `num` is a frame number, 1-based, as in the No. column.
 * - Bytes travel as Uint8Array (structured clone in Electron; base64 on the
 *   WebSocket, see wire.ts).
 * - Every reply is either the value or an IpcError; handlers never throw
 *   across the boundary.
 */

// ---------------------------------------------------------------- rows

/** Wireshark-like default colouring rules, by name; the renderer maps names to colours per theme. */
export type RowColor =
  | 'bad' // malformed, expert errors, RST
  | 'tcp-problem' // retransmission, dup ACK, zero window, lost segment...
  | 'tcp-syn-fin' // SYN or FIN set
  | 'http'
  | 'websocket'
  | 'dns'
  | 'tls'
  | 'icmp'
  | 'arp'
  | 'udp'
  | 'tcp'
  | 'none';

/** One line of the packet list. */
export interface Row {
  readonly num: number;
  readonly time: string;
  readonly src: string;
  readonly dst: string;
  readonly protocol: string;
  readonly length: number;
  readonly info: string;
  readonly color: RowColor;
}

export type ColumnId = 'num' | 'time' | 'src' | 'dst' | 'protocol' | 'length' | 'info';
export const COLUMN_IDS: readonly ColumnId[] = ['num', 'time', 'src', 'dst', 'protocol', 'length', 'info'];

export interface SortOrder {
  readonly column: ColumnId;
  readonly descending: boolean;
}

// ---------------------------------------------------------------- detail

/** A node of the detail tree, flattened for transport: children follow their parent (pre-order). */
export interface TreeItem {
  /** Position in the pre-order list; stable for one packet's detail. */
  readonly id: number;
  /** Id of the parent item, -1 for a top-level layer. */
  readonly parent: number;
  readonly depth: number;
  /** The line as Wireshark's tree shows it (plain text, never HTML). */
  readonly label: string;
  /** Filter name of the field (`tcp.srcport`), empty for text-only items. */
  readonly field: string;
  /** Which byte source (index into PacketDetail.sources) the bytes are in. */
  readonly source: number;
  /** Byte range in that source; length 0 when the item covers no bytes. */
  readonly offset: number;
  readonly length: number;
  readonly hasChildren: boolean;
  readonly generated: boolean;
  /** An expert item or malformed marker: shown with a warning colour. */
  readonly severity?: 'chat' | 'note' | 'warn' | 'error';
}

/** A byte source: the frame (index 0) or reassembled/unmasked/decompressed data (its own tab in the hex pane). */
export interface ByteSource {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface PacketDetail {
  readonly num: number;
  readonly summary: Row;
  readonly items: readonly TreeItem[];
  readonly sources: readonly ByteSource[];
  /** Comments on the packet (pcapng opt_comment), editable. */
  readonly comments: readonly string[];
  /** The TCP stream index when the packet is TCP, for "Follow TCP stream". */
  readonly tcpStream?: number;
  /** The WebSocket conversation id when the packet carries WebSocket frames. */
  readonly wsConversation?: number;
}

// ---------------------------------------------------------------- filters

export interface FilterProblem {
  readonly message: string;
  /** 0-based column in the filter text where the fault starts, and its length (>= 1). */
  readonly start: number;
  readonly length: number;
  readonly suggestion?: string;
}

export type FilterCheck = { readonly ok: true } | { readonly ok: false; readonly problem: FilterProblem };

// ---------------------------------------------------------------- terminal (tcpdump view)

export type TcpdumpMode = 'A' | 'X' | 'websocket';

/** The tcpdump text of one displayed packet. */
export interface TcpdumpBlock {
  readonly num: number;
  readonly lines: readonly string[];
}

// ---------------------------------------------------------------- follow

export interface TcpStreamSegment {
  /** 0: client to server (the side that sent first), 1: server to client. */
  readonly dir: 0 | 1;
  readonly num: number;
  readonly bytes: Uint8Array;
  /** Bytes the capture lacks here (a gap in sequence numbers); `bytes` is then empty. Shown as "[N bytes missing in capture file]". */
  readonly missing?: number;
}

export interface TcpStream {
  readonly stream: number;
  /** "address:port" of each side; [0] is the client. */
  readonly endpoints: readonly [string, string];
  readonly segments: readonly TcpStreamSegment[];
  /** Bytes each way. */
  readonly totals: readonly [number, number];
}

export interface WsConversationSummary {
  readonly id: number;
  readonly tcpStream: number;
  readonly client: string;
  readonly server: string;
  /** The request line's target (`/` or `/chat`), when the Upgrade was seen. */
  readonly path: string;
  readonly messages: number;
}

export type WsOpcodeName = 'text' | 'binary' | 'close' | 'ping' | 'pong' | 'continuation' | 'reserved';

export interface WsMessage {
  /** 0-based position in the conversation. */
  readonly index: number;
  readonly dir: 'client' | 'server';
  /** Seconds since the first packet of the capture, and absolute epoch seconds. */
  readonly relTime: number;
  readonly epochTime: number;
  readonly opcode: WsOpcodeName;
  /** Size of the unmasked (and inflated) payload in bytes. */
  readonly size: number;
  /** UTF-8 text of a text message (or close reason); absent for binary. */
  readonly text?: string;
  /** The text re-indented when it parses as JSON. */
  readonly json?: string;
  /** Payload bytes for binary messages (at most 64 KiB; `truncated` says when cut). */
  readonly bytes?: Uint8Array;
  readonly truncated?: boolean;
  readonly closeCode?: number;
  readonly masked: boolean;
  readonly compressed: boolean;
  /** Frame numbers that carried this message (several when fragmented or split across segments). */
  readonly frames: readonly number[];
}

// ---------------------------------------------------------------- session and view

/** What a window shows, saved inside the pcapng on Save and restored on reopen. */
export interface ViewState {
  readonly displayFilter: string;
  readonly selected: number | null;
  /** Scroll position of the packet list in rows (first visible displayed index). */
  readonly scrollRow: number;
  readonly columnWidths: Partial<Record<ColumnId, number>>;
  /** Fractions (0..1) of the three stacked panes (list, detail, bytes) and the terminal's share. */
  readonly paneSizes: readonly number[];
  readonly sort: SortOrder | null;
  readonly terminalMode: TcpdumpMode;
}

export type SessionSource =
  | { readonly kind: 'empty' }
  | { readonly kind: 'file'; readonly path: string; readonly name: string }
  | { readonly kind: 'live'; readonly interface: string; readonly filter: string };

export interface CaptureStatus {
  readonly state: 'idle' | 'starting' | 'running' | 'stopping';
  readonly interface?: string;
  readonly filter?: string;
  /** Packets written by the capture program, and those the kernel or interface dropped. */
  readonly captured: number;
  readonly dropped: number;
  /** Seconds since Start. */
  readonly elapsed: number;
}

export interface SessionState {
  readonly source: SessionSource;
  /** Packets indexed so far, and those the display filter keeps. */
  readonly packets: number;
  readonly displayed: number;
  /** 0..1 while a file is being indexed or a filter applied; 1 when done. */
  readonly progress: number;
  /** What is in progress: 'indexing', 'filtering' or nothing. */
  readonly busy: 'indexing' | 'filtering' | null;
  readonly displayFilter: string;
  readonly sort: SortOrder | null;
  /** Packets exist that are in no saved file (a live capture not yet saved). */
  readonly unsaved: boolean;
  readonly capture: CaptureStatus;
  /** Problems found while reading (damaged file), as plain sentences. */
  readonly warnings: readonly string[];
  /** Bumped whenever rows already fetched may have changed (new filter, new sort, new file). */
  readonly generation: number;
}

export interface DeviceInfo {
  readonly name: string;
  readonly description: string | null;
  readonly addresses: readonly string[];
  readonly loopback: boolean;
  readonly up: boolean;
}

export interface AppInfo {
  readonly version: string;
  readonly electron: string | null;
  readonly chrome: string | null;
  readonly node: string;
  readonly libpcap: string | null;
  readonly platform: string;
}

export interface RecentFile {
  readonly path: string;
  readonly name: string;
}

/** Where a save or export went; `cancelled` when the user closed the dialog. */
export type SaveResult = { readonly saved: true; readonly path: string } | { readonly saved: false; readonly cancelled: true };

/** A live capture left behind by a window or app that ended before it was saved (crash, kill -9). */
export interface RecoverableCapture {
  readonly path: string;
  /** When its capture started (ms since the epoch), and its size on disk. */
  readonly startedMs: number;
  readonly bytes: number;
  readonly interface: string | null;
}

export interface FindQuery {
  readonly kind: 'filter' | 'string' | 'hex';
  readonly text: string;
  /** Search from this displayed index (exclusive), wrapping around. */
  readonly after: number;
  readonly backwards?: boolean;
}

// ---------------------------------------------------------------- errors

export type IpcErrorCode =
  | 'bad-argument' // failed validation in main
  | 'no-capture' // nothing is open
  | 'not-found' // no such packet / stream / conversation
  | 'busy'
  | 'file' // could not open/read/write a file
  | 'capture' // the capture program refused or failed
  | 'permission' // capture needs a privilege the user lacks; `fix` has the one command
  | 'internal';

/** Something main can do about an error when the user asks (a button in the error's dialog). */
export type IpcErrorAction = 'setup-permission';

export interface IpcError {
  readonly error: { readonly code: IpcErrorCode; readonly message: string; readonly fix?: string; readonly action?: IpcErrorAction };
}

export type Reply<T> = T | IpcError;

export function isIpcError(v: unknown): v is IpcError {
  return typeof v === 'object' && v !== null && 'error' in v && typeof (v as IpcError).error?.message === 'string';
}

// ---------------------------------------------------------------- requests

/** Renderer → main. Each entry: [arguments, reply]. Arguments are one plain object (or undefined). */
export interface Requests {
  'app.info': [undefined, AppInfo];
  'session.state': [undefined, SessionState];

  // Files. Paths reach main only from its own dialogs, its recent list, or a drop (the preload turns a dropped File into its path).
  'file.open': [undefined, SaveResult]; // shows the Open dialog; saved=true means opened
  'file.openRecent': [{ path: string }, SaveResult]; // must be in the recent list
  'file.openDropped': [{ path: string }, SaveResult];
  'file.recent': [undefined, RecentFile[]];
  'file.save': [{ as: boolean; view: ViewState }, SaveResult];
  'file.exportDisplayed': [{ view: ViewState }, SaveResult];
  /** Before close/quit/new capture: true when it is fine to drop the current packets (asks the user if unsaved). */
  'file.confirmDiscard': [undefined, boolean];
  /** Unsaved live captures found from earlier runs (offered once at start). */
  'file.recoverable': [undefined, RecoverableCapture[]];
  /** Open one of them as an unsaved capture (path must come from file.recoverable). */
  'file.recover': [{ path: string }, SaveResult];
  /** Delete one of them for good. */
  'file.discardRecoverable': [{ path: string }, boolean];

  // Live capture.
  'capture.devices': [undefined, DeviceInfo[]];
  'capture.checkFilter': [{ interface: string; filter: string }, FilterCheck];
  'capture.start': [{ interface: string; filter: string; snapLen?: number; promiscuous?: boolean }, CaptureStatus];
  'capture.stop': [undefined, CaptureStatus];
  /** The AppImage's one-time step (pkexec) that lets the capture program capture; offered by a permission error's action. */
  'capture.setupPermission': [undefined, { ok: boolean; message: string }];

  // The packet list.
  'rows.get': [{ from: number; count: number }, Row[]];
  /** Displayed index of a frame number, or -1 when the filter hides it. */
  'rows.indexOf': [{ num: number }, number];
  'rows.sort': [{ order: SortOrder | null }, SessionState];
  'rows.find': [FindQuery, { index: number; num: number } | null];

  // Display filter.
  'filter.check': [{ text: string }, FilterCheck];
  'filter.apply': [{ text: string }, SessionState];
  'filter.history': [undefined, string[]];

  // One packet.
  'packet.detail': [{ num: number }, PacketDetail];
  'packet.setComment': [{ num: number; comment: string }, PacketDetail];

  // Terminal pane: tcpdump text of displayed packets [from, from+count).
  'tcpdump.lines': [{ from: number; count: number; mode: TcpdumpMode }, TcpdumpBlock[]];

  // Follow.
  'follow.tcp': [{ stream: number }, TcpStream];
  'websocket.conversations': [undefined, WsConversationSummary[]];
  'websocket.messages': [{ id: number }, WsMessage[]];
  'websocket.export': [{ id: number }, SaveResult]; // JSON Lines, via the Save dialog
}

export type RequestName = keyof Requests;
export type RequestArgs<K extends RequestName> = Requests[K][0];
export type RequestReply<K extends RequestName> = Requests[K][1];

// ---------------------------------------------------------------- events

/** Menu items and accelerators handled in the renderer, so keyboard and menu share one path. */
export type MenuCommand =
  | 'open'
  | 'save'
  | 'saveAs'
  | 'exportDisplayed'
  | 'captureStartStop'
  | 'captureOptions'
  | 'captureRestart'
  | 'focusFilter'
  | 'goToPacket'
  | 'find'
  | 'followTcp'
  | 'followWebSocket'
  | 'editComment'
  | 'about';

/** Main → renderer. */
export interface Events {
  /** Counts, progress, capture status: at most a few times a second. */
  'session.changed': SessionState;
  'menu.command': { command: MenuCommand };
  /** A blocking problem for the user (permission needed, capture program died...). */
  'app.alert': { title: string; message: string; fix?: string };
  /** The view to restore after a file with a saved view was opened. */
  'view.restore': ViewState;
}

export type EventName = keyof Events;

/** The API the preload puts on `window.paquet`, and the WebSocket client implements. */
export interface PaquetApi {
  invoke<K extends RequestName>(name: K, args: RequestArgs<K>): Promise<Reply<RequestReply<K>>>;
  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void;
  /** Electron only: the path of a dropped File (webUtils.getPathForFile); undefined in a browser. */
  pathOfDroppedFile?(file: File): string | undefined;
}

export const REQUEST_NAMES: readonly RequestName[] = [
  'app.info', 'session.state',
  'file.open', 'file.openRecent', 'file.openDropped', 'file.recent', 'file.save', 'file.exportDisplayed', 'file.confirmDiscard',
  'file.recoverable', 'file.recover', 'file.discardRecoverable',
  'capture.devices', 'capture.checkFilter', 'capture.start', 'capture.stop', 'capture.setupPermission',
  'rows.get', 'rows.indexOf', 'rows.sort', 'rows.find',
  'filter.check', 'filter.apply', 'filter.history',
  'packet.detail', 'packet.setComment',
  'tcpdump.lines',
  'follow.tcp', 'websocket.conversations', 'websocket.messages', 'websocket.export',
];

export const EVENT_NAMES: readonly EventName[] = ['session.changed', 'menu.command', 'app.alert', 'view.restore'];

/** The Electron IPC channel for a request or event: one namespace, checked by the preload. */
export const CHANNEL_PREFIX = 'paquet:';

/** Limits main enforces on arguments (bigger is refused as bad-argument). */
export const LIMITS = {
  rowsPerRequest: 2000,
  tcpdumpPacketsPerRequest: 2000,
  filterChars: 4096,
  commentChars: 65536,
  pathChars: 4096,
} as const;
