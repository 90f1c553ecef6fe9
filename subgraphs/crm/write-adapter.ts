/**
 * The CRM's side of the write path (the contract is ../shared/write-adapter.ts), over the HubSpot
 * client. HubSpot is the system of record: the orchestrator reads a contact here for its links and
 * canonical fields, writes property strings to it, and stores the other systems' ids on it.
 *
 * Mapping (canonical → HubSpot property; null → "", which is how HubSpot clears a property):
 * firstName → firstname, lastName → lastname, company, email, phone (E.164 as given),
 * address → address (line1), city, state (region), zip (postalCode), country (ISO alpha-2 code, or the
 * stored text kept as it is while it still reads as the address's country: see countryProperty),
 * lifecycleStage → lifecyclestage (internal value, MARKETING_QUALIFIED_LEAD → marketingqualifiedlead).
 * HubSpot has no property for address.line2: it is not written (nor appended to line1), and reads back null.
 *
 * `values` hold the properties as HubSpot stores them ("" when unset), not re-normalized: a stored
 * "(415) 555-0100" differs from the E.164 value `project` gives, so writing the phone stores the
 * canonical form (and counts as a change). A stored country text is the exception (see countryProperty).
 *
 * `createContact` is a POST; HubSpot keeps emails unique, so a repeat cannot make a second contact: its
 * 409 names the contact that has the email, returned with `created: false`. The orchestrator decides
 * whether that contact is its own earlier attempt or another customer's (sync/writes/unfinished-create.ts).
 * `create` (the common contract) refuses a taken email with a CONFLICT that does not say whose.
 */
import { codedError } from '../../schema/errors.ts';
import type { UpstreamConfig } from '../shared/upstream-http.ts';
import { toCountryCode } from '../shared/country.ts';
import type { AddressFields, CrmContact, CrmWriteAdapter, CustomerField, CustomerFields, SystemRecord } from '../shared/write-adapter.ts';
import { createHubSpotClient } from './client.ts';
import { crmMasterView, fromHubSpotContact, toHubSpotLifecycleStage, type CrmCustomer, type HubSpotRecord } from './transforms.ts';

type Properties = Record<string, string>;

const PROJECTIONS: Record<CustomerField, (f: CustomerFields) => Properties> = {
  firstName: (f) => ({ firstname: f.firstName ?? '' }),
  lastName: (f) => ({ lastname: f.lastName ?? '' }),
  company: (f) => ({ company: f.company ?? '' }),
  email: (f) => ({ email: f.email ?? '' }),
  phone: (f) => ({ phone: f.phone ?? '' }),
  address: ({ address: a }) => ({ address: a?.line1 ?? '', city: a?.city ?? '', state: a?.region ?? '', zip: a?.postalCode ?? '', country: countryProperty(a) }),
  lifecycleStage: (f) => ({ lifecyclestage: f.lifecycleStage ? toHubSpotLifecycleStage(f.lifecycleStage) : '' }),
};

/**
 * The stored country text while it still reads as the address's country (a write of the city keeps
 * "Deutschland", and keeps "Narnia", which reads as null), else the ISO code, or "" to clear.
 */
function countryProperty(a: AddressFields | null): string {
  if (a?.countryText && toCountryCode(a.countryText) === a.country) return a.countryText;
  return a?.country ?? '';
}

const ALL_FIELDS = Object.keys(PROJECTIONS) as CustomerField[];

const projectFields = (desired: CustomerFields, fields: CustomerField[]): Properties =>
  Object.assign({}, ...fields.map((field) => PROJECTIONS[field](desired)));

const NO_FIELDS: CustomerFields = { firstName: null, lastName: null, company: null, email: null, phone: null, address: null, lifecycleStage: null };

/** Every property `project` can write, in its order. */
const WRITTEN_PROPERTIES = Object.keys(projectFields(NO_FIELDS, ALL_FIELDS));

/** The contact as a SystemRecord; id and marker are the read path's own (crmSource). */
function toSystemRecord(record: HubSpotRecord, customer: CrmCustomer): SystemRecord {
  return {
    externalId: customer.crmSource.externalId,
    marker: customer.crmSource.version!,
    changedAt: Date.parse(customer.updatedAt),
    linkedBy: 'STORED_ID',
    values: Object.fromEntries(WRITTEN_PROPERTIES.map((name) => [name, record.properties[name] ?? ''])),
    canonical: crmMasterView(customer),
  };
}

const canonicalFields = (c: CrmCustomer): CustomerFields =>
  ({ firstName: c.firstName, lastName: c.lastName, company: c.company, email: c.email, phone: c.phone, address: c.address, lifecycleStage: c.lifecycleStage });

/** Changes as HubSpot property strings (null or undefined → "", which clears). */
const asProperties = (changes: Record<string, unknown>): Properties =>
  Object.fromEntries(Object.entries(changes).map(([name, value]) => [name, value === null || value === undefined ? '' : String(value)]));

/** The write adapter over HubSpot at `hubspot` (the crm subgraph's own upstream settings). */
export function createCrmWriteAdapter(hubspot: UpstreamConfig): CrmWriteAdapter {
  const client = createHubSpotClient(hubspot);

  /** A PATCH of nothing would still move HubSpot's updatedAt, so it is not sent. */
  const patch = async (contactId: string, properties: Properties) => {
    if (Object.keys(properties).length) await client.updateContact(contactId, properties);
  };

  const readContacts: CrmWriteAdapter['readContacts'] = async (contactIds) => {
    const found = new Map<string, CrmContact>();
    for (const record of await client.readContacts([...contactIds])) {
      const customer = fromHubSpotContact(record);
      found.set(record.id, { record: toSystemRecord(record, customer), links: customer.links, fields: canonicalFields(customer) });
    }
    return found;
  };
  const readContact: CrmWriteAdapter['readContact'] = async (contactId) => (await readContacts([contactId])).get(contactId) ?? null;

  const createContact: CrmWriteAdapter['createContact'] = async (desired) => {
    // Empty properties are left out: a new contact has nothing to clear.
    const properties = Object.fromEntries(Object.entries(projectFields(desired, ALL_FIELDS)).filter(([, value]) => value !== ''));
    const answer = await client.createContact(properties);
    return 'created' in answer ? { contactId: answer.created.id, created: true } : { contactId: answer.existingId, created: false };
  };

  return {
    system: 'CRM',
    readContact,
    readContacts,
    read: async (links) => (await readContact(links.contactId))?.record ?? null,
    project: async (desired, fields) => projectFields(desired, fields),
    update: (contactId, changes) => patch(contactId, asProperties(changes)),
    createContact,
    async create(desired) {
      const { contactId, created } = await createContact(desired);
      // Whether an existing contact is this customer's is for the orchestrator to tell (createContact).
      if (!created) throw codedError('CONFLICT', 'HubSpot refused the change: a contact with this email already exists.', { system: 'HubSpot' });
      return contactId;
    },
    async findContactIdByEmail(email) {
      // HubSpot keeps emails unique, but nothing stops an import from duplicating one: the oldest contact wins, as on the read path.
      const [oldest] = (await client.findByEmail(email)).sort((a, b) => Number(a.id) - Number(b.id));
      return oldest?.id ?? null;
    },
    storeLinks: (contactId, { erpPartnerId, shopCustomerId }) => patch(contactId, {
      ...(erpPartnerId !== undefined ? { erp_partner_id: erpPartnerId } : {}),
      ...(shopCustomerId !== undefined ? { shop_customer_id: shopCustomerId } : {}),
    }),
  };
}
