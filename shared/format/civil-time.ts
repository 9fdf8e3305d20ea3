/**
 * Calendar date and clock time for any second count a capture can hold.
 * JavaScript's Date stops at ±8.64e15 ms (year 275760), but a pcapng
 * timestamp is 64 bits: tshark still prints such a time (year 294253...), so
 * the date is computed from the day number (Howard Hinnant's civil-from-days)
 * and Date is asked only for the local zone's offset and name, at the nearest
 * time it can represent.
 */

export interface CivilTime {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 1..366 */
  readonly dayOfYear: number;
  /** The zone's short name (`UTC`, `CET`...). */
  readonly zone: string;
}

const MAX_DATE_SEC = 8.64e12;

/** Seconds since the epoch (any integer) as a civil time, in UTC or in the process's local zone. */
export function civilTime(sec: number, utc: boolean): CivilTime {
  let offsetSec = 0;
  let zone = 'UTC';
  if (!utc) {
    const probe = new Date(Math.max(-MAX_DATE_SEC, Math.min(MAX_DATE_SEC, sec)) * 1000);
    offsetSec = -probe.getTimezoneOffset() * 60;
    zone = zoneName(probe);
  }
  const local = sec + offsetSec;
  const days = Math.floor(local / 86400);
  const secOfDay = local - days * 86400;
  const { year, month, day } = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(secOfDay / 3600),
    minute: Math.floor((secOfDay % 3600) / 60),
    second: secOfDay % 60,
    dayOfYear: days - daysFromCivil(year, 1, 1) + 1,
    zone,
  };
}

/** Day number (days since 1970-01-01) → proleptic Gregorian date. */
function civilFromDays(z0: number): { year: number; month: number; day: number } {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

function daysFromCivil(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// Building an Intl.DateTimeFormat costs far more than using one; -V prints a time per packet.
let zoneFormat: Intl.DateTimeFormat | undefined;
function zoneName(d: Date): string {
  zoneFormat ??= new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });
  const part = zoneFormat.formatToParts(d).find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}
