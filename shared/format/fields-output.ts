/**
 * `tshark -T fields -e F ... -E opt=val`: one line per packet, one cell per
 * requested field, every occurrence of the field in tree order (hidden items
 * included) joined by the aggregator, or only the first or last. The
 * `_ws.col.<Title>` names give the summary columns.
 */
import type { Dissected } from '../dissect/engine.js';
import type { Registry } from '../dissect/registry.js';
import { walk } from '../dissect/tree.js';
import { fieldText } from './field-text.js';
import { COLUMN_TITLES, columnValue, type ColumnTitle, type SummaryColumns } from './summary.js';

export interface FieldsOptions {
  bom: boolean;
  header: boolean;
  separator: string;
  occurrence: 'f' | 'l' | 'a';
  aggregator: string;
  /** The quote character put around non-empty cells, or '' for none. */
  quote: string;
}

export function defaultFieldsOptions(): FieldsOptions {
  return { bom: false, header: false, separator: '\t', occurrence: 'a', aggregator: ',', quote: '' };
}

/** Field names that are summary columns, whether or not the title names one of ours. */
export const COLUMN_FIELD_PREFIX = '_ws.col.';

/**
 * Apply one `-E name=value`, as tshark reads it: only the first character of
 * the value counts, `/t` and `/s` mean tab and space. Returns false when
 * tshark would reject it.
 */
export function setFieldsOption(options: FieldsOptions, assignment: string): boolean {
  const eq = assignment.indexOf('=');
  if (eq < 0) return false;
  const name = assignment.slice(0, eq);
  const value = assignment.slice(eq + 1);
  const first = value.charAt(0);
  switch (name) {
    case 'bom':
    case 'header': {
      const flag = yesNo(first);
      if (flag === undefined) return false;
      options[name] = flag;
      return true;
    }
    case 'separator':
    case 'aggregator': {
      if (first === '') return false;
      options[name] = first === '/' ? slashEscape(value.charAt(1)) : first;
      return true;
    }
    case 'occurrence':
      if (first !== 'f' && first !== 'l' && first !== 'a') return false;
      options.occurrence = first;
      return true;
    case 'quote':
      if (first === 'd') options.quote = '"';
      else if (first === 's') options.quote = "'";
      else if (first === 'n') options.quote = '';
      else return false;
      return true;
    default:
      return false;
  }
}

/** The option name tshark quotes in its error for a rejected `-E` assignment. */
export function fieldsOptionName(assignment: string): string {
  const eq = assignment.indexOf('=');
  return eq < 0 ? assignment : assignment.slice(0, eq);
}

function yesNo(c: string): boolean | undefined {
  if (c === 'y' || c === 'Y') return true;
  if (c === 'n' || c === 'N') return false;
  return undefined;
}

function slashEscape(c: string): string {
  if (c === 't') return '\t';
  if (c === 's') return ' ';
  return '\\';
}

/**
 * Requested names that are neither a known field or protocol nor a column,
 * in the order tshark lists them (last given first).
 */
export function invalidFields(names: readonly string[], registry: Registry): string[] {
  const bad: string[] = [];
  for (const name of names) {
    if (name.startsWith(COLUMN_FIELD_PREFIX)) continue;
    if (!registry.field(name)) bad.push(name);
  }
  return bad.reverse();
}

/** tshark's complaint about unknown `-e` names, one name a line after a tab. */
export function invalidFieldsMessage(program: string, bad: readonly string[]): string {
  return `${program}: Some fields aren't valid:\n` + bad.map((b) => `\t${b}\n`).join('');
}

export class FieldsPrinter {
  private readonly index = new Map<string, number[]>();
  private readonly columns: (ColumnTitle | null | undefined)[];

  constructor(
    readonly names: readonly string[],
    readonly options: FieldsOptions,
  ) {
    this.columns = names.map((name) => {
      if (!name.startsWith(COLUMN_FIELD_PREFIX)) return undefined;
      const title = name.slice(COLUMN_FIELD_PREFIX.length);
      // tshark accepts any _ws.col.X; one that is not a column title prints empty.
      return (COLUMN_TITLES as readonly string[]).includes(title) ? (title as ColumnTitle) : null;
    });
    names.forEach((name, i) => {
      if (this.columns[i] !== undefined) return;
      const slots = this.index.get(name);
      if (slots) slots.push(i);
      else this.index.set(name, [i]);
    });
  }

  /** What comes before the first packet: the `-E bom=y` mark and the `-E header=y` line. */
  preamble(): string {
    return (this.options.bom ? '\uFEFF' : '') + (this.options.header ? this.names.join(this.options.separator) + '\n' : '');
  }

  /** One packet's line (no newline). The packet must have been dissected with a tree. */
  line(d: Dissected, cols: SummaryColumns): string {
    const values: string[][] = this.names.map(() => []);
    if (this.index.size > 0 && d.tree) {
      for (const node of walk(d.tree)) {
        const slots = this.index.get(node.def.abbrev);
        if (!slots) continue;
        const text = fieldText(node);
        for (const i of slots) values[i]!.push(text);
      }
    }
    // tshark quotes every field it found, even an empty one: a known column always, a field once it occurs.
    const cells = this.names.map((_, i) => {
      const column = this.columns[i];
      if (column === null) return '';
      if (column !== undefined) return this.quoted(columnValue(cols, column));
      return values[i]!.length === 0 ? '' : this.quoted(this.pick(values[i]!));
    });
    return cells.join(this.options.separator);
  }

  private pick(values: readonly string[]): string {
    if (values.length === 0) return '';
    switch (this.options.occurrence) {
      case 'f': return values[0]!;
      case 'l': return values[values.length - 1]!;
      default: return values.join(this.options.aggregator);
    }
  }

  private quoted(cell: string): string {
    return this.options.quote + cell + this.options.quote;
  }
}
