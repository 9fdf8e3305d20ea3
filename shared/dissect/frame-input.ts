/** The bridge from a capture file's record to what the dissection engine takes. */
import type { CaptureRecord, InterfaceInfo } from '../capture/types.js';
import type { FrameInput } from './packet.js';

/** `num` defaults to the record's position; a live capture numbers frames itself. */
export function frameInputFrom(rec: CaptureRecord, ifaces: readonly InterfaceInfo[], num = rec.index + 1): FrameInput {
  const iface = ifaces[rec.interface];
  const pcapng = iface?.idInSection !== undefined;
  return {
    num,
    tsSec: rec.tsSec,
    tsNsec: rec.tsNsec,
    capLen: rec.capLen,
    origLen: rec.origLen,
    linkType: iface?.linkType ?? -1,
    interfaceId: iface?.idInSection ?? rec.interface,
    ...(pcapng ? { section: iface.section + 1 } : {}),
    ...(iface?.name !== undefined ? { interfaceName: iface.name } : {}),
    ...(iface?.description !== undefined ? { interfaceDescription: iface.description } : {}),
    ...(rec.comments ? { comments: rec.comments } : {}),
    ...(rec.epbFlags !== undefined ? { epbFlags: rec.epbFlags } : {}),
    data: rec.data,
  };
}
