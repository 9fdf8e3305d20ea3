/**
 * `data`: bytes no dissector claimed. It shows them and their length but
 * leaves the Protocol column to the layer that gave up (UDP, 0x88b5...).
 */
import { fields } from '../field.js';
import { protocol, type Dissector, type Registry } from '../registry.js';
import { ensure, MalformedError, slice, type Tvb } from '../tvb.js';

export const dataProto = protocol('data', 'Data', 'Data');

export const hfData = fields({
  data: { abbrev: 'data.data', name: 'Data', type: 'bytes' },
  len: { abbrev: 'data.len', name: 'Length', type: 'int32' },
});

/**
 * Check that `length` bytes at `offset` lie within a layer ending at `end`. Past the
 * captured bytes this is Wireshark's BoundsError (short capture or malformed); inside
 * the buffer but past a length field's end it is malformed, as reading past the
 * reported length of Wireshark's sub-buffer is.
 */
export function within(tvb: Tvb, offset: number, length: number, end: number): void {
  if (offset + length <= end) return;
  if (end >= tvb.bytes.length) ensure(tvb, offset, length);
  throw new MalformedError(`needed ${length} bytes at ${offset}, the layer ends at ${end}`);
}

export const dissectData: Dissector = (tvb, offset, end, ctx, tree) => {
  const length = Math.min(end, tvb.bytes.length) - offset;
  if (length <= 0) return 0;
  const column = ctx.cols.protocol;
  const item = ctx.enter(dataProto, tree, tvb, offset, length, tree.labels ? `Data (${length} bytes)` : undefined);
  ctx.cols.protocol = column;
  if (item.wantsAny(hfData)) {
    item.add(hfData.data, tvb, offset, length, slice(tvb, offset, length));
    item.addGenerated(hfData.len, tvb, offset, length, length, item.labels ? `Length: ${length}` : undefined);
  }
  return length;
};

export function register(r: Registry): void {
  r.addProtocol(dataProto, hfData);
  r.addNamed('data', dissectData);
}
