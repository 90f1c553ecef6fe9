/**
 * Helpers that write values the way each upstream stores them. Generating a large dataset formats
 * hundreds of thousands of instants: each is its day's date (computed once per day) and its time of
 * day from a table of two-digit numbers, the same text as Date's toISOString in a fraction of its time.
 */

export const DAY_MS = 86_400_000;

const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const datesOfDays = new Map<number, string>();

/** "2026-11-20" for the UTC day holding `ms`. */
const dateOf = (day: number): string => {
  let date = datesOfDays.get(day);
  if (date === undefined) datesOfDays.set(day, (date = new Date(day * DAY_MS).toISOString().slice(0, 10)));
  return date;
};

/** [date, "09:15:00", milliseconds] of an instant. */
const split = (ms: number): [string, string, number] => {
  const day = Math.floor(ms / DAY_MS);
  const ofDay = ms - day * DAY_MS;
  const seconds = Math.floor(ofDay / 1000);
  return [dateOf(day), `${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:${TWO_DIGITS[seconds % 60]}`, ofDay % 1000];
};

/** ISO-8601 UTC with milliseconds, as HubSpot and Shopify return it. */
export const isoUtc = (ms: number): string => {
  const [date, time, millis] = split(ms);
  return `${date}T${time}.${String(millis).padStart(3, '0')}Z`;
};

/** Shopify's timestamps carry no milliseconds: 2026-11-20T09:15:00Z. */
export const isoSeconds = (ms: number): string => {
  const [date, time] = split(ms);
  return `${date}T${time}Z`;
};

/** Odoo's naive UTC datetime: "2026-11-20 09:15:00". */
export const odooDatetime = (ms: number): string => {
  const [date, time] = split(ms);
  return `${date} ${time}`;
};

/** A date only: "2026-11-20". */
export const dateOnly = (ms: number): string => dateOf(Math.floor(ms / DAY_MS));

/** HubSpot's date-only property: epoch milliseconds of midnight UTC, as a string. */
export const hubspotDate = (ms: number): string => String(Math.floor(ms / DAY_MS) * DAY_MS);
