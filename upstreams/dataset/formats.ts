/** Helpers that write values the way each upstream stores them. */

/** ISO-8601 UTC with milliseconds, as HubSpot and Shopify return it. */
export const isoUtc = (ms: number): string => new Date(ms).toISOString();

/** Shopify's timestamps carry no milliseconds: 2026-11-20T09:15:00Z. */
export const isoSeconds = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** Odoo's naive UTC datetime: "2026-11-20 09:15:00". */
export const odooDatetime = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** A date only: "2026-11-20". */
export const dateOnly = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** HubSpot's date-only property: epoch milliseconds of midnight UTC, as a string. */
export const hubspotDate = (ms: number): string => String(Math.floor(ms / DAY_MS) * DAY_MS);

export const DAY_MS = 86_400_000;
