/**
 * Property tests of the date transform (toDateTime) against an independent formulation: the expected
 * canonical text is computed here from epoch milliseconds with BigInt civil-calendar arithmetic
 * (Howard Hinnant's days_from_civil / civil_from_days), never with Date. Inputs are instants near local
 * midnight and near DST changes in many IANA zones, written with their offset as the zone had it;
 * epoch-millisecond strings over Date's whole range; Odoo's naive UTC; date-only values, and
 * calendar dates that do not exist. Fixed seed, 1,000 cases per property.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toDateTime } from '../../subgraphs/shared/datetime.ts';

const RUNS = { seed: 42, numRuns: 1000 };
const MS_PER_DAY = 86_400_000n;

/** Days since 1970-01-01 of a proleptic Gregorian date (days_from_civil). */
function daysFromCivil(year: bigint, month: bigint, day: bigint): bigint {
  const y = month <= 2n ? year - 1n : year;
  const era = (y >= 0n ? y : y - 399n) / 400n;
  const yoe = y - era * 400n;
  const doy = (153n * (month > 2n ? month - 3n : month + 9n) + 2n) / 5n + day - 1n;
  const doe = yoe * 365n + yoe / 4n - yoe / 100n + doy;
  return era * 146097n + doe - 719468n;
}

/** The proleptic Gregorian date of days since 1970-01-01 (civil_from_days). */
function civilFromDays(days: bigint): [bigint, bigint, bigint] {
  const z = days + 719468n;
  const era = (z >= 0n ? z : z - 146096n) / 146097n;
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const day = doy - (153n * mp + 2n) / 5n + 1n;
  const month = mp < 10n ? mp + 3n : mp - 9n;
  return [yoe + era * 400n + (month <= 2n ? 1n : 0n), month, day];
}

const pad = (n: bigint, width: number) => n.toString().padStart(width, '0');

/** ISO-8601 UTC with milliseconds; years outside 0–9999 in the six-digit signed form (ECMA-262 21.4.1.32). */
function canonical(ms: bigint): string {
  const days = (ms >= 0n ? ms : ms - MS_PER_DAY + 1n) / MS_PER_DAY;
  const rest = ms - days * MS_PER_DAY;
  const [y, m, d] = civilFromDays(days);
  const year = y >= 0n && y <= 9999n ? pad(y, 4) : `${y < 0n ? '-' : '+'}${pad(y < 0n ? -y : y, 6)}`;
  return `${year}-${pad(m, 2)}-${pad(d, 2)}T${pad(rest / 3_600_000n, 2)}:${pad((rest / 60_000n) % 60n, 2)}:${pad((rest / 1000n) % 60n, 2)}.${pad(rest % 1000n, 3)}Z`;
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysInMonth = (y: number, m: number) => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];

/** Zones on every continent: DST north and south, half- and quarter-hour offsets, the date line, none. */
const ZONES = [
  'Europe/Berlin', 'Europe/London', 'Europe/Lisbon', 'Europe/Moscow', 'Europe/Istanbul', 'America/New_York', 'America/Chicago',
  'America/Denver', 'America/Los_Angeles', 'America/Anchorage', 'America/Havana', 'America/Santiago', 'America/Sao_Paulo',
  'America/St_Johns', 'America/Asuncion', 'Atlantic/Azores', 'Africa/Cairo', 'Africa/Casablanca', 'Asia/Tehran', 'Asia/Jerusalem',
  'Asia/Kolkata', 'Asia/Kathmandu', 'Asia/Tokyo', 'Asia/Shanghai', 'Australia/Sydney', 'Australia/Adelaide', 'Australia/Lord_Howe',
  'Pacific/Auckland', 'Pacific/Chatham', 'Pacific/Apia', 'Pacific/Kiritimati', 'Pacific/Honolulu', 'UTC',
];

const formatters = new Map(ZONES.map((zone) => [zone, new Intl.DateTimeFormat('en-US', {
  timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
})]));

/** The wall clock of `ms` in `zone` (from the platform's tz data: that is input, not the expectation). */
function wallClock(zone: string, ms: number): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const parts = Object.fromEntries(formatters.get(zone)!.formatToParts(new Date(ms)).map((p) => [p.type, Number(p.value)]));
  return { y: parts.year, mo: parts.month, d: parts.day, h: parts.hour, mi: parts.minute, s: parts.second };
}

/** The zone's offset from UTC at `ms`, in ms. */
function offsetAt(zone: string, ms: number): number {
  const w = wallClock(zone, ms);
  const wallMs = Number(daysFromCivil(BigInt(w.y), BigInt(w.mo), BigInt(w.d)) * MS_PER_DAY) + ((w.h * 60 + w.mi) * 60 + w.s) * 1000;
  return wallMs - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The instants at which the zone's offset changed in 1995–2030, found by monthly steps and bisection. */
function transitions(zone: string): number[] {
  const found: number[] = [];
  const step = 30 * 86_400_000;
  for (let t = Date.UTC(1995, 0, 1); t < Date.UTC(2030, 0, 1); t += step) {
    if (offsetAt(zone, t) === offsetAt(zone, t + step)) continue;
    let [lo, hi] = [t, t + step];
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (offsetAt(zone, mid) === offsetAt(zone, lo)) lo = mid; else hi = mid;
    }
    found.push(hi);
  }
  return found;
}

