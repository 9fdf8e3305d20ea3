/** IPv4 header options (RFC 791 and later), each shown as its own `ip.options.*` item. */
import { addExpert, GROUPS, Severity, hfWs } from '../expert.js';
import { fields, type FieldDef } from '../field.js';
import type { Tree } from '../tree.js';
import { u16, u32, u8, slice, type Tvb } from '../tvb.js';
import { ipv4Text } from '../../format/address-text.js';

const CLASS_NAMES: Readonly<Record<number, string>> = { 0: 'Control', 1: 'Reserved for future use', 2: 'Debugging and measurement', 3: 'Reserved for future use' };
const NUMBER_NAMES: Readonly<Record<number, string>> = {
  0: 'End of Option List (EOL)', 1: 'No-Operation (NOP)', 2: 'Security', 3: 'Loose source route', 4: 'Time stamp',
  5: 'Extended security', 6: 'Commercial IP security option', 7: 'Record route', 8: 'Stream identifier', 9: 'Strict source route',
  10: 'Experimental Measurement', 11: 'MTU probe', 12: 'MTU Reply', 13: 'Experimental Flow Control', 14: 'Experimental Access Control',
  15: 'Ask Estrin', 16: 'IMI Traffic Descriptor', 17: 'Extended Internet Protocol', 18: 'Traceroute', 19: 'Address Extension',
  20: 'Router Alert', 21: 'Selective Directed Broadcast', 22: 'Unassigned', 23: 'Dynamic Packet State', 24: 'Upstream Multicast Packet',
  25: 'Quick-Start', 30: 'RFC 3692-style experiment',
};
const TS_FLAG_NAMES: Readonly<Record<number, string>> = { 0: 'Time stamps only', 1: 'Time stamp and address', 3: 'Time stamps for prespecified addresses' };
const RA_NAMES: Readonly<Record<number, string>> = { 0: 'Router shall examine packet' };

export const hfIpOpt = fields({
  type: { abbrev: 'ip.opt.type', name: 'Type', type: 'uint8', base: 'dec' },
  copy: { abbrev: 'ip.opt.type.copy', name: 'Copy on fragmentation', type: 'boolean', bitmask: 0x80, bits: 8, tfs: ['Yes', 'No'] },
  cls: { abbrev: 'ip.opt.type.class', name: 'Class', type: 'uint8', base: 'dec', bitmask: 0x60, bits: 8, strings: CLASS_NAMES },
  number: { abbrev: 'ip.opt.type.number', name: 'Number', type: 'uint8', base: 'dec', bitmask: 0x1f, bits: 8, strings: NUMBER_NAMES },
  len: { abbrev: 'ip.opt.len', name: 'Length', type: 'uint8', base: 'dec' },
  ptr: { abbrev: 'ip.opt.ptr', name: 'Pointer', type: 'uint8', base: 'dec' },
  ra: { abbrev: 'ip.opt.ra', name: 'Router Alert', type: 'uint16', base: 'dec', strings: RA_NAMES },
  recRt: { abbrev: 'ip.rec_rt', name: 'Recorded Route', type: 'ipv4' },
  recRtHost: { abbrev: 'ip.rec_rt_host', name: 'Recorded Route Host', type: 'string' },
  srcRt: { abbrev: 'ip.src_rt', name: 'Source Route', type: 'ipv4' },
  srcRtHost: { abbrev: 'ip.src_rt_host', name: 'Source Route Host', type: 'string' },
  emptyRt: { abbrev: 'ip.empty_rt', name: 'Empty Route', type: 'ipv4' },
  emptyRtHost: { abbrev: 'ip.empty_rt_host', name: 'Empty Route Host', type: 'string' },
  overflow: { abbrev: 'ip.opt.overflow', name: 'Overflow', type: 'uint8', base: 'dec', bitmask: 0xf0, bits: 8 },
  flag: { abbrev: 'ip.opt.flag', name: 'Flag', type: 'uint8', base: 'hex', bitmask: 0x0f, bits: 8, strings: TS_FLAG_NAMES },
  timeStamp: { abbrev: 'ip.opt.time_stamp', name: 'Time stamp', type: 'uint32', base: 'dec' },
  timeStampAddr: { abbrev: 'ip.opt.time_stamp_addr', name: 'Address', type: 'ipv4' },
  sid: { abbrev: 'ip.opt.sid', name: 'Stream Identifier', type: 'uint16', base: 'dec' },
  mtu: { abbrev: 'ip.opt.mtu', name: 'MTU', type: 'uint16', base: 'dec' },
  cipsoDoi: { abbrev: 'ip.cipso.doi', name: 'DOI', type: 'uint32', base: 'dec' },
  lenInvalid: { abbrev: 'ip.opt.len.invalid', name: 'Invalid length for option', type: 'none' },
  padding: { abbrev: 'ip.opt.padding', name: 'Padding', type: 'bytes' },
});

