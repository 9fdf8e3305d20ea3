/**
 * tshark's default one-line packet summary (No., Time, Source, Destination,
 * Protocol, Length, Info). tshark pads by column kind, never by file: the
 * number is right-aligned to 5, the time to 10, the source right-aligned to
 * 12 and the destination left-aligned to 12; the rest are not padded. A
 * source followed by a destination is joined by " → " instead of a space.
 */
import type { Dissected } from '../dissect/engine.js';
import { truncateUtf8, utf8Length } from './utf8-text.js';
import { civilTime } from './civil-time.js';

/** The summary columns of one packet, as text before padding. */
export interface SummaryColumns {
  readonly no: string;
  readonly time: string;
  readonly source: string;
  readonly destination: string;
  readonly protocol: string;
  readonly length: string;
  readonly info: string;
}

/** Column titles as tshark names them (also the `_ws.col.<title>` field names). */
export const COLUMN_TITLES = ['No.', 'Time', 'Source', 'Destination', 'Protocol', 'Length', 'Info'] as const;
export type ColumnTitle = (typeof COLUMN_TITLES)[number];

/** Decimals of the Time column for microsecond timestamps (classic pcap, pcapng's default resolution). */
export const DEFAULT_TIME_DIGITS = 6;

/** Wireshark keeps at most this many bytes of a column's text (COL_MAX_LEN - 1, COL_MAX_INFO_LEN - 1 for Info). */
export const COLUMN_MAX_BYTES = 2047;
export const INFO_MAX_BYTES = 4095;

/**
 * The columns of a dissected packet. The Time column is the time since the
 * first frame unless `timeText` gives it in another format (see timeColumn).
 */
export function summaryColumns(d: Dissected, timeDigits = DEFAULT_TIME_DIGITS, timeText?: string): SummaryColumns {
  return {
    no: String(d.num),
    time: timeText ?? relativeTimeColumn(d.relSec, d.relNsec, timeDigits),
    source: truncateUtf8(d.src, COLUMN_MAX_BYTES),
    destination: truncateUtf8(d.dst, COLUMN_MAX_BYTES),
    protocol: truncateUtf8(d.protocol, COLUMN_MAX_BYTES),
    length: String(d.ctx.frame.origLen),
    info: truncateUtf8(d.info, INFO_MAX_BYTES),
  };
}

export function columnValue(cols: SummaryColumns, title: ColumnTitle): string {
  switch (title) {
    case 'No.': return cols.no;
    case 'Time': return cols.time;
    case 'Source': return cols.source;
    case 'Destination': return cols.destination;
    case 'Protocol': return cols.protocol;
    case 'Length': return cols.length;
    case 'Info': return cols.info;
  }
}

/** The whole summary line, without the newline. */
export function summaryLine(d: Dissected, timeDigits = DEFAULT_TIME_DIGITS): string {
  return formatSummary(summaryColumns(d, timeDigits));
}

export function formatSummary(c: SummaryColumns): string {
  return (
    padStart(c.no, 5) + ' ' +
    padStart(c.time, 10) + ' ' +
    padStart(c.source, 12) + ' \u2192 ' +
    padEnd(c.destination, 12) + ' ' +
    c.protocol + ' ' +
    c.length + ' ' +
    c.info
  );
}

/**
 * Seconds since the first frame with `digits` decimals, truncated (not
 * rounded) as Wireshark does; a negative time (out-of-order timestamps)
 * keeps its sign even when it truncates to zero.
 */
export function relativeTimeColumn(sec: number, nsec: number, digits: number): string {
  // Plain numbers (no BigInt: this runs for every packet): carry nsec into [0, 1e9), then take the magnitude.
  if (nsec < 0 || nsec >= 1e9) {
    const carry = Math.floor(nsec / 1e9);
    sec += carry;
    nsec -= carry * 1e9;
  }
  const negative = sec < 0;
  if (negative && nsec > 0) {
    sec += 1;
    nsec = 1e9 - nsec;
  }
  const whole = negative ? -sec : sec;
  const sign = negative ? '-' : '';
  if (digits <= 0) return sign + whole;
  return sign + whole + '.' + fraction(nsec, digits);
}

