/** "Did you mean": the known field name nearest to a mistyped one. */

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}

/** The nearest name within a few edits, or undefined when nothing is close enough to be a plausible typo. */
export function nearestName(name: string, known: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 4));
  let best: string | undefined;
  let bestDist = Infinity;
  for (const k of known) {
    if (Math.abs(k.length - name.length) > limit) continue;
    const dist = editDistance(name.toLowerCase(), k.toLowerCase());
    if (dist < bestDist || (dist === bestDist && best !== undefined && k.length < best.length)) {
      best = k;
      bestDist = dist;
    }
  }
  return bestDist <= limit ? best : undefined;
}
