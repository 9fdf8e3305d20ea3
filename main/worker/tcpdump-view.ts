/**
 * The terminal pane's text: what `tcpdump -nn -A` / `-nn -X` prints for each
 * displayed packet, or `-nn` plus Paquet's WebSocket lines, built with the
 * CLI's own options (main/cli/tcpdump-mode.ts) and shared/tcpdump.
 *
 * tcpdump prints TCP sequence numbers relative to a base it takes from an
 * earlier packet: the first packet of the connection with ACK set, or the last
 * SYN+ACK. The pane asks for any range of the displayed list, in any order
 * (sorted, filtered), so the base cannot come from printing everything before
 * it. Instead the first pass records, per TCP stream, the packets that set a
 * base (the first one with ACK, and every SYN+ACK); before printing packet X the
 * base packet (the last of those at or before X) is printed into a fresh state,
 * discarded, and X is printed with that state. The numbers then match
 * `tcpdump -nn -r FILE` whatever range is shown. (tcpdump keys the base by the
 * address pair and Paquet by tcp.stream; they differ only when a connection
 * reuses the ports of an earlier one without a SYN+ACK in the capture.)
 */
import type { Dissected } from '../../shared/dissect/engine.js';
import type { TcpdumpBlock, TcpdumpMode } from '../../shared/ipc/contract.js';
import { createTcpdumpState, formatTcpdump, type TcpdumpOptions, type TcpdumpState } from '../../shared/tcpdump/index.js';
import { tcpdumpArgs } from '../cli/tcpdump-mode.js';

const FLAGS: Readonly<Record<TcpdumpMode, string>> = { A: '-A', X: '-X', websocket: '--websocket' };
/** Primed states kept between requests (each holds one connection's base). */
const MAX_PRIMED = 512;

export interface TcpdumpSource {
  /** Packet i (0-based) dissected again; with its tree only when asked (the WebSocket lines need it). */
  dissect(i: number, withTree: boolean): Promise<Dissected>;
  /** tcp.stream of packet i, -1 when not TCP. */
  tcpStream(i: number): number;
  /** Packets of a stream that set tcpdump's base (ascending). */
  baseSetters(stream: number): readonly number[] | undefined;
}

export class TcpdumpView {
  private readonly options = new Map<TcpdumpMode, TcpdumpOptions>();
  /** State after printing base packet B, by B. */
  private readonly primed = new Map<number, TcpdumpState>();

  constructor(private readonly source: TcpdumpSource) {}

  async blocks(packets: readonly number[], mode: TcpdumpMode): Promise<TcpdumpBlock[]> {
    const opts = this.optionsFor(mode);
    const out: TcpdumpBlock[] = [];
    for (const i of packets) {
      const state = await this.stateFor(i);
      const d = await this.source.dissect(i, mode === 'websocket');
      out.push({ num: i + 1, lines: formatTcpdump(d, { ...opts, state }) });
    }
    return out;
  }

  private optionsFor(mode: TcpdumpMode): TcpdumpOptions {
    let o = this.options.get(mode);
    if (!o) {
      const parsed = tcpdumpArgs(['-T', 'tcpdump', FLAGS[mode]]);
      if (!parsed) throw new Error(`no tcpdump options for mode ${mode}`);
      o = parsed.options;
      this.options.set(mode, o);
    }
    return o;
  }

  /** The state packet i is printed with: primed with its connection's base packet, or fresh. */
  private async stateFor(i: number): Promise<TcpdumpState> {
    const stream = this.source.tcpStream(i);
    const setters = stream >= 0 ? this.source.baseSetters(stream) : undefined;
    const base = setters ? lastAtOrBefore(setters, i) : -1;
    // A packet that sets the base prints its own numbers absolute, from a fresh state.
    if (base < 0 || base === i) return createTcpdumpState();
    let state = this.primed.get(base);
    if (!state) {
      state = createTcpdumpState();
      formatTcpdump(await this.source.dissect(base, false), { ...this.optionsFor('A'), ascii: false, state });
      if (this.primed.size >= MAX_PRIMED) this.primed.delete(this.primed.keys().next().value!);
      this.primed.set(base, state);
    }
    return state;
  }
}

function lastAtOrBefore(sorted: readonly number[], x: number): number {
  let lo = 0, hi = sorted.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) { found = sorted[mid]!; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}
