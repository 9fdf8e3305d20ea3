/**
 * Whether a display filter keeps the same packets when each is dissected for the
 * first time, in file order, as when it is revisited after the whole file went by.
 * It does unless it names a field whose value is a later frame: a request's
 * response, the next request or response of its stream, which a dissection in file
 * order has not met yet (tshark shows them only with -2). Every other field has
 * the same items, values and order on both (test/filter/first-pass-fields.test.ts
 * compares every packet of the shared captures, and finds these three differing).
 */
import { hfHttp } from '../dissect/proto/http.js';
import type { CompiledFilter } from './compile.js';

export const LATER_FRAME_FIELDS: ReadonlySet<string> = new Set(
  [hfHttp.responseIn, hfHttp.nextRequestIn, hfHttp.nextResponseIn].map((def) => def.abbrev),
);

export function sameOnFirstPass(filter: CompiledFilter): boolean {
  for (const name of filter.fields) if (LATER_FRAME_FIELDS.has(name)) return false;
  return true;
}
