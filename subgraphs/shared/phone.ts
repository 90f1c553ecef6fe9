/**
 * Phone numbers to E.164 with libphonenumber-js, using the address country as the default region. The
 * full ("max") metadata: the default one checks lengths and leading digits only, and would call
 * "+387 84123456" valid although Bosnia allots no such number (test/shared/phone.property.test.ts).
 */
import { LRUCache } from 'lru-cache';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** A stored phone read canonically: the number and, apart, the extension E.164 has no room for. */
export interface CanonicalPhone {
  /** E.164 ("+14155550100") for a valid number, else the value as stored (trimmed); null when empty. */
  phone: string | null;
  /** The extension of a valid number ("12" of "… ext. 12"); null when none or when `phone` is as stored. */
  extension: string | null;
}

/**
 * Reads a stored phone. Only a number valid for its region (the number's own "+" prefix, else
 * `defaultCountry`) is rewritten to E.164, its extension moved to `extension`; anything else (unparseable,
 * too short or long, or a number the region does not allot) is kept as stored, extension and all,
 * because a rewrite would make a guess look canonical.
 */
export function readPhone(value: string | null | undefined | false, defaultCountry?: string | null): CanonicalPhone {
  const text = value ? value.trim() : '';
  if (!text) return { phone: null, extension: null };
  // A pure function of its two inputs, and the same few numbers are read on every page: parsing with the
  // full metadata was a tenth of the CRM subgraph's CPU. Frozen, since every caller gets the same object.
  const key = `${defaultCountry ?? ''}|${text}`;
  let read = READ_PHONES.get(key);
  if (!read) READ_PHONES.set(key, read = Object.freeze(parsePhone(text, defaultCountry)));
  return read;
}

/** Phones read lately, by default country and text. */
const READ_PHONES = new LRUCache<string, CanonicalPhone>({ max: 10_000 });

function parsePhone(text: string, defaultCountry: string | null | undefined): CanonicalPhone {
  const parsed = parsePhoneNumberFromString(text, (defaultCountry ?? undefined) as CountryCode | undefined);
  if (!parsed?.isValid()) return { phone: text, extension: null };
  return { phone: parsed.number, extension: parsed.ext ?? null };
}

/** The phone alone, as `readPhone` gives it (E.164 without its extension, or as stored, or null). */
export function toE164(value: string | null | undefined | false, defaultCountry?: string | null): string | null {
  return readPhone(value, defaultCountry).phone;
}
