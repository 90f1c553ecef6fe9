/**
 * The contact property definitions of the stand-in's portal, and how HubSpot shapes properties on the
 * wire: every value a string or null, only the properties asked for (else a default set), and its
 * validation of written values.
 */
import type { HubSpotContact } from '../dataset/types.ts';

export type PropertyType = 'string' | 'number' | 'datetime' | 'date' | 'enumeration';

/** The portal's contact properties (built-in and the custom link properties) and their types. */
export const PROPERTY_TYPES: Record<string, PropertyType> = {
  firstname: 'string', lastname: 'string', email: 'string', phone: 'string', company: 'string',
  address: 'string', city: 'string', state: 'string', zip: 'string', country: 'string',
  lifecyclestage: 'enumeration', date_of_birth: 'date',
  createdate: 'datetime', lastmodifieddate: 'datetime', hs_object_id: 'number',
  erp_partner_id: 'string', shop_customer_id: 'string', mastodon_acct: 'string',
};

export const LIFECYCLE_STAGES = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'];

/** What HubSpot returns for a contact when no properties are asked for. */
export const DEFAULT_PROPERTIES = ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'];

/** Returned beside any explicitly requested properties. */
const ALWAYS_RETURNED = ['createdate', 'hs_object_id', 'lastmodifieddate'];

/** Set by HubSpot itself; writes of them are refused. */
export const READ_ONLY_PROPERTIES = new Set(['createdate', 'lastmodifieddate', 'hs_object_id']);

/** The property names a request asks for: `properties=a,b` (possibly repeated) or a JSON list; empty means "defaults". */
export function requestedProperties(names: unknown): string[] {
  return (Array.isArray(names) ? names : []).flatMap((n) => String(n).split(',')).map((n) => n.trim()).filter(Boolean);
}

/**
 * A contact as the API returns it. Requested properties that the portal defines come back, null when
 * unset; names it does not define are silently left out, as HubSpot does.
 */
export function toWireRecord(contact: HubSpotContact, requested: string[]): HubSpotContact {
  const names = requested.length ? [...new Set([...ALWAYS_RETURNED, ...requested])] : DEFAULT_PROPERTIES;
  const properties: Record<string, string | null> = {};
  for (const name of names.filter((n) => n in PROPERTY_TYPES).sort()) properties[name] = contact.properties[name] ?? null;
  return { ...contact, properties };
}

/** A contact after a write: the properties that hold a value. */
export function toWrittenRecord(contact: HubSpotContact): HubSpotContact {
  const properties = Object.fromEntries(Object.entries(contact.properties).filter(([, v]) => v !== null));
  return { ...contact, properties };
}

/** One entry of HubSpot's "Property values were not valid" list. */
export interface PropertyError {
  isValid: false;
  message: string;
  error: string;
  name: string;
}

/**
 * Normalizes written values the way HubSpot stores them (numbers and booleans as strings, '' as a
 * cleared value, a date property as epoch milliseconds of midnight UTC) and reports invalid ones.
 */
export function normalizeWrite(input: Record<string, unknown>): { values: Record<string, string | null>; errors: PropertyError[] } {
  const values: Record<string, string | null> = {};
  const errors: PropertyError[] = [];
  const fail = (name: string, error: string, message: string) => errors.push({ isValid: false, message, error, name });
  for (const [name, raw] of Object.entries(input)) {
    const type = PROPERTY_TYPES[name];
    if (!type) { fail(name, 'PROPERTY_DOESNT_EXIST', `Property "${name}" does not exist`); continue; }
    if (READ_ONLY_PROPERTIES.has(name)) { fail(name, 'READ_ONLY_VALUE', `"${name}" is a read only property; its value cannot be set.`); continue; }
    const text = raw === null || raw === undefined ? '' : String(raw).trim();
    if (text === '') { values[name] = null; continue; }
    if (name === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) { fail(name, 'INVALID_EMAIL', `Email address ${text} is invalid`); continue; }
    if (type === 'enumeration' && !LIFECYCLE_STAGES.includes(text)) { fail(name, 'INVALID_OPTION', `${text} was not one of the allowed options: [${LIFECYCLE_STAGES.join(', ')}]`); continue; }
    if (type === 'date') {
      const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : /^-?\d+$/.test(text) ? Number(text) : NaN;
      if (Number.isNaN(ms) || ms % 86_400_000 !== 0) { fail(name, 'INVALID_DATE', `${text} is not a valid date: date properties take YYYY-MM-DD or the epoch milliseconds of midnight UTC`); continue; }
      values[name] = String(ms);
      continue;
    }
    values[name] = text;
  }
  return { values, errors };
}
