/** Test helper: a capture file printed by Paquet's tcpdump view, and a line-by-line comparison with tcpdump's text. */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createTcpdumpState, formatTcpdump, parseTcpdumpFlags, type TcpdumpOptions } from '../../shared/tcpdump/index.js';
import { dissectFile, REPO } from '../support/dissect-file.js';

/** tcpdump names SLL2 interfaces from the machine it runs on; the expected files were made on this one. */
function localInterfaceNames(): Map<number, string> {
  const names = new Map<number, string>();
  try {
    for (const name of readdirSync('/sys/class/net')) {
      const index = Number(readFileSync(`/sys/class/net/${name}/ifindex`, 'utf8').trim());
      if (Number.isFinite(index)) names.set(index, name);
    }
  } catch {
    names.set(1, 'lo');
  }
  return names;
}
const IFNAMES = localInterfaceNames();

export type ViewOptions = Omit<TcpdumpOptions, 'state'>;

/** `withTree` false: the fast summary dissection, where the view reads every header from the bytes. */
export function tcpdumpView(capture: string, opts: ViewOptions, withTree = true): string[] {
  const path = resolve(REPO, capture);
  const { packets } = dissectFile(path, withTree);
  const state = createTcpdumpState();
  const full: TcpdumpOptions = { interfaceName: (i) => IFNAMES.get(i), ...opts, state };
  const lines: string[] = [];
  for (const d of packets) lines.push(...formatTcpdump(d, full));
  return lines;
}

/** tcpdump's output as lines, decoded byte for byte (its -A output is not UTF-8). */
export function expectedLines(file: string): string[] {
  const text = new TextDecoder('latin1').decode(readFileSync(file));
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export interface Comparison {
  matching: number;
  total: number;
  /** First differing lines, for the failure message. */
  diffs: string[];
}

/** Lines equal at the same position; the total is the longer of the two outputs. */
export function compareLines(actual: readonly string[], expected: readonly string[]): Comparison {
  const total = Math.max(actual.length, expected.length);
  let matching = 0;
  const diffs: string[] = [];
  for (let i = 0; i < total; i++) {
    if (actual[i] === expected[i]) matching++;
    else if (diffs.length < 6) diffs.push(`line ${i + 1}\n  tcpdump: ${JSON.stringify(expected[i])}\n  paquet:  ${JSON.stringify(actual[i])}`);
  }
  return { matching, total, diffs };
}

export function share(c: Comparison): string {
  return c.total === 0 ? '100.0%' : `${((100 * c.matching) / c.total).toFixed(1)}%`;
}

/** tcpdump flags as the view's options (the flags the tests use are all display flags). */
export function optionsFromFlags(flags: readonly string[]): ViewOptions {
  const { options, rest } = parseTcpdumpFlags(flags);
  if (rest.length) throw new Error(`not a display flag: ${rest.join(' ')}`);
  return options;
}
