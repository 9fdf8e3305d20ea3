/**
 * What the session (main thread) asks of the decoding worker. The worker owns
 * the capture file, its packet index, the dissection state, the display filter
 * and the sort; the main thread holds none of them, so it never dissects.
 *
 * Implemented by DecoderClient (main/worker/decoder-client.ts), which spawns
 * main/worker/decode-worker.ts in a worker_thread and proxies these calls as
 * messages. Every method rejects with a DecoderError (code + plain message)
 * rather than a raw exception.
 */
import type {
  FilterCheck, FindQuery, PacketDetail, Row, SortOrder, TcpStream, TcpdumpBlock, TcpdumpMode, ViewState,
  WsConversationSummary, WsMessage,
} from '../../shared/ipc/contract.js';

export interface DecoderCounts {
  /** Packets indexed (dissected once, in order) so far. */
  readonly packets: number;
  /** Packets the current display filter keeps (all indexed packets when no filter). */
  readonly displayed: number;
  /** 0..1; 1 when the file is indexed to its current end (and the filter applied). */
  readonly progress: number;
  readonly busy: 'indexing' | 'filtering' | null;
  /** Damage found while reading, as sentences naming the byte offset. */
  readonly warnings: readonly string[];
  /** Bumped when fetched rows may be stale (filter or sort changed, or a file opened). */
  readonly generation: number;
}

export interface OpenedCapture {
  readonly format: 'pcap' | 'pcapng';
  readonly gzip: boolean;
  /** The view saved by Paquet in this file (a pcapng custom block), if any. */
  readonly view: ViewState | null;
}

export interface DecoderApi {
  /**
   * Open a capture and start indexing it in the background (counts arrive
   * through onCounts). `follow`: the file is a live capture still being written;
   * the worker polls it for new packets until stopFollowing().
   */
  open(path: string, options: { follow: boolean }): Promise<OpenedCapture>;
  /** A live capture ended: read to the file's end once more, then stop polling. */
  stopFollowing(): Promise<void>;
  close(): Promise<void>;

  counts(): Promise<DecoderCounts>;
  /** Called at most every 100 ms while something changes (indexing, filtering, live packets). */
  onCounts(listener: (c: DecoderCounts) => void): void;

  rows(from: number, count: number): Promise<Row[]>;
  indexOf(num: number): Promise<number>;
  sort(order: SortOrder | null): Promise<void>;
  find(query: FindQuery): Promise<{ index: number; num: number } | null>;

  /** Compile only (no filtering). */
  checkFilter(text: string): Promise<FilterCheck>;
  /** Apply a display filter ('' for none); resolves when applied to every indexed packet. Live packets are filtered as they arrive. */
  applyFilter(text: string): Promise<FilterCheck>;

  detail(num: number): Promise<PacketDetail>;
  setComment(num: number, comment: string): Promise<PacketDetail>;
  tcpdump(from: number, count: number, mode: TcpdumpMode): Promise<TcpdumpBlock[]>;
  followTcp(stream: number): Promise<TcpStream>;
  wsConversations(): Promise<WsConversationSummary[]>;
  wsMessages(id: number): Promise<WsMessage[]>;
  /** The conversation as JSON Lines (one message object per line). */
  wsExport(id: number): Promise<string>;

  /**
   * Write pcapng atomically (temporary file in the same folder, fsync, rename):
   * every packet or only the displayed ones, with packet comments, and the view
   * in a custom block so reopening restores it.
   */
  save(path: string, options: { which: 'all' | 'displayed'; view: ViewState | null }): Promise<void>;

  terminate(): Promise<void>;
}

export type DecoderErrorCode = 'no-capture' | 'not-found' | 'file' | 'bad-argument' | 'internal';

export class DecoderError extends Error {
  constructor(
    readonly code: DecoderErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DecoderError';
  }
}