const TRANSITIONS = ZONES.flatMap((zone) => transitions(zone).map((at) => ({ zone, at })));

/** `ms` as the zone's wall clock with its offset, e.g. "2021-03-28T03:00:00.000+02:00". */
function withOffset(zone: string, ms: number): string | null {
  const offset = offsetAt(zone, ms);
  if (offset % 60_000 !== 0) return null; // an offset with seconds (local mean time) has no ISO form
  const w = wallClock(zone, ms);
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / 60_000;
  const two = (n: number) => String(n).padStart(2, '0');
  const fraction = String(((ms % 1000) + 1000) % 1000).padStart(3, '0');
  return `${String(w.y).padStart(4, '0')}-${two(w.mo)}-${two(w.d)}T${two(w.h)}:${two(w.mi)}:${two(w.s)}.${fraction}${sign}${two(Math.floor(minutes / 60))}:${two(minutes % 60)}`;
}

/** Local midnight of a zone on a date, approximately: UTC midnight less the offset then. */
const localMidnight = (zone: string, day: number) => day * 86_400_000 - offsetAt(zone, day * 86_400_000);

const HOUR = 3_600_000;
const nearMidnight = fc.record({
  zone: fc.constantFrom(...ZONES),
  day: fc.integer({ min: -3650, max: 40_000 }), // 1960 to 2079
  delta: fc.integer({ min: -2 * HOUR, max: 2 * HOUR }),
}).map(({ zone, day, delta }) => ({ zone, ms: localMidnight(zone, day) + delta }));
const nearTransition = fc.record({
  t: fc.constantFrom(...TRANSITIONS),
  delta: fc.integer({ min: -2 * HOUR, max: 2 * HOUR }),
}).map(({ t, delta }) => ({ zone: t.zone, ms: t.at + delta }));

describe('toDateTime (property)', () => {
  it('finds DST changes in the zones to test around', () => {
    expect(TRANSITIONS.length).toBeGreaterThan(500);
  });

  it('gives the instant of a local time written with its offset, near midnight and near DST changes', () => {
    fc.assert(fc.property(fc.oneof(nearMidnight, nearTransition), ({ zone, ms }) => {
      const text = withOffset(zone, ms);
      fc.pre(text !== null);
      expect(toDateTime(text)).toBe(canonical(BigInt(ms)));
    }), RUNS);
  });

  it('reads epoch-millisecond strings over the whole range of a Date', () => {
    fc.assert(fc.property(fc.bigInt({ min: -8_640_000_000_000_000n, max: 8_640_000_000_000_000n }), (ms) => {
      expect(toDateTime(ms.toString())).toBe(canonical(ms));
    }), RUNS);
  });

  const civil = fc.integer({ min: 1, max: 9999 }).chain((y) => fc.integer({ min: 1, max: 12 }).chain((mo) =>
    fc.integer({ min: 1, max: daysInMonth(y, mo) }).map((d) => ({ y, mo, d }))));
  const clock = fc.record({ h: fc.integer({ min: 0, max: 23 }), mi: fc.integer({ min: 0, max: 59 }), s: fc.integer({ min: 0, max: 59 }) });
  const two = (n: number) => String(n).padStart(2, '0');
  const date = ({ y, mo, d }: { y: number; mo: number; d: number }) => `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}`;
  const msOf = ({ y, mo, d }: { y: number; mo: number; d: number }, h = 0, mi = 0, s = 0, milli = 0) =>
    daysFromCivil(BigInt(y), BigInt(mo), BigInt(d)) * MS_PER_DAY + BigInt(((h * 60 + mi) * 60 + s) * 1000 + milli);

  it("reads Odoo's naive datetimes as UTC, with or without a fraction of a second", () => {
    fc.assert(fc.property(civil, clock, fc.option(fc.integer({ min: 0, max: 999 })), fc.constantFrom(' ', 'T'), (day, { h, mi, s }, milli, separator) => {
      const fraction = milli === null ? '' : `.${String(milli).padStart(3, '0')}`;
      const text = `${date(day)}${separator}${two(h)}:${two(mi)}:${two(s)}${fraction}`;
      expect(toDateTime(text)).toBe(canonical(msOf(day, h, mi, s, milli ?? 0)));
    }), RUNS);
  });

  it('reads a date-only value as midnight UTC of that date', () => {
    fc.assert(fc.property(civil, (day) => {
      expect(toDateTime(date(day))).toBe(canonical(msOf(day)));
    }), RUNS);
  });

  it('gives null for a calendar date that does not exist (30 February), in every form, rather than another day', () => {
    const impossible = fc.integer({ min: 1, max: 9999 }).chain((y) => fc.constantFrom(2, 4, 6, 9, 11).chain((mo) =>
      fc.integer({ min: daysInMonth(y, mo) + 1, max: 31 }).map((d) => ({ y, mo, d }))));
    fc.assert(fc.property(impossible, fc.constantFrom('', ' 10:00:00', 'T10:00:00', 'T10:00:00Z', 'T10:00:00.000+02:00'), (day, rest) => {
      expect(toDateTime(`${date(day)}${rest}`)).toBeNull();
    }), RUNS);
  });
});
