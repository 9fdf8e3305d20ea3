/**
 * Which record layout a pcap file uses when its magic does not say: the way
 * Wireshark decides, so that Paquet reads such files as tshark does. Each
 * candidate layout reads the first three records; a record scores one point
 * per implausible field (sub-second value out of range, lengths over the
 * maxima, captured longer than original), and a candidate stops at its first
 * faulty record with that record's score. The first candidate with no fault
 * wins, else the one with the lowest score.
 */
import { maxPacketSize } from './bytes.js';
import { readPcapLengths, recordHeaderLength, type PcapHeader, type PcapVariant } from './pcap.js';

const RECORDS_TO_TRY = 3;
const MAX_PLAUSIBLE_ORIG_LEN = 128 * 1024 * 1024;

/** Outcome of trying one layout: a score, or how many bytes are needed to finish trying. */
type Trial = { score: number } | { need: number };

function tryVariant(view: DataView, start: number, end: number, h: PcapHeader, v: PcapVariant, atEof: boolean): Trial {
  const headerLen = recordHeaderLength(v);
  let off = start;
  for (let i = 0; i < RECORDS_TO_TRY; i++) {
    if (off >= end) {
      // The data ends at a record boundary: past the last record only if the file ends here.
      return atEof ? { score: 0 } : { need: off - start + 1 };
    }
    if (off + headerLen > end) return atEof ? { score: 1 } : { need: off + headerLen - start };
    const { capLen, origLen } = readPcapLengths(view, off, h);
    let score = 0;
    if (view.getUint32(off + 4, h.littleEndian) >= (h.resolution.unitsPerSec === 1e9 ? 1e9 : 1e6)) score++;
    if (capLen > maxPacketSize(h.linkType)) score++;
    if (origLen > MAX_PLAUSIBLE_ORIG_LEN) score++;
    if (capLen > h.snapLen) score++;
    if (capLen > origLen) score++;
    if (score > 0) return { score };
    const next = off + headerLen + capLen;
    if (next > end) return atEof ? { score: 1 } : { need: next - start };
    off = next;
  }
  return { score: 0 };
}

/**
 * Choose among h.candidates from the bytes of the first records, [start, end)
 * in `view`. Returns undefined, with the bytes needed, while the choice could
 * still depend on data not yet seen (unless `atEof` says there is none).
 */
export function choosePcapVariant(
  view: DataView, start: number, end: number, h: PcapHeader, atEof: boolean,
): { variant: PcapVariant } | { need: number } {
  let best: PcapVariant = h.candidates[0]!;
  let bestScore = Infinity;
  for (const v of h.candidates) {
    const t = tryVariant(view, start, end, h, v, atEof);
    if ('need' in t) return t;
    if (t.score === 0) return { variant: v };
    if (t.score < bestScore) { best = v; bestScore = t.score; }
  }
  return { variant: best };
}
