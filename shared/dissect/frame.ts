/** The `frame` layer: what the capture file says about a packet, before any protocol. */
import { fields } from './field.js';
import { protocol } from './registry.js';

export const frameProto = protocol('frame', 'Frame', 'Frame');

/** Wireshark's encapsulation (WTAP_ENCAP_*) for each LINKTYPE_* Paquet dissects, with its name. */
export const ENCAPSULATIONS: Readonly<Record<number, readonly [number, string]>> = {
  0: [15, 'NULL/Loopback'],
  1: [1, 'Ethernet'],
  12: [7, 'Raw IP'],
  101: [7, 'Raw IP'],
  113: [25, 'Linux cooked-mode capture v1'],
  228: [129, 'Raw IPv4'],
  229: [130, 'Raw IPv6'],
  239: [141, 'NFLOG'],
  276: [210, 'Linux cooked-mode capture v2'],
};
const ENCAP_NAMES: Record<number, string> = Object.fromEntries(Object.values(ENCAPSULATIONS).map(([n, name]) => [n, name]));

export const hfFrame = fields({
  section: { abbrev: 'frame.section_number', name: 'Section number', type: 'uint32' },
  encapType: { abbrev: 'frame.encap_type', name: 'Encapsulation type', type: 'int16', strings: ENCAP_NAMES },
  offsetShift: { abbrev: 'frame.offset_shift', name: 'Time shift for this packet', type: 'relative_time', unit: ' seconds' },
  interfaceId: { abbrev: 'frame.interface_id', name: 'Interface id', type: 'uint32' },
  interfaceName: { abbrev: 'frame.interface_name', name: 'Interface name', type: 'string' },
  interfaceDescription: { abbrev: 'frame.interface_description', name: 'Interface description', type: 'string' },
  comment: { abbrev: 'frame.comment', name: 'Comment', type: 'string' },
  direction: { abbrev: 'frame.packet_flags_direction', name: 'Direction', type: 'uint32', base: 'hex', bitmask: 0x3, bits: 32, strings: { 0: 'Unknown', 1: 'Inbound', 2: 'Outbound' } },
  time: { abbrev: 'frame.time', name: 'Arrival Time', type: 'absolute_time' },
  timeEpoch: { abbrev: 'frame.time_epoch', name: 'Epoch Time', type: 'absolute_time', base: 'dec', unit: ' seconds' },
  timeDelta: { abbrev: 'frame.time_delta', name: 'Time delta from previous captured frame', type: 'relative_time', unit: ' seconds' },
  timeDeltaDisplayed: { abbrev: 'frame.time_delta_displayed', name: 'Time delta from previous displayed frame', type: 'relative_time', unit: ' seconds' },
  timeRelative: { abbrev: 'frame.time_relative', name: 'Time since reference or first frame', type: 'relative_time', unit: ' seconds' },
  number: { abbrev: 'frame.number', name: 'Frame Number', type: 'uint32' },
  len: { abbrev: 'frame.len', name: 'Frame Length', type: 'uint32', unit: ' bytes' },
  capLen: { abbrev: 'frame.cap_len', name: 'Capture Length', type: 'uint32', unit: ' bytes' },
  marked: { abbrev: 'frame.marked', name: 'Frame is marked', type: 'boolean' },
  ignored: { abbrev: 'frame.ignored', name: 'Frame is ignored', type: 'boolean' },
  protocols: { abbrev: 'frame.protocols', name: 'Protocols in frame', type: 'string' },
});
