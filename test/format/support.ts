/**
 * Helpers for the formatter tests: read tshark's expected output
 * (test/cli/expected/), and rebuild packets from it so a formatter can be
 * checked against tshark without Paquet's dissectors.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readCapture } from '../../shared/capture/index.js';
import type { CaptureRecord } from '../../shared/capture/types.js';
import type { Dissected } from '../../shared/dissect/engine.js';
import type { FieldDef, FieldValue } from '../../shared/dissect/field.js';
import { TreeNode } from '../../shared/dissect/tree.js';
import type { SummaryColumns } from '../../shared/format/summary.js';
import * as cases from '../cli/cases.mjs';

export const REPO = resolve(import.meta.dirname, '../..');
export const EXPECTED = join(REPO, 'test/cli/expected');

export interface CaptureCase { slug: string; path: string; fieldSet: string; formatOnly?: boolean }
export interface OptionVariant { slug: string; options: string[] }
export interface ErrorCase { name: string; args: string[] }

export const CAPTURES: CaptureCase[] = cases.CAPTURES;
export const FIELD_SETS: Record<string, string[]> = cases.FIELD_SETS;
export const FILTERS: Record<string, string> = cases.FILTERS;
export const OPTION_VARIANTS: OptionVariant[] = cases.OPTION_VARIANTS;
export const ERROR_CASES: ErrorCase[] = cases.ERROR_CASES;
export const COLUMN_FIELDS: string[] = cases.COLUMN_FIELDS;
export const RAW_SEPARATOR: string = cases.RAW_SEPARATOR;
export const RAW_AGGREGATOR: string = cases.RAW_AGGREGATOR;
export const CHAT: string = cases.CHAT;
export const makeFixtures: (repo: string) => void = cases.makeFixtures;

// Some cases read files made from others (a truncated copy, a crafted capture): make them once per test file.
makeFixtures(REPO);

export function expected(slug: string, file: string): string {
  return readFileSync(join(EXPECTED, slug, file), 'utf8');
}

/** Lines of a text file without the final newline's empty entry. */
export function lines(text: string): string[] {
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

export function records(path: string): CaptureRecord[] {
  return [...readCapture(new Uint8Array(readFileSync(resolve(REPO, path)))).records()];
}

/** tshark's summary columns per packet, from columns.tsv. */
export function tsharkColumns(slug: string): SummaryColumns[] {
  return lines(expected(slug, 'columns.tsv')).map((line) => {
    const [no, time, source, destination, protocol, length, info] = line.split(RAW_SEPARATOR);
    return { no: no!, time: time!, source: source!, destination: destination!, protocol: protocol!, length: length!, info: info! };
  });
}

/** Per packet, per requested field, the occurrences tshark printed (fields-raw.txt). */
export function tsharkOccurrences(slug: string, fields: readonly string[]): string[][][] {
  return lines(expected(slug, 'fields-raw.txt')).map((line) => {
    const cells = line.split(RAW_SEPARATOR);
    return fields.map((_, i) => (cells[i] ? cells[i]!.split(RAW_AGGREGATOR) : []));
  });
}

/** A def whose -T fields and JSON text is its value as given (framenum prints String(value)). */
function verbatim(abbrev: string): FieldDef {
  return { abbrev, name: abbrev, type: 'framenum' };
}

function node(def: FieldDef, value: FieldValue, children?: TreeNode[]): TreeNode {
  const n = new TreeNode(def, 0, 0, 0, value);
  if (children) n.children = children;
  return n;
}

const FIELDS_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
/**
 * Undo the five C escapes -T fields puts in strings. Other backslashes are the value's own;
 * a value's own `\t` comes back a tab, which -T fields prints as `\t` again.
 */
export function unescapeFields(s: string): string {
  return s.replace(/\\([bfnrt])/g, (_, e: string) => FIELDS_ESCAPES[e]!);
}

/**
 * A packet whose tree holds the given occurrences, one flat string item
 * each: -T fields escapes them back to what tshark printed, and JSON writes
 * them raw as tshark does for strings. (Numbers, bytes and addresses never
 * contain backslashes, so treating every value as a string is exact.)
 */
export function packetFromOccurrences(fields: readonly string[], occurrences: readonly string[][], num: number, tsSec = 0): Dissected {
  const tree: TreeNode[] = [];
  fields.forEach((f, i) => {
    if (f.startsWith('_ws.col.')) return;
    for (const v of occurrences[i] ?? []) tree.push(node({ abbrev: f, name: f, type: 'string' }, unescapeFields(v)));
  });
  return fakeDissected(tree, num, tsSec);
}

export function fakeDissected(tree: TreeNode[] | null, num: number, tsSec: number): Dissected {
  return {
    num, src: '', dst: '', protocol: '', info: '', protocols: '', relSec: 0, relNsec: 0, tree, sources: [], malformed: false,
    ctx: { frame: { tsSec, num, origLen: 0 } } as unknown as Dissected['ctx'],
  };
}

/* ---- JSON with repeated keys, as tshark writes it ---- */

export type JsonPairs = [string, string | JsonPairs | JsonPairs[] | null][];

/** Parse JSON keeping every member of an object in order, repeated keys included. */
export function parseJsonPairs(text: string): unknown {
  let i = 0;
  const ws = (): void => { while (/\s/.test(text[i] ?? '')) i++; };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const pairs: [string, unknown][] = [];
      ws();
      if (text[i] === '}') { i++; return pairs; }
      for (;;) {
        ws();
        const key = str();
        ws();
        if (text[i++] !== ':') throw new Error(`expected : at ${i}`);
        pairs.push([key, value()]);
        ws();
        const d = text[i++];
        if (d === '}') return pairs;
        if (d !== ',') throw new Error(`expected , or } at ${i}`);
      }
    }
    if (c === '[') {
      i++;
      const items: unknown[] = [];
      ws();
      if (text[i] === ']') { i++; return { array: items }; }
      for (;;) {
        items.push(value());
        ws();
        const d = text[i++];
        if (d === ']') return { array: items };
        if (d !== ',') throw new Error(`expected , or ] at ${i}`);
      }
    }
    if (c === '"') return str();
    if (text.startsWith('null', i)) { i += 4; return null; }
    throw new Error(`unexpected ${c} at ${i}`);
  };
  const str = (): string => {
    const start = i;
    if (text[i++] !== '"') throw new Error(`expected string at ${start}`);
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const v = value();
  ws();
  if (i !== text.length) throw new Error(`trailing data at ${i}`);
  return v;
}

