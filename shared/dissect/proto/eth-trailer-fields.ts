/** Ethernet padding/trailer/FCS fields, shared by Ethernet, VLAN and SLL (all named eth.* in Wireshark). */
import { fields, type FieldDef } from '../field.js';

export const CHECKSUM_STATUS: Readonly<Record<number, string>> = { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' };

/** Status items are BASE_NONE in Wireshark: the tree shows the word alone (`Checksum Status: Good`). */
export function checksumStatusText(def: FieldDef, status: number): string {
  // Asked for on every packet a labelled tree shows: each text is made once.
  let texts = statusTexts.get(def);
  if (!texts) statusTexts.set(def, (texts = []));
  return (texts[status] ??= `${def.name}: ${CHECKSUM_STATUS[status] ?? 'Unknown'}`);
}

const statusTexts = new WeakMap<FieldDef, string[]>();

export const hfEthTrailer = fields({
  padding: { abbrev: 'eth.padding', name: 'Padding', type: 'bytes' },
  trailer: { abbrev: 'eth.trailer', name: 'Trailer', type: 'bytes' },
  fcs: { abbrev: 'eth.fcs', name: 'Frame check sequence', type: 'uint32', base: 'hex' },
  fcsStatus: { abbrev: 'eth.fcs.status', name: 'FCS Status', type: 'uint8', strings: CHECKSUM_STATUS },
  paddingBad: { abbrev: 'eth.padding_bad', name: 'Padding identification may be inaccurate and impact trailer dissector', type: 'none' },
});
