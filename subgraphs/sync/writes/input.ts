/**
 * Validates mutation input and turns it into canonical fields: trimmed strings ("" → null), the email
 * lowercased, the phone in E.164, the country as ISO alpha-2. Every refusal is BAD_USER_INPUT naming the
 * offending field (`input.phone`), and nothing has been written when it is thrown.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { codedError } from '../../../schema/errors.ts';
import { COUNTRY_LANGUAGES, toCountryCode } from '../../shared/country.ts';
import type { AddressFields, CustomerField, CustomerFields, LifecycleStageValue } from '../../shared/write-adapter.ts';

export interface AddressInput {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  region?: string | null;
  postalCode?: string | null;
  country?: string | null;
}

export interface CustomerInput {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  email?: string | null;
  phone?: string | null;
  address?: AddressInput | null;
  lifecycleStage?: LifecycleStageValue | null;
}

/** A practical email check (RFC 5321 lengths, one @, a dotted domain); the systems apply their own on top. */
const EMAIL = /^[^\s\p{Cc}@"(),:;<>[\\\]]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/u;
const MAX_TEXT = 255;
/** Control characters (NUL, escapes, line breaks): no name or address line holds one, and Odoo's PostgreSQL refuses NUL. */
const CONTROL = /\p{Cc}/u;

const invalid = (field: string, message: string) => codedError('BAD_USER_INPUT', message, { field });

/**
 * The canonical values of the fields present in `input` (absent fields are not in the result; an explicit
 * null clears). `current` supplies the address country used as the phone's default region when the
 * input has none.
 */
export function normalizeCustomerInput(input: CustomerInput, current?: CustomerFields): CustomerPatch {
  const out: CustomerPatch = {};
  for (const key of ['firstName', 'lastName', 'company'] as const) {
    if (key in input) out[key] = text(input[key], `input.${key}`);
  }
  if ('email' in input) out.email = email(input.email);
  if ('lifecycleStage' in input) out.lifecycleStage = input.lifecycleStage ?? null;
  if ('address' in input) out.address = address(input.address);
  if ('phone' in input) {
    const region = out.address?.country ?? current?.address?.country ?? null;
    out.phone = phone(input.phone, region);
  }
  return out;
}

/** Canonical values of the fields given; an address carries only the parts given. */
export type CustomerPatch = Partial<Omit<CustomerFields, 'address'>> & { address?: Partial<AddressFields> | null };

/** The fields named by a normalized patch, in a stable order. */
export const fieldsOf = (patch: CustomerPatch): CustomerField[] =>
  (['firstName', 'lastName', 'company', 'email', 'phone', 'address', 'lifecycleStage'] as const).filter((f) => f in patch);

function text(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed.length > MAX_TEXT) throw invalid(field, `Field "${field}" is longer than ${MAX_TEXT} characters.`);
  if (CONTROL.test(trimmed)) throw invalid(field, `Field "${field}" contains a control character.`);
  return trimmed === '' ? null : trimmed;
}

function email(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  if (!trimmed) throw invalid('input.email', 'Field "input.email" cannot be empty: every customer needs an email address.');
  if (!EMAIL.test(trimmed)) throw invalid('input.email', 'Field "input.email" is not a valid email address.');
  return trimmed.toLowerCase();
}

function phone(value: string | null | undefined, region: string | null): string | null {
  const trimmed = value?.trim() ?? '';
  if (!trimmed) return null;
  const parsed = parsePhoneNumberFromString(trimmed, (region ?? undefined) as CountryCode | undefined);
  if (!parsed?.isValid()) throw invalid('input.phone', 'Field "input.phone" is not a phone number that can be dialled (use +<country code><number>, or give the address country).');
  // Refused rather than dropped: the phone is written as E.164 to every system, and E.164 has no extension.
  if (parsed.ext) throw invalid('input.phone', 'Field "input.phone" has an extension, which E.164 cannot hold and the systems would not all keep: give the number without it.');
  return parsed.number;
}

/** Only the address parts given; an explicit null address clears the whole address. */
function address(value: AddressInput | null | undefined): Partial<AddressFields> | null {
  if (value === null || value === undefined) return null;
  const out: Partial<AddressFields> = {};
  for (const key of ['line1', 'line2', 'city', 'region', 'postalCode'] as const) {
    if (key in value) out[key] = text(value[key], `input.address.${key}`);
  }
  if ('country' in value) {
    const country = text(value.country, 'input.address.country');
    const code = country === null ? null : toCountryCode(country);
    if (country !== null && code === null) {
      // The value itself is not quoted: it is part of an address, which is personal data.
      throw invalid('input.address.country', `Field "input.address.country" names no country, or more than one. Give an ISO 3166-1 code (alpha-2 "DE", alpha-3 "DEU" or numeric "276") or a country's name in one of the ${COUNTRY_LANGUAGES} languages of i18n-iso-countries ("Germany", "Deutschland", "Niemcy").`);
    }
    out.country = code;
    // A country given by the client is written as its ISO code, not as the text stored before.
    out.countryText = null;
  }
  return out;
}

/** The full canonical fields after applying a patch: absent fields keep their value, address parts merge. */
export function applyPatch(current: CustomerFields, patch: CustomerPatch): CustomerFields {
  const next: CustomerFields = { ...current, ...patch, address: current.address };
  if ('address' in patch) {
    next.address = patch.address === null ? null : { ...EMPTY_ADDRESS, ...current.address, ...patch.address };
    if (next.address && Object.values(next.address).every((v) => v === null)) next.address = null;
  }
  return next;
}

const EMPTY_ADDRESS: AddressFields = { line1: null, line2: null, city: null, region: null, postalCode: null, country: null };
