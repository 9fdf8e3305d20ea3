/**
 * Wireshark's "Trailing stray characters" warning, which it adds under a string item read from the
 * packet (not one given its value) whose bytes go on, other than NUL, after the NUL that ends it.
 */
import { addExpert, GROUPS, hfWs, Severity } from '../expert.js';
import type { Tree } from '../tree.js';
import type { Tvb } from '../tvb.js';

/**
 * Whether Wireshark finds stray characters in `text`, an item's bytes as ascii() reads them (one
 * character a byte, U+FFFD for each byte past 0x7f). It scans its decoded copy, where each U+FFFD
 * takes three bytes, from the string's length to the item's byte length: bytes past 0x7f before the
 * NUL move the scan, so they can hide what follows the NUL (tshark 4.0 does so; kept).
 */
export function hasTrailingStray(text: string): boolean {
  const n = text.length;
  let i = 0;
  let at = 0;
  while (i < n && text.charCodeAt(i) !== 0) at += text.charCodeAt(i++) === 0xfffd ? 3 : 1;
  for (; i < n && at < n; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0) return true;
    at++;
  }
  return false;
}

/** Add the warning under `item` (offset/length: the item's bytes) when hasTrailingStray(text). */
export function addStrayExpert(item: Tree, tvb: Tvb, offset: number, length: number, text: string): void {
  if (text.indexOf('\0') >= 0 && hasTrailingStray(text)) {
    addExpert(item, tvb, offset, length, Severity.Warning, GROUPS.Undecoded, 'Trailing stray characters', hfWs.strayCharacters);
  }
}
