/**
 * Pure transforms from HubSpot contact records to the canonical customer. HubSpot hands out every
 * property as a string or null: free-text phones and country names, epoch-millisecond date-only
 * properties, internal lifecycle stage values.
 */
import { toCountryCode } from '../shared/country.ts';
import { toDateTime } from '../shared/datetime.ts';
import { encodeId } from '../shared/ids.ts';
import { readPhone } from '../shared/phone.ts';
import type { CustomerLinks, SourceRecord } from '../shared/sources.ts';
import { displayName, emptyToNull } from '../shared/text.ts';
import type { AddressFields, LifecycleStageValue, MasterView } from '../shared/write-adapter.ts';

/** One value a property has held (HubSpot's property history). */
export interface HubSpotPropertyVersion {
  value: string;
  /** ISO-8601. */
  timestamp: string;
  sourceType: string;
  sourceId?: string;
  updatedByUserId?: number;
}

/** A contact as the CRM v3 objects API returns it. */
export interface HubSpotRecord {
  id: string;
  properties: Record<string, string | null | undefined>;
  /** Only when asked for with `propertiesWithHistory`: per property, its values newest first. */
  propertiesWithHistory?: Record<string, HubSpotPropertyVersion[] | undefined>;
  createdAt: string;
  updatedAt: string;
  archived?: boolean;
}

/** The properties `fromHubSpotContact` reads; the client asks HubSpot for exactly these. */
export const CONTACT_PROPERTIES = [
  'firstname', 'lastname', 'email', 'phone', 'company', 'address', 'city', 'state', 'zip', 'country',
  'lifecyclestage', 'date_of_birth', 'createdate', 'lastmodifieddate', 'erp_partner_id', 'shop_customer_id', 'mastodon_acct',
];

/** The canonical shapes, shared with the write side (subgraphs/shared/write-adapter.ts). */
export type LifecycleStage = LifecycleStageValue;
export type Address = AddressFields;

/** HubSpot's internal lifecycle stage values and the contract's enum. */
const STAGES: Record<string, LifecycleStage> = {
  subscriber: 'SUBSCRIBER', lead: 'LEAD', marketingqualifiedlead: 'MARKETING_QUALIFIED_LEAD', salesqualifiedlead: 'SALES_QUALIFIED_LEAD',
  opportunity: 'OPPORTUNITY', customer: 'CUSTOMER', evangelist: 'EVANGELIST', other: 'OTHER',
};

/** The CRM's part of a Customer, as the crm subgraph resolves it. */
export interface CrmCustomer {
  id: string;
  name: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  email: string | null;
  phone: string | null;
  phoneExtension: string | null;
  address: Address | null;
  birthDate: string | null;
  lifecycleStage: LifecycleStage | null;
  createdAt: string;
  updatedAt: string;
  links: CustomerLinks;
  /** The contact itself as a source; its version is HubSpot's change marker, `updatedAt` as read. */
  crmSource: SourceRecord;
}

export function fromHubSpotContact(record: HubSpotRecord): CrmCustomer {
  const p = (name: string) => emptyToNull(record.properties[name]);
  const firstName = p('firstname');
  const lastName = p('lastname');
  const company = p('company');
  const email = p('email');
  const countryText = p('country');
  const country = toCountryCode(countryText);
  const address: Address = { line1: p('address'), line2: null, city: p('city'), region: p('state'), postalCode: p('zip'), country, countryText };
  const updatedAt = toDateTime(record.updatedAt)!;
  const { phone, extension: phoneExtension } = readPhone(p('phone'), country);
  return {
    id: encodeId('Customer', record.id),
    name: displayName({ firstName, lastName, company, email }) || unnamedCustomer(record.id),
    firstName, lastName, company, email,
    phone, phoneExtension,
    address: Object.values(address).some((v) => v !== null) ? address : null,
    birthDate: fromHubSpotDate(p('date_of_birth')),
    lifecycleStage: STAGES[p('lifecyclestage')?.toLowerCase() ?? ''] ?? null,
    createdAt: toDateTime(record.createdAt)!,
    updatedAt,
    links: { contactId: record.id, email, erpPartnerId: p('erp_partner_id'), shopCustomerId: p('shop_customer_id'), mastodonAcct: p('mastodon_acct') },
    crmSource: { system: 'CRM', externalId: record.id, version: record.updatedAt, updatedAt, linkedBy: 'STORED_ID' },
  };
}

/**
 * `name` is non-null, and a contact can hold no name, company or email at all. Its name is then
 * "Customer <HubSpot contact id>": never empty, the same on every read, found again in HubSpot by that id,
 * and no personal data (the phone, the one value left, needs the pii:read scope that `name` does not).
 */
export function unnamedCustomer(contactId: string): string {
  return `Customer ${contactId}`;
}

/**
 * The master fields as the read path gives them: name parts and the contract's display name, E.164 phone,
 * ISO country. The display name is the one the contact's fields make (null when they make none), never
 * the unnamed placeholder, which no other system holds.
 */
export function crmMasterView(c: CrmCustomer): MasterView {
  const name = displayName(c) || null;
  return { firstName: c.firstName, lastName: c.lastName, displayName: name, email: c.email, phone: c.phone, address: withoutCountryText(c.address) };
}

/** The address as the other systems hold one: the CRM's raw country text is its own. */
function withoutCountryText(address: Address | null): Address | null {
  if (!address) return null;
  const { countryText: _, ...rest } = address;
  return Object.values(rest).some((v) => v !== null) ? rest : null;
}

/**
 * A HubSpot date-only property (epoch milliseconds of midnight UTC, as a string) as "YYYY-MM-DD".
 * Parsed here rather than with toDateTime, which reads short digit strings (1970's early days, "0") as years.
 */
export function fromHubSpotDate(value: string | null): string | null {
  if (value === null) return null;
  const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
}

/** The contract's lifecycle stage as HubSpot's internal value, for search filters. */
export function toHubSpotLifecycleStage(stage: LifecycleStage): string {
  return Object.keys(STAGES).find((key) => STAGES[key] === stage)!;
}
