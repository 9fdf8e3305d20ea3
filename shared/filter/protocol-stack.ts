/**
 * What a packet's frame.protocols (the first pass has it without a tree) tells
 * a display filter: which protocols' items can only be there when it lists
 * them, and which are always there when it does. Read off the dissectors;
 * checked over every shared capture by test/worker/summary-filter.test.ts.
 * Used by summary-facts.ts (filters answered without a tree, in the worker and `paquet read -Y`).
 */

/**
 * For each protocol listed, the frame.protocols entries without which a packet
 * has none of its items (the protocol's own, and the fields named after it,
 * `http.request.method`). Not listed, so always left to the tree: protocols
 * whose fields other layers add too (Ethernet's padding and trailer under SLL
 * and VLAN; IPv6's version under `ip.version`, hence its own entry below), or
 * whose item some paths add without listing it (IPv6 with a bogus version, TLS).
 */
export const ITEMS_ONLY_WITH: Readonly<Record<string, readonly string[]>> = {
  ip: ['ip'], tcp: ['tcp'], udp: ['udp'], icmp: ['icmp'], icmpv6: ['icmpv6'], arp: ['arp'],
  http: ['http'], websocket: ['websocket'],
  // mDNS is DNS's dissector under another name: its fields are dns.*.
  dns: ['dns', 'mdns'],
};

/** Fields named after a protocol of ITEMS_ONLY_WITH that another layer adds too. */
export const FIELDS_ALSO_ELSEWHERE: ReadonlySet<string> = new Set(['ip.version']);

/**
 * Protocols whose item is in every packet whose frame.protocols lists them (not
 * HTTP: it is listed in the frames of a WebSocket connection it upgraded, with no HTTP item).
 */
export const ITEM_WHEN_LISTED: ReadonlySet<string> = new Set(['ip', 'tcp', 'udp', 'icmp', 'icmpv6', 'arp', 'websocket', 'dns']);
