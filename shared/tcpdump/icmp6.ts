/** ICMPv6: `ICMP6, echo request, id 1, seq 3, length 40` and the neighbour-discovery forms. */
import { ipv6Text } from '../format/address-text.js';
import { transportChecksum, type NetworkInfo } from './checksum.js';
import { hexDump } from './dump.js';
import { intField, Truncated, type PacketText } from './packet.js';

const MLD_RECORD_TYPES: Readonly<Record<number, string>> = { 1: 'is_in', 2: 'is_ex', 3: 'to_in', 4: 'to_ex', 5: 'allow', 6: 'block' };
const UNREACH = ['unreachable route', 'unreachable prohibited', 'beyond scope', 'unreachable address', 'unreachable port'];
const PARAM = ['erroneous', 'next header', 'option', 'incomplete header chain'];

/** What is shown of a message whose details were cut off by the end of the capture. */
const TRUNCATED_NAMES: Readonly<Record<number, string>> = {
  1: 'destination unreachable', 2: 'packet too big', 3: 'time exceeded', 4: 'parameter problem', 128: 'echo request', 129: 'echo reply',
  133: 'router solicitation', 134: 'router advertisement', 135: 'neighbor solicitation', 136: 'neighbor advertisement', 137: 'redirect',
};

interface Message {
  /** Text after `ICMP6, `. */
  text: string;
  /**
   * Where -v puts `, length N`: 'end' as without -v, 'afterName' for neighbour
   * discovery (before the details), 'none' for messages whose -v form drops it.
   */
  verboseLength: 'end' | 'afterName' | 'none';
  name: string;
}

