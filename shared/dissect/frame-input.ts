/** The bridge from a capture file's record to what the dissection engine takes. */
import type { CaptureRecord, InterfaceInfo } from '../capture/types.js';
import type { FrameInput } from './packet.js';

/**
 * `num` defaults to the record's position; a live capture numbers frames itself.
 * Every field is always present (undefined when the record has none), so all frames share one
 * object shape and the code reading them stays monomorphic.
 */
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
    section: pcapng ? iface.section + 1 : undefined,
    interfaceName: iface?.name,
    interfaceDescription: iface?.description,
    comments: rec.comments,
    epbFlags: rec.epbFlags,
    data: rec.data,
  };
}

/** The frame with `edited` as its comments instead of the file's (undefined: the file's; empty: none). */
export function withComments(input: FrameInput, edited: readonly string[] | undefined): FrameInput {
  if (edited === undefined) return input;
  const { comments: _old, ...rest } = input;
  return edited.length > 0 ? { ...rest, comments: edited } : rest;
}
