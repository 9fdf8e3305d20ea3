/**
 * The `ethertype` step shared by Ethernet, VLAN and Linux cooked capture:
 * hand the payload to whoever registered the type, fall back to `data`, and
 * show what the payload did not use as padding, trailer and (guessed) FCS,
 * the way Wireshark's ethertype dissector does after its sub-dissector returns.
 */
import { addExpert, GROUPS, Severity } from '../expert.js';
import type { FieldDef } from '../field.js';
import type { PacketContext } from '../packet.js';
import type { Tree } from '../tree.js';
import { slice, u32, type Tvb } from '../tvb.js';
import { ETHERTYPE_NAMES } from './eth-types.js';
import { hfEthTrailer } from './eth-trailer-fields.js';

export interface EthertypeCall {
  readonly etype: number;
  /** Where the layer that carries the type field starts (the tvb Wireshark hands to the trailer code). */
  readonly layerStart: number;
  /** The layer's subtree, where padding/trailer/FCS items go. */
  readonly layerTree: Tree;
  readonly trailerDef: FieldDef;
  /** 0: no FCS; 4: FCS present; -1: guess from the frame length, as Wireshark's default does. */
  readonly fcsLen: number;
}

/**
 * Dissect the payload at `offset..end` by ethertype. `tree` is the parent of the
 * next layer (the packet's top level).
 */
export function dissectByEthertype(ctx: PacketContext, call: EthertypeCall, tvb: Tvb, offset: number, end: number, tree: Tree): void {
  ctx.protocols.push('ethertype');
  const next = ctx.registry.lookup('ethertype', call.etype);
  // A dissector that returns 0 declined the payload (IPv6 with another version number, say).
  let used = next ? ctx.call(next, tvb, offset, end, tree) : 0;
  if (!next || used === 0) {
    const data = ctx.registry.byName('data');
    used = data ? ctx.call(data, tvb, offset, end, tree) : end - offset;
    ctx.cols.protocol = '0x' + call.etype.toString(16).padStart(4, '0');
    const name = ETHERTYPE_NAMES[call.etype];
    if (name !== undefined) ctx.cols.setInfo(name);
  }
  if (!call.layerTree.enabled) return;
  const payloadEnd = offset + Math.max(0, used);
  if (payloadEnd < end) addEthernetTrailer(ctx, call, tvb, payloadEnd, end);
}

/**
 * Bytes after the payload: zero padding up to the 60-byte minimum frame, then a
 * trailer, then an FCS when the layer is at least 64 bytes and 4 bytes remain.
 */
export function addEthernetTrailer(ctx: PacketContext, call: Omit<EthertypeCall, 'etype'>, tvb: Tvb, start: number, end: number): void {
  const t = call.layerTree;
  const captured = Math.max(0, Math.min(end, tvb.bytes.length) - start);
  // Bytes cut off by the snapshot length still count towards the reported trailer.
  const missing = tvb.source === 0 && end >= tvb.bytes.length ? Math.max(0, tvb.reportedLength - tvb.bytes.length) : 0;
  let trailerLen = captured;
  let trailerReported = captured + missing;
  const pktLen = ctx.frame.origLen;
  const maybePadded = pktLen >= 60 && pktLen - trailerReported < 60;
  let padding = 0;
  if (maybePadded) {
    padding = 60 - (pktLen - trailerReported);
    for (let i = 0; i < padding; i++) {
      if (start + i >= tvb.bytes.length || tvb.bytes[start + i] !== 0) {
        padding = 0;
        break;
      }
    }
    if (padding > 0) {
      t.add(hfEthTrailer.padding, tvb, start, padding, slice(tvb, start, padding));
      trailerLen -= padding;
      trailerReported -= padding;
    }
  }
  let hasFcs = false;
  const layerReported = (tvb.source === 0 ? tvb.reportedLength : tvb.bytes.length) - call.layerStart;
  if (call.fcsLen !== 0 && (call.fcsLen === 4 || (layerReported >= 64 && trailerReported >= 4))) {
    hasFcs = true;
    if (trailerLen < trailerReported) {
      trailerReported -= 4;
      if (trailerLen > trailerReported) trailerLen = trailerReported;
    } else {
      trailerLen -= 4;
      trailerReported -= 4;
    }
  }
  const trailerStart = start + padding;
  if (trailerReported > 0 && trailerLen > 0) {
    const item = t.add(call.trailerDef, tvb, trailerStart, trailerLen, slice(tvb, trailerStart, trailerLen));
    if (maybePadded && padding === 0) {
      addExpert(item, tvb, trailerStart, trailerLen, Severity.Note, GROUPS.Protocol,
        "Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.", hfEthTrailer.paddingBad);
    }
  }
  if (hasFcs && trailerStart + trailerLen + 4 <= tvb.bytes.length) {
    const fcsOff = trailerStart + trailerLen;
    const fcs = u32(tvb, fcsOff);
    t.add(hfEthTrailer.fcs, tvb, fcsOff, 4, fcs, `Frame check sequence: 0x${fcs.toString(16).padStart(8, '0')} [unverified]`);
    t.addGenerated(hfEthTrailer.fcsStatus, tvb, fcsOff, 0, 2, 'FCS Status: Unverified');
  }
}
