/** Test helper: a capture file on disk, dissected in order with Paquet's engine. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readCapture } from '../../shared/capture/index.js';
import { Dissection, type Dissected } from '../../shared/dissect/engine.js';
import type { FrameInput } from '../../shared/dissect/packet.js';
import { frameInputFrom } from '../../shared/dissect/frame-input.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import type { CaptureRecord, InterfaceInfo } from '../../shared/capture/types.js';
import { walk } from '../../shared/dissect/tree.js';
import { fieldText } from '../../shared/format/field-text.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const SHARED = resolve(REPO, '../shared');
export const CHAT = resolve(SHARED, 'captures/workerman-chat-7272.pcap');

export function frameInput(rec: CaptureRecord, ifaces: readonly InterfaceInfo[]): FrameInput {
  // A copy: the reader may hand out views into a buffer it reuses.
  return { ...frameInputFrom(rec, ifaces), data: rec.data.slice() };
}

/** Every frame of a capture, as FrameInput (bytes copied). */
export function readFrames(path: string): FrameInput[] {
  const file = readCapture(new Uint8Array(readFileSync(resolve(REPO, path))));
  const frames: FrameInput[] = [];
  for (const rec of file.records()) frames.push(frameInput(rec, file.interfaces));
  return frames;
}

/** Dissect a whole file in order; `withTree` false is the summary (fast) path. */
export function dissectFile(path: string, withTree = true): { dissection: Dissection; packets: Dissected[]; frames: FrameInput[] } {
  const frames = readFrames(path);
  const dissection = new Dissection(defaultRegistry());
  const packets = frames.map((f) => dissection.dissect(f, withTree));
  return { dissection, packets, frames };
}

/** A field's occurrences in tree order, joined as `tshark -T fields -E occurrence=a` joins them. */
export function fieldOccurrences(p: Dissected, abbrev: string): string {
  const values: string[] = [];
  for (const node of walk(p.tree ?? [])) if (node.def.abbrev === abbrev) values.push(fieldText(node));
  return values.join(',');
}
