/**
 * A short most-recent-first list kept as a JSON file (the recent files, the
 * display-filter history). Every change re-reads the file first, so windows
 * sharing one state folder add to each other's lists instead of overwriting
 * them; changes to one file are queued so they never interleave in this process.
 * A missing or damaged file reads as an empty list: losing a history is
 * better than refusing to start.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.js';

export interface ListRules<T> {
  /** Entries kept; older ones drop off the end. */
  readonly max: number;
  /** An entry read from the file, or undefined to drop it (wrong shape). */
  parse(v: unknown): T | undefined;
  /** Entries that are the same thing (a newer one replaces the older). */
  same(a: T, b: T): boolean;
}

/** Per-file queue of pending changes (module-wide: several lists may name one file). */
const queues = new Map<string, Promise<unknown>>();

function queued<R>(file: string, task: () => Promise<R>): Promise<R> {
  const previous = queues.get(file) ?? Promise.resolve();
  const next = previous.then(task, task);
  const settled = next.catch(() => undefined);
  queues.set(file, settled);
  void settled.then(() => {
    if (queues.get(file) === settled) queues.delete(file);
  });
  return next;
}

export class PersistedList<T> {
  constructor(
    readonly file: string,
    private readonly rules: ListRules<T>,
  ) {}

  /** The list as stored; [] when the file is missing or not a JSON array. */
  async read(): Promise<T[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return []; // missing (first run) or unreadable: start empty
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return [];
    }
    if (!Array.isArray(parsed)) return [];
    const out: T[] = [];
    for (const v of parsed) {
      const item = this.rules.parse(v);
      if (item !== undefined && !out.some((o) => this.rules.same(o, item))) out.push(item);
      if (out.length === this.rules.max) break;
    }
    return out;
  }

  /** Put `item` first (removing an older copy), keep `max`, write; returns the new list. */
  add(item: T): Promise<T[]> {
    return this.change((list) => [item, ...list.filter((o) => !this.rules.same(o, item))]);
  }

  /** Drop the entries matching `item`; returns the new list. */
  remove(item: T): Promise<T[]> {
    return this.change((list) => list.filter((o) => !this.rules.same(o, item)));
  }

  private change(edit: (list: T[]) => T[]): Promise<T[]> {
    return queued(this.file, async () => {
      const list = edit(await this.read()).slice(0, this.rules.max);
      await writeFileAtomic(this.file, `${JSON.stringify(list, null, 1)}\n`);
      return list;
    });
  }
}
