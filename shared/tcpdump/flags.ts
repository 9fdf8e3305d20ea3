/**
 * tcpdump's display flags (`-A`, `-XX`, `-e`, `-vv`, `-tttt`, `-#`, `-S`, `-nn`,
 * also bundled as `-nnvX`) turned into the view's options, so a command line
 * or a settings field can take them as tcpdump users type them.
 */
import type { TcpdumpOptions, TimestampStyle } from './options.js';

export type TcpdumpDisplayOptions = Omit<TcpdumpOptions, 'state' | 'interfaceName'>;

const TIMESTAMP_STYLES: readonly TimestampStyle[] = ['default', 'none', 'epoch', 'delta', 'date', 'sinceFirst'];

export interface ParsedTcpdumpFlags {
  options: TcpdumpDisplayOptions;
  /** Arguments that are not display flags this view knows (left for the caller to handle or reject). */
  rest: string[];
}

export function parseTcpdumpFlags(args: readonly string[]): ParsedTcpdumpFlags {
  const counts = new Map<string, number>();
  const rest: string[] = [];
  for (const arg of args) {
    if (arg === '--nano') {
      counts.set('nano', 1);
      continue;
    }
    if (!/^-[AXxevtn#S]+$/.test(arg)) {
      rest.push(arg);
      continue;
    }
    for (const c of arg.slice(1)) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const o: TcpdumpDisplayOptions = {};
  const a = counts.get('A') ?? 0, X = counts.get('X') ?? 0, x = counts.get('x') ?? 0;
  // As in tcpdump, -X wins over -x, which wins over -A; doubling any of them includes the link header.
  if (X) o.hex = true;
  else if (x) o.hexOnly = true;
  else if (a) o.ascii = true;
  if ((X || x || a) && Math.max(X, x, a) > 1) o.withLinkHeader = true;
  if (counts.get('e')) o.link = true;
  const v = counts.get('v') ?? 0;
  if (v) o.verbose = v;
  const t = counts.get('t') ?? 0;
  if (t) o.timestampStyle = TIMESTAMP_STYLES[Math.min(t, 5)]!;
  if (counts.get('#')) o.number = true;
  if (counts.get('S')) o.absoluteSeq = true;
  if (counts.get('nano')) o.nano = true;
  return { options: o, rest };
}
