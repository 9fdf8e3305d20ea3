/**
 * Options of the tcpdump view, named after tcpdump's own flags, and the state
 * that must survive from one packet to the next (tcpdump keeps the same:
 * sequence-number bases per TCP connection, the previous packet's time).
 */

/** -t (none), -tt (epoch), -ttt (delta from previous), -tttt (date), -ttttt (delta from first); default is local HH:MM:SS. */
export type TimestampStyle = 'default' | 'none' | 'epoch' | 'delta' | 'date' | 'sinceFirst';

export interface TcpdumpState {
  /** Sequence-number bases of TCP connections, keyed by the connection's canonical address pair. */
  readonly tcpBases: Map<string, { seq: number; ack: number }>;
  /** Time of the previous packet (-ttt) and of the first (-ttttt), in ns since the epoch. */
  prevNs: bigint | null;
  firstNs: bigint | null;
}

export interface TcpdumpOptions {
  /** -A: the packet (from the network header) as ASCII. */
  ascii?: boolean;
  /** -X: hex and ASCII. */
  hex?: boolean;
  /** -x: hex only. */
  hexOnly?: boolean;
  /** -XX / -xx / -AA: the dumps start at the link-layer header instead of the network header. */
  withLinkHeader?: boolean;
  /** -e: the link-level header. */
  link?: boolean;
  /** -v (1), -vv (2), -vvv (3); true counts as 1. */
  verbose?: boolean | number;
  timestampStyle?: TimestampStyle;
  /** -#: the packet number in front of each line. */
  number?: boolean;
  /** -S: absolute TCP sequence numbers. */
  absoluteSeq?: boolean;
  /** Timestamps with nine digits, as `--nano` asks; without it tcpdump shows microseconds even for nanosecond files. */
  nano?: boolean;
  /**
   * Paquet's own: each WebSocket frame's unmasked payload under its packet. Needs a dissection with a
   * tree (the frames come from the WebSocket dissector); the rest of the view also works without one.
   */
  websocket?: boolean;
  /**
   * Name of the interface with this index, for Linux cooked v2 headers. tcpdump asks the machine it runs on
   * (hence its warning that names may be wrong); the default knows only `lo` (index 1), else `?`.
   */
  interfaceName?: (ifindex: number) => string | undefined;
  state: TcpdumpState;
}

export function createTcpdumpState(): TcpdumpState {
  return { tcpBases: new Map(), prevNs: null, firstNs: null };
}

export function verbosity(opts: TcpdumpOptions): number {
  const v = opts.verbose;
  return v === true ? 1 : typeof v === 'number' ? v : 0;
}
