/** Phone numbers to E.164 with libphonenumber-js, using the address country as the default region. */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * E.164 ("+14155550100") when the number parses as a possible number, else the value as stored
 * (trimmed), else null for an empty value.
 */
export function toE164(value: string | null | undefined | false, defaultCountry?: string | null): string | null {
  if (!value) return null;
  const text = value.trim();
  if (!text) return null;
  const parsed = parsePhoneNumberFromString(text, (defaultCountry ?? undefined) as CountryCode | undefined);
  return parsed?.isPossible() ? parsed.number : text;
}