/** Option type → [item abbrev suffix, name], from the `ip.options.*` items Wireshark registers. */
const OPTIONS: Readonly<Record<number, readonly [string, string]>> = {
  0: ['eol', 'End of Options List (EOL)'],
  1: ['nop', 'No-Operation (NOP)'],
  130: ['security', 'Security'],
  131: ['route', 'Loose Source Route'],
  68: ['timestamp', 'Time Stamp'],
  133: ['ext_security', 'Extended Security'],
  134: ['cipso', 'Commercial Security'],
  7: ['record_route', 'Record Route'],
  136: ['sid', 'Stream ID'],
  137: ['source_route', 'Strict Source Route'],
  11: ['mtu_probe', 'MTU Probe'],
  12: ['mtu_reply', 'MTU Reply'],
  82: ['traceroute', 'Traceroute'],
  148: ['routeralert', 'Router Alert'],
  149: ['sdb', 'Selective Directed Broadcast'],
  25: ['qs', 'Quick-Start'],
};

const optionDefs = new Map<number, FieldDef>();
for (const [type, [suffix, name]] of Object.entries(OPTIONS)) {
  optionDefs.set(Number(type), { abbrev: `ip.options.${suffix}`, name: `IP Option - ${name}`, type: 'protocol' });
}
export const ipOptionItemDefs: readonly FieldDef[] = [...optionDefs.values()];

const IPOPT_LSRR = 131;
const IPOPT_SSRR = 137;

/**
 * Where a source route moves the real destination: the offset (from the start
 * of the options) of the route's last address, or -1 when the route is exhausted or absent.
 */
export function sourceRouteDestination(tvb: Tvb, off: number, len: number): number {
  let p = off;
  const end = off + len;
  while (p < end) {
    const type = u8(tvb, p);
    if (type === 0) break;
    if (type === 1) { p++; continue; }
    if (p + 1 >= end) break;
    const olen = u8(tvb, p + 1);
    if (olen < 2 || p + olen > end) break;
    if ((type === IPOPT_LSRR || type === IPOPT_SSRR) && olen >= 7) {
      const ptr = u8(tvb, p + 2);
      if (ptr <= olen) return p + olen - 4;
    }
    p += olen;
  }
  return -1;
}

function addTypeItem(t: Tree, tvb: Tvb, off: number, type: number): void {
  const item = t.add(hfIpOpt.type, tvb, off, 1, type);
  item.add(hfIpOpt.copy, tvb, off, 1, (type & 0x80) !== 0);
  item.add(hfIpOpt.cls, tvb, off, 1, (type >> 5) & 3);
  item.add(hfIpOpt.number, tvb, off, 1, type & 0x1f);
}

function ipv4At(tvb: Tvb, off: number): number {
  return u32(tvb, off);
}

/** Adds the item for the address a source route ends at (Wireshark shows it as ip.dst). */
export type FinalDestination = (tree: Tree, offset: number) => void;

