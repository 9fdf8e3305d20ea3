/**
 * Which thread of a split `paquet read` dissects a packet (read-split.ts): all
 * the packets of a TCP or UDP conversation (both directions, the same 5-tuple)
 * go to the same thread, so the state dissectors keep per conversation (TCP
 * analysis and reassembly, HTTP, WebSocket, DNS transactions) is whole in it;
 * other IP packets go by address pair (ICMP echo matching is per pair); ARP and
 * what Paquet shows as plain data go to thread 0.
 *
 * What could tie two conversations together is UNSPLITTABLE: IP fragments (the
 * later ones carry no ports), tunnels (IP in IP), ICMP errors (they quote
 * another conversation's packet), headers that move the addresses the
 * dissectors key conversations on away from the fixed ones (an IPv4 source
 * route, an IPv6 routing header or Home Address option), a link or network layer this does not read
 * (anything Paquet dissects besides Ethernet, VLAN tags, Linux cooked, raw IP,
 * IPv4, IPv6 and ARP: test/cli/read-split.test.ts checks that against the
 * registry). The split read then stops splitting there. A header cut short
 * before its addresses or ports goes to thread 0 (its dissector keeps no state).
 * Only headers are read, from fixed offsets: no dissection.
 */

export const UNSPLITTABLE = -1;
/**
 * A network or transport header cut short or bogus before the addresses or ports: its dissector
 * stops there, keeping no state, so any thread may show it; thread 0 does.
 */
const CUT_SHORT = 0;

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const ETH_ARP = 0x0806;
const ETH_RARP = 0x8035;
/** 802.1Q, its old QinQ value, 802.1ad: a 4-byte tag, then the next type. */
const VLAN_TAGS: ReadonlySet<number> = new Set([0x8100, 0x9100, 0x88a8]);
/** Ethertypes this reads or sends to thread 0: any other Paquet dissects is unsplittable. */
export const ETHERTYPES_KNOWN: ReadonlySet<number> = new Set([ETH_IPV4, ETH_IPV6, ETH_ARP, ETH_RARP, ...VLAN_TAGS]);
/** The largest value of an Ethernet type field that is a length (802.3: Paquet shows the payload as data). */
const MAX_802_3_LENGTH = 1500;

const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMPV6 = 58;
/** IP protocols this reads (4 and 41, IP in IP, are unsplittable); any other Paquet dissects would be too (none today). */
export const IP_PROTOCOLS_KNOWN: ReadonlySet<number> = new Set([TCP, UDP, ICMP, ICMPV6, 4, 41]);
/** ICMP types that quote the packet they answer: destination unreachable, source quench, redirect, time exceeded, parameter problem. */
const ICMP_ERRORS: ReadonlySet<number> = new Set([3, 4, 5, 11, 12]);
/** IPv6 extension headers walked to the transport header (fragments are unsplittable). */
const IPV6_HOPOPTS = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_DSTOPTS = 60;
const IPV6_AH = 51;
/** IPv4 loose and strict source routes: the route's last address is the destination the dissector uses. */
const IPOPT_LSRR = 131;
const IPOPT_SSRR = 137;
/** IPv6 Home Address option (Mobile IPv6): the dissector uses it as the source. */
const IPV6_OPT_HOME_ADDRESS = 0xc9;


/** Conversations given a part in turn, at most: past this many, a new one's part comes from its hash. */
const TRACKED = 1 << 20;

/**
 * The part (0 to parts-1) of each packet, in file order. A conversation gets a part when its first
 * packet goes by, in turn (so 32 connections make 16 and 16, where hashes could make 12 and 20):
 * every thread sees every packet in the same order, so all agree without talking.
 */
export class ConversationParts {
  private readonly given = new Map<number, number>();
  private turn = 0;

  constructor(private readonly parts: number) {}

  /** The part packet `data` of link type `linkType` goes to, or UNSPLITTABLE. */
  of(data: Uint8Array, linkType: number): number {
    const key = conversationKey(data, linkType);
    // Key 0: ARP, plain data, a header cut short (and the odd conversation hashed to 0): thread 0.
    if (key <= 0) return key;
    const part = this.given.get(key);
    if (part !== undefined) return part;
    if (this.given.size >= TRACKED) return key % this.parts;
    const next = this.turn;
    this.turn = (next + 1) % this.parts;
    this.given.set(key, next);
    return next;
  }
}

/**
 * A hash the same for every packet of a conversation (non-negative), or UNSPLITTABLE. Link types
 * read: Ethernet, Linux cooked v1 and v2, raw IP (any version, then v4 only, v6 only); any other
 * is unsplittable.
 */
export function conversationKey(b: Uint8Array, linkType: number): number {
  switch (linkType) {
    case 1: return ethernet(b);
    case 113: return b.length < 16 ? CUT_SHORT : byEthertype(b, u16(b, 14), 16);
    case 276: return b.length < 20 ? CUT_SHORT : byEthertype(b, u16(b, 0), 20);
    case 101: case 12: case 14: {
      const version = b.length > 0 ? b[0]! >> 4 : 0;
      return version === 4 ? ipv4(b, 0) : version === 6 ? ipv6(b, 0) : CUT_SHORT;
    }
    case 228: return ipv4(b, 0);
    case 229: return ipv6(b, 0);
    default: return UNSPLITTABLE;
  }
}

