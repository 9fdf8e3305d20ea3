/** IGMP's one-line forms: queries, v1/v2 reports and leaves, v3 reports. */
import { ipv4FromBytes } from '../format/address-text.js';
import type { PacketText } from './packet.js';

const RECORD_TYPES: Readonly<Record<number, string>> = { 1: 'is_in', 2: 'is_ex', 3: 'to_in', 4: 'to_ex', 5: 'allow', 6: 'block' };

/** IGMPv3 codes above 127 are a floating-point form: mantissa and exponent. */
function v3Code(code: number): number {
  return code < 128 ? code : ((code & 0x0f) | 0x10) << (((code >> 4) & 0x07) + 3);
}

export function printIgmp(p: PacketText, off: number, len: number): void {
  const type = p.u8(off, 'igmp');
  const group = () => {
    p.need(off + 4, 4, 'igmp');
    return ipv4FromBytes(p.bytes, off + 4);
  };
  switch (type) {
    case 0x11: {
      const code = p.u8(off + 1, 'igmp');
      if (len >= 12) {
        p.put('igmp query v3');
        const mrt = v3Code(code);
        if (mrt) p.put(` [max resp time ${Math.floor(mrt / 10)}.${mrt % 10}s]`);
        const g = group();
        if (g !== '0.0.0.0') p.put(` [gaddr ${g}]`);
        return;
      }
      p.put(code ? 'igmp query v2' : 'igmp query v1');
      if (code && code !== 100) p.put(` [max resp time ${code}]`);
      const g = group();
      if (g !== '0.0.0.0') p.put(` [gaddr ${g}]`);
      return;
    }
    case 0x12: p.put(`igmp v1 report ${group()}`); return;
    case 0x16: p.put(`igmp v2 report ${group()}`); return;
    case 0x17: p.put(`igmp leave ${group()}`); return;
    case 0x22: {
      const records = p.u16(off + 6, 'igmp');
      p.put(`igmp v3 report, ${records} group record(s)`);
      if (p.verbose === 0) return;
      for (let i = 0, at = off + 8; i < records; i++) {
        p.need(at, 8, 'igmp');
        const type = p.u8(at, 'igmp');
        const aux = p.u8(at + 1, 'igmp');
        const sources = p.u16(at + 2, 'igmp');
        p.put(` [gaddr ${ipv4FromBytes(p.bytes, at + 4)} ${RECORD_TYPES[type] ?? `[v3-report-#${type}]`}, ${sources} source(s)]`);
        at += 8 + 4 * sources + 4 * aux;
      }
      return;
    }
    default: p.put(`igmp-${type}`);
  }
}
