import type { PacketDetail, TreeItem } from '../../../shared/ipc/contract';
import { itemAtByte } from '../lib/byte-to-item';
import { withCommentSection } from '../lib/format/comment-items';
import type { Ipc } from './ipc';

export interface ByteRange {
  readonly source: number;
  readonly offset: number;
  readonly length: number;
}

/**
 * The selected packet, its decoded detail, and the selected tree item.
 *
 * The detail is fetched when the selection changes; replies arrive out of
 * order when the user runs down the list with the arrow keys, so each request
 * carries a token and only the newest one's reply is kept. Like Wireshark,
 * the selected field (e.g. `tcp.srcport`) stays selected in the next packet
 * when that packet has it.
 */
export class Selection {
  num = $state<number | null>(null);
  /** Displayed index of `num`; -1 when the display filter hides it; null when unknown. */
  index = $state<number | null>(null);
  detail = $state.raw<PacketDetail | null>(null);
  /** Id of the selected tree item in `detail.items`. */
  item = $state<number | null>(null);

  /** The bytes of the selected tree item, for the hex pane. */
  readonly highlight: ByteRange | null = $derived.by(() => {
    const it = this.#itemOf(this.item);
    return it && it.length > 0 ? { source: it.source, offset: it.offset, length: it.length } : null;
  });

  #field: string | null = null;
  #token = 0;

  constructor(private readonly ipc: Ipc) {}

  select(num: number | null, index: number | null): void {
    this.index = index;
    if (num === this.num) return;
    this.num = num;
    void this.#load(num);
  }

  clear(): void {
    this.select(null, null);
  }

  /** Show a packet's new detail (its comment changed), or fetch it again. */
  refresh(detail?: PacketDetail): void {
    if (detail && detail.num === this.num) {
      this.#token++; // a fetch still on its way has the old detail
      this.#show(detail);
    } else void this.#load(this.num);
  }

  selectItem(id: number | null): void {
    this.item = id;
    const field = this.#itemOf(id)?.field;
    this.#field = field ? field : null;
  }

  /** A click in the hex pane selects the deepest item covering that byte (the tree expands to it). */
  selectByte(source: number, offset: number): void {
    const items = this.detail?.items;
    if (!items) return;
    const id = itemAtByte(items, source, offset);
    if (id !== null) this.selectItem(id);
  }

  async #load(num: number | null): Promise<void> {
    const token = ++this.#token;
    if (num === null) {
      this.detail = null;
      this.item = null;
      return;
    }
    const detail = await this.ipc.call('packet.detail', { num });
    if (token !== this.#token) return; // the user has moved on; a newer request owns the pane
    if (detail) {
      this.#show(detail);
    } else {
      this.detail = null;
      this.item = null;
    }
  }

  /** The detail as the panes show it: comments first (item ids shift), the same field selected. */
  #show(received: PacketDetail): void {
    const detail = withCommentSection(received);
    this.detail = detail;
    this.item = sameField(detail.items, this.#field);
  }

  #itemOf(id: number | null): TreeItem | undefined {
    return id === null ? undefined : this.detail?.items[id];
  }
}

function sameField(items: readonly TreeItem[], field: string | null): number | null {
  if (!field) return null;
  return items.find((it) => it.field === field)?.id ?? null;
}
