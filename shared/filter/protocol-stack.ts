/**
 * What a packet's frame.protocols (the first pass has it without a tree) tells
 * a display filter: which protocols' items can only be there when it lists
 * them, and which are always there when it does. Read off the dissectors;
 * checked over every shared capture by test/worker/summary-filter.test.ts.
 * Used by the worker's filters over the packet store (main/worker/summary-filter.ts)
 * and by `paquet read -Y` (treelessFilter).
 */
import type { Dissected } from '../dissect/engine.js';
import type { FieldDef } from '../dissect/field.js';
import type { Registry } from '../dissect/registry.js';
import { TreeNode } from '../dissect/tree.js';
import type { CompiledFilter } from './compile.js';

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

const NONE: never[] = [];

/**
 * For a reader that dissects each packet once (`paquet read -Y`): when the
 * filter reads only frame.number, frame.len and the presence of protocols that
 * frame.protocols always tells (listed exactly when their item is there), its
 * answer for any packet from what the engine returns without a tree; else null
 * (the packet needs a tree, and a one-pass reader cannot tell which ones before
 * dissecting them).
 */
export function treelessFilter(filter: CompiledFilter, registry: Registry): ((d: Dissected) => boolean) | null {
  if (filter.usesLayers) return null;
  let framesRead = false;
  const protocols: FieldDef[] = [];
  for (const name of filter.fields) {
    if (name === 'frame.number' || name === 'frame.len') {
      framesRead = true;
      continue;
    }
    const def = registry.field(name);
    const listedExactly = name === 'frame' || (ITEM_WHEN_LISTED.has(name) && ITEMS_ONLY_WITH[name]?.length === 1 && ITEMS_ONLY_WITH[name]![0] === name);
    if (def?.type !== 'protocol' || !listedExactly || filter.valueFields.has(name)) return null;
    protocols.push(def);
  }
  const numberDef = registry.field('frame.number') ?? { abbrev: 'frame.number', name: 'Frame Number', type: 'uint32' };
  const lenDef = registry.field('frame.len') ?? { abbrev: 'frame.len', name: 'Frame Length', type: 'uint32' };
  const number = new TreeNode(numberDef, 0, 0, 0, null);
  const len = new TreeNode(lenDef, 0, 0, 0, null);
  const itemsOf = (stack: ReadonlySet<string>): TreeNode[] =>
    protocols.filter((p) => p.abbrev === 'frame' || stack.has(p.abbrev)).map((p) => new TreeNode(p, 0, 0, 0, null));
  /** Items and, when no frame field is read, the answer, by frame.protocols. */
  const byStack = new Map<string, { items: TreeNode[]; passes: boolean | undefined }>();
  return (d) => {
    let known = byStack.get(d.protocols);
    if (!known) {
      const items = itemsOf(new Set(d.protocols.split(':')));
      if (framesRead) items.push(number, len);
      known = { items, passes: framesRead ? undefined : filter.matchesItems(items, NONE) };
      if (byStack.size < 10_000) byStack.set(d.protocols, known);
    }
    if (known.passes !== undefined) return known.passes;
    number.value = d.num;
    len.value = d.ctx.frame.origLen;
    return filter.matchesItems(known.items, NONE);
  };
}