type Pairs = [string, unknown][];

/** The `_source.layers` members of each document of a tshark -T json array. */
export function jsonLayers(text: string): Pairs[] {
  const top = parseJsonPairs(text) as { array: Pairs[] };
  return top.array.map((doc) => {
    const source = doc.find(([k]) => k === '_source')![1] as Pairs;
    return source.find(([k]) => k === 'layers')![1] as Pairs;
  });
}

/**
 * A tree that -T json writes back as `members`: string members are items
 * holding that text, `key_tree` objects the subtree of the item before them,
 * other objects label-only items (protocols, text) with a subtree.
 */
export function treeFromJson(members: Pairs): TreeNode[] {
  const nodes: TreeNode[] = [];
  for (const [key, value] of members) {
    if (typeof value === 'string') {
      nodes.push(value === '' ? node({ abbrev: key, name: key, type: 'none' }, null) : node(verbatim(key), value));
      continue;
    }
    const last = nodes[nodes.length - 1];
    if (key.endsWith('_tree') && last && last.def.abbrev === key.slice(0, -5) && last.value !== null) {
      last.children = treeFromJson(value as Pairs);
      continue;
    }
    nodes.push(node({ abbrev: key, name: key, type: 'protocol' }, null, treeFromJson(value as Pairs)));
  }
  return nodes;
}