/** Dissect the options at `off..off+len` under the "Options" subtree; returns the names for its label. */
export function dissectIpOptions(t: Tree, tvb: Tvb, off: number, len: number, finalDst?: { offset: number; add: FinalDestination }): string[] {
  const names: string[] = [];
  const end = off + len;
  let p = off;
  while (p < end) {
    const type = u8(tvb, p);
    const known = OPTIONS[type];
    const def = optionDefs.get(type);
    if (type === 0 || type === 1) {
      const item = t.add(def!, tvb, p, 1, slice(tvb, p, 1), def!.name);
      addTypeItem(item, tvb, p, type);
      p++;
      if (type === 0) {
        // Everything after End of Options List is padding.
        break;
      }
      continue;
    }
    if (p + 1 >= end) {
      addExpert(t, tvb, p, 1, Severity.Warning, GROUPS.Protocol, `${known?.[1] ?? 'Unknown'} (with option length = ${end - p} byte; should be >= 2)`, hfIpOpt.lenInvalid);
      break;
    }
    const olen = u8(tvb, p + 1);
    if (olen < 2 || p + olen > end) {
      const why = olen < 2 ? `${known?.[1] ?? `Unknown (0x${type.toString(16).padStart(2, '0')})`} (with too-short option length = ${olen} byte${olen === 1 ? '' : 's'})`
        : `${known?.[1] ?? `Unknown (0x${type.toString(16).padStart(2, '0')})`} (option length = ${olen} bytes says option goes past end of options)`;
      const item = t.add(hfWs.text, tvb, p, 2, null, why);
      addExpert(item, tvb, p, 2, Severity.Warning, GROUPS.Protocol, why, hfIpOpt.lenInvalid);
      break;
    }
    const label = known ? `IP Option - ${known[1]} (${olen} bytes)` : `Unknown (0x${type.toString(16).padStart(2, '0')}) (${olen} bytes)`;
    const item = def ? t.add(def, tvb, p, olen, slice(tvb, p, olen), label) : t.add(hfWs.text, tvb, p, olen, null, label);
    if (known) names.push(known[1]);
    addTypeItem(item, tvb, p, type);
    item.add(hfIpOpt.len, tvb, p + 1, 1, olen);
    optionBody(item, tvb, p, olen, type, finalDst);
    p += olen;
  }
  return names;
}

function optionBody(item: Tree, tvb: Tvb, p: number, olen: number, type: number, finalDst?: { offset: number; add: FinalDestination }): void {
  switch (type) {
    case 7: case IPOPT_LSRR: case IPOPT_SSRR: {
      if (olen < 3) return;
      const ptr = u8(tvb, p + 2);
      item.add(hfIpOpt.ptr, tvb, p + 2, 1, ptr);
      for (let a = p + 3; a + 4 <= p + olen; a += 4) {
        if (finalDst && a === finalDst.offset) {
          finalDst.add(item, a);
          continue;
        }
        const addr = ipv4At(tvb, a);
        const rel = a - p + 1;
        const next = rel === ptr;
        const def = rel < ptr ? hfIpOpt.recRt : type === 7 ? hfIpOpt.emptyRt : hfIpOpt.srcRt;
        const hostDef = rel < ptr ? hfIpOpt.recRtHost : type === 7 ? hfIpOpt.emptyRtHost : hfIpOpt.srcRtHost;
        const text = item.enabled ? `${def.name}: ${ipv4Text(addr)}${next ? ' <- (next)' : ''}` : undefined;
        item.add(def, tvb, a, 4, addr, text);
        item.addHidden(hostDef, tvb, a, 4, ipv4Text(addr));
      }
      return;
    }
    case 68: {
      if (olen < 4) return;
      item.add(hfIpOpt.ptr, tvb, p + 2, 1, u8(tvb, p + 2));
      const of = u8(tvb, p + 3);
      item.add(hfIpOpt.overflow, tvb, p + 3, 1, of >> 4);
      const flag = of & 0x0f;
      item.add(hfIpOpt.flag, tvb, p + 3, 1, flag);
      const step = flag === 0 ? 4 : 8;
      for (let a = p + 4; a + step <= p + olen; a += step) {
        if (flag !== 0) {
          item.add(hfIpOpt.timeStampAddr, tvb, a, 4, ipv4At(tvb, a));
          item.add(hfIpOpt.timeStamp, tvb, a + 4, 4, u32(tvb, a + 4));
        } else {
          item.add(hfIpOpt.timeStamp, tvb, a, 4, u32(tvb, a));
        }
      }
      return;
    }
    case 148: {
      if (olen !== 4) return;
      const ra = u16(tvb, p + 2);
      item.add(hfIpOpt.ra, tvb, p + 2, 2, ra);
      if (item.enabled) item.appendText(`: ${RA_NAMES[ra] ?? 'Reserved'} (${ra})`);
      return;
    }
    case 136:
      if (olen === 4) item.add(hfIpOpt.sid, tvb, p + 2, 2, u16(tvb, p + 2));
      return;
    case 11: case 12:
      if (olen === 4) item.add(hfIpOpt.mtu, tvb, p + 2, 2, u16(tvb, p + 2));
      return;
    case 134:
      if (olen >= 6) item.add(hfIpOpt.cipsoDoi, tvb, p + 2, 4, u32(tvb, p + 2));
      return;
    default:
      return;
  }
}
