/**
 * Whether a display filter keeps the same packets when each is dissected for the
 * first time, in file order, as when it is revisited after the whole file went by.
 * It does unless it names a field whose value may be a later frame's: a request's
 * response, the next request or response of its stream, which a dissection in file
 * order has not met yet (tshark shows them only with -2); and, in a capture whose
 * packets are out of order, a response's previous request and request URI, which a
 * revisit can take from a request the file holds later (found by the fuzzer:
 * test/fuzz/regressions/later-request-*.pcapng). Every other field has the same
 * items, values and order on both (test/filter/first-pass-fields.test.ts compares
 * every packet of the shared captures; the fuzzer compares mutated ones).
 */
import { hfHttp } from '../dissect/proto/http.js';
import type { CompiledFilter } from './compile.js';

/** Fields that name a later frame on a revisit of any capture. */
export const NEXT_FRAME_FIELDS: ReadonlySet<string> = new Set(
  [hfHttp.responseIn, hfHttp.nextRequestIn, hfHttp.nextResponseIn].map((def) => def.abbrev),
);

/** NEXT_FRAME_FIELDS, and the fields that may take a later frame's value in a capture out of order. */
export const LATER_FRAME_FIELDS: ReadonlySet<string> = new Set([
  ...NEXT_FRAME_FIELDS,
  ...[hfHttp.prevRequestIn, hfHttp.responseForUri].map((def) => def.abbrev),
]);

export function sameOnFirstPass(filter: CompiledFilter): boolean {
  for (const name of filter.fields) if (LATER_FRAME_FIELDS.has(name)) return false;
  return true;
}
