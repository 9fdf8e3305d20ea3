/**
 * Packet comments at the top of the detail tree, as Wireshark shows them: a
 * "Packet comments" item (Wireshark's pkt_comment protocol) with one
 * frame.comment line per comment, before the Frame layer.
 *
 * The comments travel in PacketDetail.comments, outside the dissected items,
 * so the renderer puts the section in front and renumbers the other items
 * (ids stay positions in the list, as the tree, the selection and the hex
 * pane expect).
 */
import type { PacketDetail, TreeItem } from '../../../../shared/ipc/contract.js';

/** The section's field name: its expanded state is remembered under it, like a layer's. */
export const COMMENT_SECTION_FIELD = 'pkt_comment';
export const COMMENT_FIELD = 'frame.comment';

/** A comment on one tree line: line breaks shown as `\n`, as Wireshark's tree does. */
export function commentLabel(comment: string): string {
  return comment.replace(/\r\n|\r|\n/g, '\\n');
}

function textItem(id: number, parent: number, label: string, field: string, hasChildren: boolean): TreeItem {
  return { id, parent, depth: parent < 0 ? 0 : 1, label, field, source: 0, offset: 0, length: 0, hasChildren, generated: false };
}

/** The detail with its comments as the tree's first section; unchanged when it has none. */
export function withCommentSection(detail: PacketDetail): PacketDetail {
  const comments = detail.comments;
  if (comments.length === 0) return detail;
  const shift = comments.length + 1;
  const section = [
    textItem(0, -1, 'Packet comments', COMMENT_SECTION_FIELD, true),
    ...comments.map((c, i) => textItem(i + 1, 0, commentLabel(c), COMMENT_FIELD, false)),
  ];
  const items = detail.items.map((it) => ({ ...it, id: it.id + shift, parent: it.parent >= 0 ? it.parent + shift : -1 }));
  return { ...detail, items: [...section, ...items] };
}