/** '000' to '999': a fraction is read off in groups of three digits (no number turned to text per packet). */
const TRIPLES = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** The first `digits` (1 to 9) of the nine-digit, zero-padded `nsec`: truncated, not rounded. */
function fraction(nsec: number, digits: number): string {
  const ms = TRIPLES[Math.floor(nsec / 1e6)]!;
  if (digits === 3) return ms;
  const us = TRIPLES[Math.floor(nsec / 1e3) % 1000]!;
  if (digits === 6) return ms + us;
  const all = ms + us + TRIPLES[nsec % 1000]!;
  return digits >= 9 ? all : all.slice(0, digits);
}

/** tshark -t: r relative, a/ad/adoy absolute local time, u/ud/udoy the same in UTC, d/dd delta, e epoch. */
export const TIME_FORMATS = ['r', 'a', 'ad', 'adoy', 'd', 'dd', 'e', 'u', 'ud', 'udoy'] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];

/** The times a packet's Time column can show, as seconds and nanoseconds. */
export interface PacketTimes {
  readonly absSec: number;
  readonly absNsec: number;
  readonly relSec: number;
  readonly relNsec: number;
  /** Since the previous frame (there are no display filters, so captured = displayed). */
  readonly deltaSec: number;
  readonly deltaNsec: number;
}

/** The Time column in a -t format, with `digits` decimals (truncated, as Wireshark does). */
export function timeColumn(format: TimeFormat, t: PacketTimes, digits: number): string {
  switch (format) {
    case 'r': return relativeTimeColumn(t.relSec, t.relNsec, digits);
    case 'd': case 'dd': return relativeTimeColumn(t.deltaSec, t.deltaNsec, digits);
    case 'e': return relativeTimeColumn(t.absSec, t.absNsec, digits);
    default: return absoluteTimeColumn(format, t.absSec, t.absNsec, digits);
  }
}

function absoluteTimeColumn(format: 'a' | 'ad' | 'adoy' | 'u' | 'ud' | 'udoy', sec: number, nsec: number, digits: number): string {
  const t = civilTime(sec, format.startsWith('u'));
  const clock = [t.hour, t.minute, t.second].map((n) => String(n).padStart(2, '0')).join(':');
  const frac = digits > 0 ? '.' + fraction(nsec, digits) : '';
  const time = clock + frac;
  if (format === 'a' || format === 'u') return time;
  if (format === 'ad' || format === 'ud') {
    return `${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')} ${time}`;
  }
  return `${t.year}/${String(t.dayOfYear).padStart(3, '0')} ${time}`;
}

/**
 * Decimals for an interface's timestamp resolution, the way Wireshark maps
 * if_tsresol to a display precision (up to 10^-6 shows 6 digits, finer 9).
 * `exponent` is the negative power of ten (or of two, when `base2`) of a tick.
 */
export function digitsForResolution(exponent: number, base2 = false): number {
  const decimal = base2 ? Math.ceil(exponent * Math.log10(2)) : exponent;
  if (decimal <= 0) return 0;
  if (decimal <= 3) return decimal;
  if (decimal <= 6) return 6;
  return 9;
}

// tshark pads with strlen(), byte counts of UTF-8 text; padding the same way keeps lines with
// non-ASCII text laid out exactly as tshark's.
function padStart(s: string, width: number): string {
  const n = utf8Length(s);
  return n >= width ? s : SPACES[width - n] + s;
}

function padEnd(s: string, width: number): string {
  const n = utf8Length(s);
  return n >= width ? s : s + SPACES[width - n];
}

/** SPACES[n]: n spaces, for every padding width above (made once, not per line). */
const SPACES = Array.from({ length: 13 }, (_, n) => ' '.repeat(n));
