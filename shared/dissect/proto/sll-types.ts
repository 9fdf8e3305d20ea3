// Copied from tshark 4.0's value tables (`tshark -G values`); the script that extracted them was not kept, so check an edit against that output.

/** ARPHRD_* link-layer address types: in tshark 4.0 (`tshark -G values`) sll.hatype's table is arp.hw.type's, entry for entry. */
export { ARP_HW_TYPE_NAMES as SLL_HATYPE_NAMES } from './arp-types.js';

/** Linux protocol numbers used when the SLL protocol field is not an ethertype (Wireshark's value_string for sll.ltype, from `tshark -G values`). */
export const SLL_LTYPE_NAMES: Readonly<Record<number, string>> = {
  1: "Raw 802.3",
  3: "Ethernet",
  4: "802.2 LLC",
  7: "PPP (HDLC)",
  12: "CAN",
  13: "CAN FD",
  23: "IrDA LAP",
  245: "ISI",
  246: "IEEE 802.15.4",
};
