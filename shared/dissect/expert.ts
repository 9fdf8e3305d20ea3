/**
 * Expert info and the malformed marker, as Wireshark's `_ws.*` fields, so
 * `_ws.malformed` and `_ws.expert` work in filters and -T fields.
 */
import { fields } from './field.js';
import { escapeString } from '../format/field-text.js';
import type { Tree } from './tree.js';
import type { Tvb } from './tvb.js';

export const enum Severity {
  Comment = 0x00100000,
  Chat = 0x00200000,
  Note = 0x00400000,
  Warning = 0x00600000,
  Error = 0x00800000,
}

export const SEVERITY_NAMES: Record<number, string> = {
  [Severity.Comment]: 'Comment',
  [Severity.Chat]: 'Chat',
  [Severity.Note]: 'Note',
  [Severity.Warning]: 'Warning',
  [Severity.Error]: 'Error',
};

export const GROUPS = {
  Checksum: 0x01000000,
  Sequence: 0x02000000,
  ResponseCode: 0x03000000,
  RequestCode: 0x04000000,
  Undecoded: 0x05000000,
  Reassemble: 0x06000000,
  Malformed: 0x07000000,
  Debug: 0x08000000,
  Protocol: 0x09000000,
  Security: 0x0a000000,
  Comments: 0x0b000000,
  Decryption: 0x0c000000,
  Assumption: 0x0d000000,
  Deprecated: 0x0e000000,
} as const;

const GROUP_NAMES: Record<number, string> = Object.fromEntries(Object.entries(GROUPS).map(([name, value]) => [value, name]));

export const hfWs = fields({
  expert: { abbrev: '_ws.expert', name: 'Expert Info', type: 'none' },
  message: { abbrev: '_ws.expert.message', name: 'Message', type: 'string' },
  severity: { abbrev: '_ws.expert.severity', name: 'Severity level', type: 'uint32', base: 'none', strings: SEVERITY_NAMES },
  group: { abbrev: '_ws.expert.group', name: 'Group', type: 'uint32', base: 'none', strings: GROUP_NAMES },
  malformed: { abbrev: '_ws.malformed', name: 'Malformed Packet', type: 'protocol' },
  // The expert fields of a layer that threw: tshark's -V shows them under the expert item.
  malformedExpert: { abbrev: '_ws.malformed.expert', name: 'Malformed Packet (Exception occurred)', type: 'none' },
  dissectorBug: { abbrev: '_ws.malformed.dissector_bug', name: 'Dissector bug', type: 'none' },
  shortData: { abbrev: '_ws.short', name: 'Short Frame', type: 'protocol' },
  strayCharacters: { abbrev: '_ws.string.trailing_stray_characters', name: 'Trailing stray characters', type: 'none' },
  text: { abbrev: 'text', name: 'Text item', type: 'none' },
});

/**
 * Attach an expert item under `tree`, shaped as Wireshark does: an `_ws.expert` item
 * holding the protocol's own expert field (e.g. tcp.analysis.retransmission, when
 * `def` is given) so filters on that name match, then the message, severity and group.
 * An expert of the Malformed group also marks the packet `_ws.malformed`, as in Wireshark.
 */
export function addExpert(
  tree: Tree,
  tvb: Tvb,
  offset: number,
  length: number,
  severity: Severity,
  group: number,
  message: string,
  def?: Parameters<Tree['add']>[0],
): void {
  // A filter's pruned tree builds the items only when it names one of them.
  if (!tree.wantsAny(hfWs) && (def === undefined || !tree.wants(def))) return;
  // Wireshark keeps the message as it is shown: control characters already escaped.
  const label = escapeString(message);
  const item = tree.addGenerated(hfWs.expert, tvb, offset, length, null,
    tree.labels ? `Expert Info (${SEVERITY_NAMES[severity]}/${GROUP_NAMES[group] ?? 'Unknown'}): ${label}` : undefined);
  if (def) item.addGenerated(def, tvb, offset, length, null, label);
  item.addHidden(hfWs.message, tvb, offset, length, label);
  item.addGenerated(hfWs.severity, tvb, offset, length, severity);
  item.addGenerated(hfWs.group, tvb, offset, length, group);
  // Beside the expert item, as Wireshark adds it (tshark -T json shows it after the "_ws.expert" object).
  if (group === GROUPS.Malformed) tree.addHidden(hfWs.malformed, tvb, offset, length, null);
}