function ethernet(b: Uint8Array): number {
  let off = 12;
  for (;;) {
    if (b.length < off + 2) return CUT_SHORT;
    const type = u16(b, off);
    if (type === ETH_IPV4) return ipv4(b, off + 2);
    if (type <= MAX_802_3_LENGTH) return 0;
    if (!VLAN_TAGS.has(type)) return byEthertype(b, type, off + 2);
    off += 4;
  }
}

/** Linux cooked captures name an ethertype too; only IP and ARP are split there. */
function byEthertype(b: Uint8Array, type: number, off: number): number {
  if (type === ETH_IPV4) return ipv4(b, off);
  if (type === ETH_IPV6) return ipv6(b, off);
  if (type === ETH_ARP || type === ETH_RARP) return 0;
  // Not dissected by Paquet (shown as data), so no state: thread 0. Another link layer's types are not ethertypes.
  return ETHERTYPES_KNOWN.has(type) ? UNSPLITTABLE : 0;
}

function ipv4(b: Uint8Array, off: number): number {
  if (b.length < off + 1) return CUT_SHORT;
  const version = b[off]! >> 4;
  // IPv4's dissector hands a version 6 header to IPv6's, and stops at any other.
  if (version === 6) return ipv6(b, off);
  const ihl = (b[off]! & 0x0f) * 4;
  if (version !== 4 || ihl < 20) return CUT_SHORT;
  if (b.length < off + ihl) return CUT_SHORT;
  // More fragments, or a fragment offset: a fragment.
  if ((u16(b, off + 6) & 0x3fff) !== 0) return UNSPLITTABLE;
  // Options that may hold a source route (a byte scan: a false alarm only costs the split).
  if (ihl > 20 && (has(b, off + 20, off + ihl, IPOPT_LSRR) || has(b, off + 20, off + ihl, IPOPT_SSRR))) return UNSPLITTABLE;
  const proto = b[off + 9]!;
  // The two addresses as 32-bit words: their xor is the same in either order.
  return transport(b, proto, off + ihl, Math.imul(u32(b, off + 12) ^ u32(b, off + 16), 0x01000193));
}

function ipv6(b: Uint8Array, off: number): number {
  if (b.length < off + 40 || b[off]! >> 4 !== 6) return CUT_SHORT;
  let next = b[off + 6]!;
  let p = off + 40;
  for (;;) {
    if (next === IPV6_ROUTING) return UNSPLITTABLE;
    if (next === IPV6_HOPOPTS || next === IPV6_DSTOPTS || next === IPV6_AH) {
      if (b.length < p + 2) return CUT_SHORT;
      const len = next === IPV6_AH ? (b[p + 1]! + 2) * 4 : (b[p + 1]! + 1) * 8;
      // Options that may hold a Home Address (a byte scan of what was captured, as for IPv4's source routes).
      if (next !== IPV6_AH && has(b, p + 2, p + len, IPV6_OPT_HOME_ADDRESS)) return UNSPLITTABLE;
      next = b[p]!;
      p += len;
      continue;
    }
    if (next === IPV6_FRAGMENT) return UNSPLITTABLE;
    break;
  }
  return transport(b, next, p, pairHash(b, off + 8, 16, off + 24));
}

/** The key of a packet of IP protocol `proto` whose payload starts at `p`, its address pair's hash being `pair`. */
function transport(b: Uint8Array, proto: number, p: number, pair: number): number {
  if (proto === TCP || proto === UDP) {
    if (b.length < p + 4) return CUT_SHORT;
    const a = u16(b, p);
    const z = u16(b, p + 2);
    // The ports in either order give the same key, as the addresses do.
    return mix(pair ^ Math.imul(Math.min(a, z) * 0x10000 + Math.max(a, z) + proto, 0x9e3779b1));
  }
  if (proto === 4 || proto === 41) return UNSPLITTABLE;
  if (proto === ICMP || proto === ICMPV6) {
    if (b.length < p + 1) return CUT_SHORT;
    const type = b[p]!;
    if (proto === ICMP ? ICMP_ERRORS.has(type) : type < 128) return UNSPLITTABLE;
  }
  return mix(pair);
}

/** Every bit of the result depends on every bit of h; 30 bits, so a small integer (a Map key V8 does not box). */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 2;
}

/** A hash of two addresses of `len` bytes at `a` and `z`, the same in either order. */
function pairHash(b: Uint8Array, a: number, len: number, z: number): number {
  return addressHash(b, a, len) ^ addressHash(b, z, len);
}

function addressHash(b: Uint8Array, off: number, len: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ b[off + i]!, 0x01000193);
  return h;
}

/** Whether `value` is among the captured bytes from `from` up to `to`. */
function has(b: Uint8Array, from: number, to: number, value: number): boolean {
  const end = Math.min(to, b.length);
  for (let i = from; i < end; i++) if (b[i] === value) return true;
  return false;
}

function u32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

function u16(b: Uint8Array, off: number): number {
  return (b[off]! << 8) | b[off + 1]!;
}
