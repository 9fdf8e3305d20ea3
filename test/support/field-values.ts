/** A packet's tree as each field's values in tree order (hidden items included), comparable as text. */
import { walk, type TreeNode } from '../../shared/dissect/tree.js';

function valueText(v: unknown): string {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (typeof v === 'bigint') return `${v}n`;
  return JSON.stringify(v);
}

export function valuesByField(tree: readonly TreeNode[] | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const n of walk(tree ?? [])) {
    let list = out.get(n.def.abbrev);
    if (!list) out.set(n.def.abbrev, (list = []));
    list.push(valueText(n.value));
  }
  return out;
}
