/**
 * `tshark -T json`: an array of Elasticsearch-style documents whose
 * `_source.layers` holds the tree keyed by filter name. An item with a value
 * is `"abbrev": "value"`; its subtree follows as `"abbrev_tree": {...}`; an
 * item with only a subtree (a protocol, a label) is `"abbrev": {...}`; an
 * item with neither is `"abbrev": ""`. Text-only items are keyed by their
 * label. Repeated keys stay repeated, as tshark writes them by default.
 */
import type { Dissected } from '../dissect/engine.js';
import type { FieldValue } from '../dissect/field.js';
import { walk, type TreeNode } from '../dissect/tree.js';
import { fieldText, hex, valueText } from './field-text.js';
import { COLUMN_FIELD_PREFIX } from './fields-output.js';
import { COLUMN_TITLES, columnValue, type ColumnTitle, type SummaryColumns } from './summary.js';
import { itemLabel } from './tree-text.js';
import { civilTime } from './civil-time.js';

/** The abbrev of Wireshark's text-only items (hf_text_only), keyed by their label in JSON. */
const TEXT_ONLY = 'text';

/** Writes the array around the documents: `[`, the documents separated by commas, `]`. */
export class JsonArray {
  private count = 0;

  /** Text to write for the next document (its separator included). */
  item(document: string): string {
    return (this.count++ === 0 ? '[\n' : ',\n') + document;
  }

  /** Text that closes the array; an empty capture gives `[]`. */
  end(): string {
    return this.count === 0 ? '[]\n' : '\n]\n';
  }
}

/** One packet's document, indented as an element of the top-level array (no trailing newline). */
export function packetJson(d: Dissected): string {
  const lines: string[] = [];
  lines.push('  {');
  lines.push(`    "_index": ${jsonString(indexName(d))},`);
  lines.push('    "_type": "doc",');
  lines.push('    "_score": null,');
  lines.push('    "_source": {');
  lines.push('      "layers": {');
  writeMembers(d.tree ?? [], 4, lines, d.sources);
  lines.push('      }');
  lines.push('    }');
  lines.push('  }');
  return lines.join('\n');
}

/**
 * `-T json -e F ...`: only the named fields, each as an array of its
 * occurrences in -T fields form; fields absent from the packet are left out.
 */
export function packetJsonFields(d: Dissected, names: readonly string[], cols: SummaryColumns): string {
  const wanted = new Map<string, string[]>();
  for (const name of names) wanted.set(name, []);
  if (d.tree) {
    // -T fields text, except that strings stay raw (JSON escapes them instead of C escapes).
    for (const node of walk(d.tree)) {
      wanted.get(node.def.abbrev)?.push(node.def.type === 'string' && node.value !== null ? String(node.value) : fieldText(node));
    }
  }
  for (const name of wanted.keys()) {
    if (!name.startsWith(COLUMN_FIELD_PREFIX)) continue;
    const title = name.slice(COLUMN_FIELD_PREFIX.length);
    if ((COLUMN_TITLES as readonly string[]).includes(title)) wanted.set(name, [columnValue(cols, title as ColumnTitle)]);
  }
  const present = [...wanted].filter(([, values]) => values.length > 0);
  const lines: string[] = [];
  lines.push('  {');
  lines.push(`    "_index": ${jsonString(indexName(d))},`);
  lines.push('    "_type": "doc",');
  lines.push('    "_score": null,');
  lines.push('    "_source": {');
  lines.push('      "layers": {');
  present.forEach(([name, values], i) => {
    lines.push(`        ${jsonString(name)}: [`);
    values.forEach((v, j) => lines.push(`          ${jsonString(v)}${j < values.length - 1 ? ',' : ''}`));
    lines.push(`        ]${i < present.length - 1 ? ',' : ''}`);
  });
  lines.push('      }');
  lines.push('    }');
  lines.push('  }');
  return lines.join('\n');
}

/** `packets-YYYY-MM-DD` from the frame's arrival date in local time. */
function indexName(d: Dissected): string {
  const t = civilTime(d.ctx.frame.tsSec, false);
  return `packets-${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
}

function writeMembers(nodes: readonly TreeNode[], level: number, out: string[], sources: Dissected['sources']): void {
  const members: [string, string | readonly TreeNode[]][] = [];
  for (const node of nodes) {
    const key = node.def.abbrev === TEXT_ONLY ? itemLabel(node) : node.def.abbrev;
    // A protocol item inside a layer (a TCP option, say) is written as its bytes, then its `_tree`, as tshark does.
    const value = level > 4 && node.def.type === 'protocol' && node.length > 0
      ? hex(sources[node.source]?.tvb.bytes.subarray(node.offset, node.offset + node.length) ?? new Uint8Array(), ':')
      : jsonValue(node);
    const children = node.children && node.children.length > 0 ? node.children : null;
    if (value !== null) members.push([key, value]);
    if (children) members.push([value !== null ? key + '_tree' : key, children]);
    // A protocol item without a subtree (the hidden `_ws.malformed` an expert adds): tshark writes its name.
    if (value === null && !children) members.push([key, node.def.type === 'protocol' ? node.def.name : '']);
  }
  const pad = '  '.repeat(level);
  members.forEach(([key, value], i) => {
    const comma = i < members.length - 1 ? ',' : '';
    if (typeof value === 'string') {
      out.push(`${pad}${jsonString(key)}: ${jsonString(value)}${comma}`);
    } else {
      out.push(`${pad}${jsonString(key)}: {`);
      writeMembers(value, level + 1, out, sources);
      out.push(`${pad}}${comma}`);
    }
  });
}

/** The value tshark writes for an item, or null for one without (protocols, labels). */
function jsonValue(node: TreeNode): string | null {
  const def = node.def;
  if (def.type === 'protocol' || def.type === 'none' || node.value === null) return null;
  return jsonValueText(def, node.value);
}

function jsonValueText(def: TreeNode['def'], value: FieldValue): string {
  switch (def.type) {
    case 'bytes':
      return value instanceof Uint8Array ? hex(value, ':') : String(value);
    case 'string':
      // JSON escaping replaces the C escapes -T fields uses.
      return String(value);
    default:
      return valueText(def, value);
  }
}

const JSON_CONTROL = Array.from({ length: 0x20 }, (_, c) => '\\u' + c.toString(16).padStart(4, '0'));
JSON_CONTROL[8] = '\\b';
JSON_CONTROL[9] = '\\t';
JSON_CONTROL[10] = '\\n';
JSON_CONTROL[12] = '\\f';
JSON_CONTROL[13] = '\\r';

/** A JSON string as Wireshark's json_dumper writes it: only quotes, backslashes and control characters escaped. */
export function jsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) {
      out += s.slice(start, i) + (c < 0x20 ? JSON_CONTROL[c] : '\\' + s[i]);
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}
