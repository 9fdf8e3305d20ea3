/**
 * How many of a packet's layers a display filter needs dissected on a revisit:
 * a filter on `ip.ttl` or `frame.time_delta` reads nothing TCP, HTTP or
 * WebSocket add, which cost most of a packet's dissection. From the packet's
 * frame.protocols (the first pass's stack) and the fields the filter names,
 * the layers up to the last one whose items it reads; the rest are left out
 * (FieldSet.upTo, PacketContext.layerLimit).
 *
 * Only after layers whose items, errors and length never depend on the layers
 * they hand their payload to: IPv4, UDP, ICMP, ICMPv6 and ARP add nothing once
 * the payload's dissector returns, and ITEMS_ONLY_WITH says their fields have
 * items only from layers listed as theirs. TCP too on a revisit (its
 * reassembly items come from what the first pass stored), except tcp.pdu.size,
 * which the payload's dissector has TCP add for each PDU it finds. Not after
 * Ethernet (its padding and trailer follow what IP took) or HTTP (one segment
 * may carry several messages, each listed).
 * Checked over every shared capture by test/filter/shaped-trees.test.ts, which
 * with TCP's fields named one at a time finds tcp.pdu.size and nothing else.
 */
import type { Registry } from '../dissect/registry.js';
import { hfTcpPdu } from '../dissect/proto/tcp-reassembly.js';
import { protocolOf } from './compile.js';
import { FIELDS_ALSO_ELSEWHERE, ITEMS_ONLY_WITH } from './protocol-stack.js';

/** Protocols a revisit may stop after (see above). */
export const STOP_AFTER: ReadonlySet<string> = new Set(['ip', 'udp', 'icmp', 'icmpv6', 'arp', 'tcp']);

/** Fields of those protocols whose items the layers above have added (see above). */
const ADDED_FROM_ABOVE: ReadonlySet<string> = new Set(Object.values(hfTcpPdu).map((def) => def.abbrev));

/**
 * For fields named `fields`, a function from a packet's frame.protocols text to the number of its
 * layers to dissect: undefined when every layer is needed (or leaving some out saves nothing).
 */
export function layerCut(fields: Iterable<string>, registry: Registry): (stackText: string) => number | undefined {
  const carriers: string[] = [];
  for (const name of fields) {
    const protocol = protocolOf(name, registry);
    // The frame's own items come before any layer; frame.protocols lists them all.
    if (protocol === 'frame' && name !== 'frame.protocols') continue;
    if (!STOP_AFTER.has(protocol) || FIELDS_ALSO_ELSEWHERE.has(name) || ADDED_FROM_ABOVE.has(name)) return () => undefined;
    for (const c of ITEMS_ONLY_WITH[protocol] ?? []) if (!carriers.includes(c)) carriers.push(c);
  }
  return (stackText) => {
    const layers = stackText === '' ? [] : stackText.split(':');
    let needed = 0;
    for (const c of carriers) needed = Math.max(needed, layers.lastIndexOf(c) + 1);
    return needed < layers.length ? needed : undefined;
  };
}
