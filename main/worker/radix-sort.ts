/**
 * Stable sorts of packet indexes without a comparator: a million rows sort in
 * tens of milliseconds, where Array.prototype.sort with a JavaScript comparator
 * takes seconds (twenty million calls; worse over strings). Both sorts keep
 * equal keys in their input order, which is frame order.
 *
 * - sortByKeys: least-significant-digit radix over unsigned 32-bit keys, 16 bits
 *   a pass, one key after another (the last key first), for numeric columns and
 *   for string columns already ranked (interned addresses, protocols).
 * - sortByStrings: most-significant-character radix over UTF-16 code units (the
 *   order of `<`), splitting each group by its next character, with an
 *   insertion sort for small groups; for the Info texts that the Info sort
 *   (info-order.ts) cannot order from their shapes.
 */

const SMALL_GROUP = 32;

/**
 * Sort `idx` (packet indexes) in place by `keys[0][i]`, then `keys[1][i]`, ...
 * (each an array indexed by packet index, values 0..2^32-1), ties in input order.
 */
export function sortByKeys(idx: Uint32Array, keys: readonly ArrayLike<number>[]): void {
  let src: Uint32Array = idx;
  let dst: Uint32Array = new Uint32Array(idx.length);
  const counts = new Uint32Array(65537);
  for (let k = keys.length - 1; k >= 0; k--) {
    const key = keys[k]!;
    let max = 0;
    let min = 0xffffffff;
    for (let j = 0; j < src.length; j++) {
      const v = key[src[j]!]!;
      if (v > max) max = v;
      if (v < min) min = v;
    }
    // A key equal for every row orders nothing; high halves all zero need no pass.
    if (min === max) continue;
    for (let shift = 0; shift < 32 && (shift === 0 || max >>> shift > 0); shift += 16) {
      counts.fill(0);
      for (let j = 0; j < src.length; j++) counts[((key[src[j]!]! >>> shift) & 0xffff) + 1]!++;
      for (let b = 1; b <= 65536; b++) counts[b]! += counts[b - 1]!;
      for (let j = 0; j < src.length; j++) {
        const i = src[j]!;
        dst[counts[(key[i]! >>> shift) & 0xffff]!++] = i;
      }
      [src, dst] = [dst, src];
    }
  }
  if (src !== idx) idx.set(src);
}

/**
 * Sort `idx` in place by `str(i)` in code-unit order (descending when asked; a
 * string that is a prefix of another comes first ascending, last descending),
 * ties in input order.
 */
export function sortByStrings(idx: Uint32Array, str: (i: number) => string, descending: boolean): void {
  const n = idx.length;
  // Scratch space shared by every group (groups never overlap): keys by position, two position orders, packets.
  const keys = new Uint32Array(n);
  const byLow = new Uint32Array(n);
  const byKey = new Uint32Array(n);
  const packets = new Uint32Array(n);
  const sortedKeys = new Uint32Array(n);
  const low = new Uint32Array(513);
  const high = new Uint32Array(258);
  const ended = descending ? 65537 : 0;
  const before = (a: number, b: number): boolean => {
    const x = str(a);
    const y = str(b);
    if (x === y) return a < b;
    return descending ? x > y : x < y;
  };
  const stack: number[] = [0, n, 0];
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    if (hi - lo < SMALL_GROUP) {
      // Insertion sort of the whole strings (equal up to `depth` already), stable.
      for (let j = lo + 1; j < hi; j++) {
        const v = idx[j]!;
        let k = j - 1;
        while (k >= lo && before(v, idx[k]!)) { idx[k + 1] = idx[k]!; k--; }
        idx[k + 1] = v;
      }
      continue;
    }
    // The key at `depth`: 0 past the string's end, else code unit + 1; reversed when descending.
    for (let j = lo; j < hi; j++) {
      const s = str(idx[j]!);
      const k = depth < s.length ? s.charCodeAt(depth) + 1 : 0;
      keys[j] = descending ? 65537 - k : k;
    }
    // Two stable counting passes over the 17-bit keys: low 9 bits, then the high 8.
    low.fill(0);
    for (let j = lo; j < hi; j++) low[(keys[j]! & 0x1ff) + 1]!++;
    for (let b = 1; b < 513; b++) low[b]! += low[b - 1]!;
    for (let j = lo; j < hi; j++) byLow[lo + low[keys[j]! & 0x1ff]!++] = j;
    high.fill(0);
    for (let j = lo; j < hi; j++) high[(keys[j]! >>> 9) + 1]!++;
    for (let b = 1; b < 258; b++) high[b]! += high[b - 1]!;
    for (let j = lo; j < hi; j++) {
      const pos = byLow[j]!;
      byKey[lo + high[keys[pos]! >>> 9]!++] = pos;
    }
    for (let j = lo; j < hi; j++) {
      const pos = byKey[j]!;
      packets[j] = idx[pos]!;
      sortedKeys[j] = keys[pos]!;
    }
    idx.set(packets.subarray(lo, hi), lo);
    // Runs of one key share the next character: split them further (strings that ended are equal: done).
    for (let a = lo; a < hi;) {
      let b = a + 1;
      while (b < hi && sortedKeys[b] === sortedKeys[a]) b++;
      if (b - a > 1 && sortedKeys[a] !== ended) stack.push(a, b, depth + 1);
      a = b;
    }
  }
}
