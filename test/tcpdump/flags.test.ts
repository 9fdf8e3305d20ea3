/** tcpdump's display flags, as its manual describes them, parsed into the view's options. */
import { describe, expect, it } from 'vitest';
import { parseTcpdumpFlags } from '../../shared/tcpdump/index.js';

describe('parseTcpdumpFlags', () => {
  it('reads bundled flags and counts repeated letters', () => {
    expect(parseTcpdumpFlags(['-nnvvXS']).options).toEqual({ hex: true, verbose: 2, absoluteSeq: true });
    expect(parseTcpdumpFlags(['-n', '-e', '-#', '-A']).options).toEqual({ link: true, number: true, ascii: true });
  });

  it('doubles -A, -x and -X to include the link header; -X wins over -x and -A', () => {
    expect(parseTcpdumpFlags(['-AA']).options).toEqual({ ascii: true, withLinkHeader: true });
    expect(parseTcpdumpFlags(['-xx']).options).toEqual({ hexOnly: true, withLinkHeader: true });
    expect(parseTcpdumpFlags(['-A', '-X']).options).toEqual({ hex: true });
  });

  it('maps one to five t to the timestamp styles', () => {
    const style = (f: string) => parseTcpdumpFlags([f]).options.timestampStyle;
    expect(['-t', '-tt', '-ttt', '-tttt', '-ttttt'].map(style)).toEqual(['none', 'epoch', 'delta', 'date', 'sinceFirst']);
  });

  it('leaves other arguments to the caller', () => {
    expect(parseTcpdumpFlags(['-i', 'any', 'port', '7272', '--nano'])).toEqual({ options: { nano: true }, rest: ['-i', 'any', 'port', '7272'] });
  });
});
