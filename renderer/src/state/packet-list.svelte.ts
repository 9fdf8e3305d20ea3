import type { Row } from '../../../shared/ipc/contract';
import { RowCache, type FetchRows } from './row-cache.svelte';

export type RevealAlign = 'nearest' | 'center' | 'top' | 'bottom';

export interface ScrollRequest {
  readonly index: number;
  readonly align: RevealAlign;
  /** Distinguishes two requests for the same row (the second must still scroll). */
  readonly seq: number;
}

/**
 * What the packet list shares with the rest of the window: its rows, where
 * it is scrolled (ViewState.scrollRow), whether it follows a live capture,
 * and requests to scroll somewhere (go to packet, find, restore a view),
 * which PacketList carries out because only it knows its geometry.
 */
export class PacketListState {
  readonly cache: RowCache;
  /** First visible displayed index. */
  firstRow = $state(0);
  /** Keep the newest packet in view during a live capture; off when the user scrolls away from the end. */
  following = $state(true);
  request = $state.raw<ScrollRequest | null>(null);
  /** Bumped to move keyboard focus to the list. */
  focusSeq = $state(0);
  #seq = 0;

  constructor(fetch: FetchRows, onError: (message: string) => void) {
    this.cache = new RowCache(fetch, onError);
  }

  reveal(index: number, align: RevealAlign = 'nearest'): void {
    this.request = { index, align, seq: ++this.#seq };
  }

  row(index: number, displayed: number): Promise<Row | null> {
    return this.cache.row(index, displayed);
  }

  focus(): void {
    this.focusSeq++;
  }
}