function message(p: PacketText, off: number, len: number, type: number, code: number): Message {
  const addr = (at: number) => {
    p.need(at, 16, 'icmp6');
    return ipv6Text(p.bytes, at);
  };
  const quotedDst = () => addr(off + 8 + 24);
  // With -v the fixed part of a neighbour-discovery message must be there before anything of it is shown.
  if (p.verbose > 0 && ND_FIXED[type] !== undefined) p.need(off, ND_FIXED[type]!, 'icmp6');
  switch (type) {
    case 1: {
      const name = 'destination unreachable';
      const what = UNREACH[code] ?? `unreachable code #${code}`;
      return { name, text: `, ${what} ${quotedDst()}`, verboseLength: 'none' };
    }
    case 2: return { name: 'packet too big', text: `, mtu ${p.u32(off + 4, 'icmp6')}`, verboseLength: 'none' };
    case 3:
      return code === 0
        ? { name: 'time exceeded in-transit', text: ` for ${quotedDst()}`, verboseLength: 'none' }
        : { name: code === 1 ? 'ip6 reassembly time exceeded' : `time exceeded: unknown code ${code}`, text: '', verboseLength: 'none' };
    case 4: {
      const what = PARAM[code] ?? `code-#${code}`;
      return { name: 'parameter problem', text: `, ${what} - octet ${p.u32(off + 4, 'icmp6')}`, verboseLength: 'none' };
    }
    case 128: return { name: 'echo request', text: `, id ${p.u16(off + 4, 'icmp6')}, seq ${p.u16(off + 6, 'icmp6')}`, verboseLength: 'none' };
    case 129: return { name: 'echo reply', text: `, id ${p.u16(off + 4, 'icmp6')}, seq ${p.u16(off + 6, 'icmp6')}`, verboseLength: 'none' };
    case 130: case 131: case 132: {
      const name = type === 130 ? 'multicast listener query' : type === 131 ? 'multicast listener report' : 'multicast listener done';
      return { name, text: `max resp delay: ${p.u16(off + 4, 'icmp6')} addr: ${addr(off + 8)}`, verboseLength: 'none' };
    }
    case 143: {
      const records = p.u16(off + 6, 'icmp6');
      let text = `, ${records} group record(s)`;
      if (p.verbose > 0) {
        for (let i = 0, at = off + 8; i < records; i++) {
          const type = p.u8(at, 'icmp6');
          const sources = p.u16(at + 2, 'icmp6');
          text += ` [gaddr ${addr(at + 4)} ${MLD_RECORD_TYPES[type] ?? `[v2-report-#${type}]`}`;
          if (at + 20 + 16 * sources > off + len) {
            text += ` [invalid number of sources ${sources}]`;
            break;
          }
          text += `, ${sources} source(s)]`;
          at += 20 + 16 * sources + 4 * p.u8(at + 1, 'icmp6');
        }
      }
      return { name: 'multicast listener report v2', text, verboseLength: 'none' };
    }
    case 133: return { name: 'router solicitation', text: '', verboseLength: 'afterName' };
    case 134: return { name: 'router advertisement', text: '', verboseLength: 'afterName' };
    case 135: return { name: 'neighbor solicitation', text: `, who has ${addr(off + 8)}`, verboseLength: 'afterName' };
    case 136: {
      let text = `, tgt is ${addr(off + 8)}`;
      if (p.verbose > 0) {
        const flags = p.u32(off + 4, 'icmp6');
        const names = [[0x80000000, 'router'], [0x40000000, 'solicited'], [0x20000000, 'override']] as const;
        const set = names.filter(([bit]) => (flags & bit) !== 0).map(([, n]) => n);
        text += `, Flags [${set.length ? set.join(', ') : 'none'}]`;
      }
      return { name: 'neighbor advertisement', text, verboseLength: 'afterName' };
    }
    case 137: return { name: 'redirect', text: `, ${addr(off + 24)} to ${addr(off + 8)}`, verboseLength: 'afterName' };
    default: return { name: `type-#${type}`, text: '', verboseLength: 'end' };
  }
}

export function printIcmp6(p: PacketText, off: number, len: number, net: NetworkInfo): void {
  const node = p.layer('icmpv6', off);
  if (len === 0) {
    p.put('ICMP6, length 0 (invalid)');
    return;
  }
  if (p.verbose > 0 && !net.fragmented && p.captured(off, len)) {
    const stored = p.u16(off + 2, 'icmp6');
    const should = transportChecksum(p, net, 58, off, len, off + 2);
    p.put(should === stored ? '[icmp6 sum ok] ' : `[bad icmp6 cksum 0x${stored.toString(16).padStart(4, '0')} -> 0x${should.toString(16).padStart(4, '0')}!] `);
  }
  p.put('ICMP6, ');
  const type = intField(node, 'icmpv6.type', () => p.u8(off, 'icmp6'));
  const code = intField(node, 'icmpv6.code', () => p.u8(off + 1, 'icmp6'));
  let m: Message;
  try {
    m = message(p, off, len, type, code);
  } catch (err) {
    // The name is printed before a truncated detail, as tcpdump does.
    const name = TRUNCATED_NAMES[type];
    if (name && p.verbose > 0 && ND_FIXED[type] !== undefined) p.put(`${name}, length ${len}`);
    else if (name) p.put(name + (type === 1 ? `, ${UNREACH[code] ?? ''}` : ''));
    throw err;
  }
  if (p.verbose === 0 || m.verboseLength === 'end') p.put(`${m.name}${m.text}, length ${len}`);
  else if (m.verboseLength === 'afterName') p.put(`${m.name}, length ${len}${m.text}`);
  else p.put(`${m.name}${m.text}`);
  if (p.verbose > 0 && ND_OPTIONS_AT[type] !== undefined) printNeighbourDiscovery(p, off, len, type);
}

/** Where neighbour-discovery options start in each message (the end of its fixed part). */
const ND_FIXED: Readonly<Record<number, number>> = { 133: 8, 134: 16, 135: 24, 136: 24, 137: 40 };
const ND_OPTIONS_AT: Readonly<Record<number, number>> = { 133: 8, 134: 16, 135: 24, 136: 24, 137: 40 };
const ND_OPTION_NAMES: Readonly<Record<number, string>> = {
  1: 'source link-address', 2: 'destination link-address', 3: 'prefix info', 4: 'redirected header', 5: 'mtu',
};
const RA_PREFERENCES = ['medium', 'high', 'reserved', 'low'];

function seconds(v: number): string {
  return v === 0xffffffff ? 'infinity' : `${v}s`;
}

function flagList(value: number, names: ReadonlyArray<readonly [number, string]>): string {
  const set = names.filter(([bit]) => (value & bit) !== 0).map(([, n]) => n);
  return set.length ? set.join(', ') : 'none';
}

/** -v: a router advertisement's parameters, then each option on its own line. */
function printNeighbourDiscovery(p: PacketText, off: number, len: number, type: number): void {
  if (type === 134) {
    const flags = p.u8(off + 5, 'icmp6');
    p.put(`\n\thop limit ${p.u8(off + 4, 'icmp6')}, Flags [${flagList(flags, [[0x80, 'managed'], [0x40, 'other stateful'], [0x20, 'home agent'], [0x04, 'proxy']])}]`);
    p.put(`, pref ${RA_PREFERENCES[(flags >> 3) & 3]}, router lifetime ${p.u16(off + 6, 'icmp6')}s`);
    p.put(`, reachable time ${p.u32(off + 8, 'icmp6')}ms, retrans timer ${p.u32(off + 12, 'icmp6')}ms`);
  }
  const end = off + len;
  for (let at = off + ND_OPTIONS_AT[type]!; at < end; ) {
    const kind = p.u8(at, 'icmp6');
    const units = p.u8(at + 1, 'icmp6');
    if (units === 0) throw new Truncated('icmp6');
    const size = units * 8;
    p.put(`\n\t  ${ND_OPTION_NAMES[kind] ?? 'unknown'} option (${kind}), length ${size} (${units}): `);
    p.need(at, size, 'icmp6');
    switch (kind) {
      case 1: case 2: {
        const parts: string[] = [];
        for (let i = at + 2; i < at + size && (units > 1 || i < at + 8); i++) parts.push(p.bytes[i]!.toString(16).padStart(2, '0'));
        p.put(parts.join(':'));
        break;
      }
      case 3:
        p.put(`${ipv6Text(p.bytes, at + 16)}/${p.u8(at + 2, 'icmp6')}, Flags [${flagList(p.u8(at + 3, 'icmp6'), [[0x80, 'onlink'], [0x40, 'auto'], [0x20, 'router']])}]`);
        p.put(`, valid time ${seconds(p.u32(at + 4, 'icmp6'))}, pref. time ${seconds(p.u32(at + 8, 'icmp6'))}`);
        break;
      case 5: p.put(` ${p.u32(at + 4, 'icmp6')}`); break;
      // Options shown only as bytes: the whole option, indented under its line.
      default: p.put(hexDump(p.bytes.subarray(at, at + size), '\n\t    ')); break;
    }
    at += size;
  }
}
