/** The timestamp in front of each tcpdump line, in the style of -t/-tt/-ttt/-tttt/-ttttt. */
import type { TcpdumpOptions } from './options.js';
import { civilTime, type CivilTime } from '../format/civil-time.js';

const NS_PER_SEC = 1_000_000_000n;

function fraction(nsec: number, nano: boolean): string {
  return nano ? String(nsec).padStart(9, '0') : String(Math.floor(nsec / 1000)).padStart(6, '0');
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** Wall-clock time in the local zone (tcpdump's default), as HH:MM:SS. */
function clock(t: CivilTime): string {
  return `${two(t.hour)}:${two(t.minute)}:${two(t.second)}`;
}

/** A time difference as tcpdump's -ttt shows it: sign, then hours:minutes:seconds.fraction. */
function deltaText(deltaNs: bigint, nano: boolean): string {
  const sign = deltaNs < 0n ? '-' : ' ';
  const abs = deltaNs < 0n ? -deltaNs : deltaNs;
  const sec = Number(abs / NS_PER_SEC);
  const nsec = Number(abs % NS_PER_SEC);
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  return `${sign}${two(h)}:${two(m)}:${two(sec % 60)}.${fraction(nsec, nano)}`;
}

/** The timestamp text with its trailing space ('' for -t); updates the previous/first times in the state. */
export function timestampText(tsSec: number, tsNsec: number, opts: TcpdumpOptions): string {
  const nano = !!opts.nano;
  const ns = BigInt(tsSec) * NS_PER_SEC + BigInt(tsNsec);
  const state = opts.state;
  const prev = state.prevNs ?? ns;
  const first = state.firstNs ?? ns;
  state.prevNs = ns;
  state.firstNs = first;
  switch (opts.timestampStyle ?? 'default') {
    case 'none':
      return '';
    case 'epoch':
      return `${tsSec}.${fraction(tsNsec, nano)} `;
    case 'delta':
      return deltaText(ns - prev, nano) + ' ';
    case 'sinceFirst':
      return deltaText(ns - first, nano) + ' ';
    case 'date': {
      const t = civilTime(tsSec, false);
      return `${t.year}-${two(t.month)}-${two(t.day)} ${clock(t)}.${fraction(tsNsec, nano)} `;
    }
    default:
      return `${clock(civilTime(tsSec, false))}.${fraction(tsNsec, nano)} `;
  }
}
