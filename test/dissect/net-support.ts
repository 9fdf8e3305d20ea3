/** What the link- and network-layer tests share: a registry of only those layers, and byte helpers. */
import { Dissection, type Dissected } from '../../shared/dissect/engine.js';
import type { FrameInput } from '../../shared/dissect/packet.js';
import { hfWs } from '../../shared/dissect/expert.js';
import { frameProto, hfFrame } from '../../shared/dissect/frame.js';
import { Registry } from '../../shared/dissect/registry.js';
import { register as arp } from '../../shared/dissect/proto/arp.js';
import { register as data } from '../../shared/dissect/proto/data.js';
import { register as eth } from '../../shared/dissect/proto/eth.js';
import { register as icmp } from '../../shared/dissect/proto/icmp.js';
import { register as icmpv6 } from '../../shared/dissect/proto/icmpv6.js';
import { register as ipv4 } from '../../shared/dissect/proto/ipv4.js';
import { register as ipv6 } from '../../shared/dissect/proto/ipv6.js';
import { register as nul } from '../../shared/dissect/proto/null.js';
import { register as raw } from '../../shared/dissect/proto/raw.js';
import { register as sll } from '../../shared/dissect/proto/sll.js';
import { register as udp } from '../../shared/dissect/proto/udp.js';
import { register as vlan } from '../../shared/dissect/proto/vlan.js';

export { fieldOccurrences as field } from '../support/dissect-file.js';

/** Only the link and network layers, so these tests do not depend on other dissectors. */
export function netRegistry(): Registry {
  const r = new Registry();
  r.addProtocol(frameProto, hfFrame);
  r.addFields(Object.values(hfWs));
  for (const reg of [eth, vlan, sll, nul, raw, arp, ipv4, ipv6, icmp, icmpv6, udp, data]) reg(r);
  return r;
}

export function hex(s: string): Uint8Array {
  return Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (b) => parseInt(b, 16));
}

export interface TestFrame { bytes: Uint8Array; origLen?: number; tsSec?: number }

/** Frame i (0-based) as the engine takes it, one second after the previous from t=1000 unless it says otherwise. */
export function testFrame(linkType: number, f: Uint8Array | TestFrame, i: number): FrameInput {
  const fr = f instanceof Uint8Array ? { bytes: f } : f;
  return {
    num: i + 1, tsSec: fr.tsSec ?? 1000 + i, tsNsec: 0, capLen: fr.bytes.length, origLen: fr.origLen ?? fr.bytes.length,
    linkType, interfaceId: 0, data: fr.bytes,
  };
}

/** Frames dissected in order by a Dissection of the link and network layers. */
export function dissectFrames(linkType: number, frames: readonly (Uint8Array | TestFrame)[], withTree = true): { d: Dissection; packets: Dissected[] } {
  const d = new Dissection(netRegistry());
  return { d, packets: frames.map((f, i) => d.dissect(testFrame(linkType, f, i), withTree)) };
}
