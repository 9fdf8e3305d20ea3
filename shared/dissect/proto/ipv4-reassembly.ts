/**
 * IP fragment reassembly as Wireshark does it by default for IPv4 and IPv6:
 * fragments are collected per datagram (protocol, id, addresses); the frame
 * whose fragment completes the datagram carries the reassembled payload, and
 * the earlier ones stay "fragments". tshark's single pass cannot point back
 * from an earlier fragment to the frame that completed it, so neither do we.
 */
import type { FieldDef } from '../field.js';
import type { PacketContext } from '../packet.js';
import type { Tree } from '../tree.js';
import type { SourcePart, Tvb } from '../tvb.js';

interface Fragment {
  readonly frame: number;
  /** Offset of the fragment's payload in the datagram. */
  readonly offset: number;
  readonly bytes: Uint8Array;
  /** Where the bytes sit in their frame, for the reassembled buffer's provenance. */
  readonly frameOffset: number;
}

interface Pending {
  readonly fragments: Fragment[];
  /** Known once the last fragment (MF clear) arrived. */
  total: number;
}

export interface ReassembledFragment {
  readonly frame: number;
  readonly offset: number;
  readonly length: number;
  readonly frameOffset: number;
  /** Starts inside data an earlier fragment already supplied. */
  readonly overlap: boolean;
  /** ...and the overlapping bytes differ. */
  readonly conflict: boolean;
  /** Runs past the end the last fragment announced. */
  readonly tooLong: boolean;
}

export interface Reassembled {
  readonly bytes: Uint8Array;
  /** Fragments in datagram order. */
  readonly fragments: readonly ReassembledFragment[];
}

/** Field set a protocol uses to show its fragments (ip.fragment*, ipv6.fragment*). */
export interface FragmentFields {
  readonly fragments: FieldDef;
  readonly fragment: FieldDef;
  readonly count: FieldDef;
  readonly reassembledLength: FieldDef;
  readonly reassembledData: FieldDef;
  /** Shown instead of `fragment` for a fragment with conflicting or excess data. */
  readonly error: FieldDef;
  readonly overlap: FieldDef;
  readonly overlapConflict: FieldDef;
  readonly tooLong: FieldDef;
}

/**
 * Add one fragment. Returns the reassembled datagram when this fragment completes
 * it, else null. On a revisit the first pass's answer is replayed from the memo.
 */
export function addFragment(
  ctx: PacketContext,
  table: string,
  key: string,
  offset: number,
  tvb: Tvb,
  dataOffset: number,
  length: number,
  more: boolean,
): Reassembled | null {
  const memoKey = `${table}:${key}:${offset}`;
  if (ctx.visited) return ctx.getMemo<Reassembled | null>(memoKey) ?? null;
  const sets = ctx.session.get(table, () => new Map<string, Pending>());
  let pending = sets.get(key);
  if (!pending) sets.set(key, (pending = { fragments: [], total: -1 }));
  pending.fragments.push({ frame: ctx.num, offset, bytes: tvb.bytes.slice(dataOffset, dataOffset + length), frameOffset: dataOffset });
  if (!more) pending.total = offset + length;
  const done = pending.total >= 0 ? assemble(pending) : null;
  if (done) sets.delete(key);
  ctx.setMemo(memoKey, done);
  return done;
}

function assemble(p: Pending): Reassembled | null {
  const frags = [...p.fragments].sort((a, b) => a.offset - b.offset || a.frame - b.frame);
  let covered = 0;
  for (const f of frags) {
    if (f.offset > covered) return null;
    covered = Math.max(covered, f.offset + f.bytes.length);
  }
  if (covered < p.total) return null;
  const bytes = new Uint8Array(p.total);
  // Each fragment fills only what is still empty (earlier offsets win, as in Wireshark); the part
  // it shares with data already placed is compared to flag conflicts.
  let placed = 0;
  const out: ReassembledFragment[] = [];
  for (const f of frags) {
    const end = f.offset + f.bytes.length;
    const overlap = f.offset < placed;
    let conflict = false;
    if (overlap) {
      const shared = Math.min(placed, end, p.total);
      for (let i = f.offset; i < shared; i++) {
        if (bytes[i] !== f.bytes[i - f.offset]) { conflict = true; break; }
      }
    }
    for (let i = Math.max(placed, f.offset); i < Math.min(end, p.total); i++) bytes[i] = f.bytes[i - f.offset]!;
    placed = Math.max(placed, Math.min(end, p.total));
    out.push({ frame: f.frame, offset: f.offset, length: f.bytes.length, frameOffset: f.frameOffset, overlap, conflict, tooLong: end > p.total });
  }
  return { bytes, fragments: out };
}

/** Register the reassembled buffer and show the fragment list under `tree` (the IP layer). */
export function showReassembled(ctx: PacketContext, tree: Tree, r: Reassembled, label: string, hf: FragmentFields): Tvb {
  const parts: SourcePart[] = r.fragments.map((f) => ({ frame: f.frame, frameOffset: f.frameOffset, offset: f.offset, length: f.length }));
  const tvb = ctx.addSource(`Reassembled ${label}`, r.bytes, parts);
  if (!tree.enabled) return tvb;
  const n = r.fragments.length;
  const list = r.fragments.map((f) => `#${f.frame}(${f.length})`).join(', ');
  const item = tree.addGenerated(hf.fragments, tvb, 0, r.bytes.length, r.bytes, `${n} ${label} Fragments (${r.bytes.length} bytes): ${list}`);
  for (const f of r.fragments) {
    const label = `Frame: ${f.frame}, payload: ${f.offset}-${f.offset + f.length - 1} (${f.length} bytes)`;
    const bad = f.conflict || f.tooLong;
    const fi = item.addGenerated(bad ? hf.error : hf.fragment, tvb, f.offset, f.length, f.frame, label);
    if (f.overlap) fi.addGenerated(hf.overlap, tvb, f.offset, 0, true, 'Fragment overlap: True');
    if (f.conflict) fi.addGenerated(hf.overlapConflict, tvb, f.offset, 0, true, 'Conflicting data in fragment overlap: True');
    if (f.tooLong) fi.addGenerated(hf.tooLong, tvb, f.offset, 0, true, 'Fragment too long: True');
  }
  item.addGenerated(hf.count, tvb, 0, 0, n);
  item.addGenerated(hf.reassembledLength, tvb, 0, 0, r.bytes.length);
  item.addGenerated(hf.reassembledData, tvb, 0, r.bytes.length, r.bytes);
  return tvb;
}
