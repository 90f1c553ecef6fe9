/**
 * Reads a customer's records straight from the systems (never from a cache) for a version check,
 * and builds the same token the read path gives (Customer.version).
 */
import { encodeVersion, UNAVAILABLE_MARKER } from '../../shared/version.ts';
import type { CustomerLinks } from '../../shared/sources.ts';
import type { CrmContact, CustomerFields, CustomerWriteAdapter, LinkedWriteAdapter, SystemRecord } from '../../shared/write-adapter.ts';
import type { Adapters } from '../adapters.ts';
import { errorCode } from '../failures.ts';

/** A record that could not be read because its system is unavailable right now. */
export const UNREADABLE = Symbol('unreadable');
export type Linked = SystemRecord | null | typeof UNREADABLE;

export interface CustomerSnapshot {
  contactId: string;
  crm: SystemRecord;
  links: CustomerLinks;
  fields: CustomerFields;
  erp: Linked;
  commerce: Linked;
  version: string;
}

/** null when the contact does not exist. A CRM that cannot be read fails the whole operation. */
export async function readCustomerSnapshot(adapters: Adapters, contactId: string): Promise<CustomerSnapshot | null> {
  const contact = await adapters.crm.readContact(contactId);
  if (!contact) return null;
  const [erp, commerce] = await Promise.all([readLinked(adapters.erp, contact.links), readLinked(adapters.commerce, contact.links)]);
  return snapshotOf(contactId, contact, erp, commerce);
}

/**
 * Snapshots of many customers in a constant number of requests per system (a reconciliation page);
 * contacts that do not exist are absent. A CRM that cannot be read fails the whole call.
 */
export async function readCustomerSnapshots(adapters: Adapters, contactIds: readonly string[]): Promise<Map<string, CustomerSnapshot>> {
  const contacts = await adapters.crm.readContacts(contactIds);
  const found = [...contacts.entries()];
  const links = found.map(([, contact]) => contact.links);
  const [erp, commerce] = await Promise.all([readManyLinked(adapters.erp, links), readManyLinked(adapters.commerce, links)]);
  return new Map(found.map(([contactId, contact], i) => [contactId, snapshotOf(contactId, contact, erp[i], commerce[i])]));
}

function snapshotOf(contactId: string, contact: CrmContact, erp: Linked, commerce: Linked): CustomerSnapshot {
  return {
    contactId,
    crm: contact.record,
    links: contact.links,
    fields: contact.fields,
    erp,
    commerce,
    version: encodeVersion({ CRM: contact.record.marker, ERP: markerOf(erp), COMMERCE: markerOf(commerce) }),
  };
}

async function readLinked(adapter: CustomerWriteAdapter, links: CustomerLinks): Promise<Linked> {
  try {
    return await adapter.read(links);
  } catch (err) {
    if (isTransient(err)) return UNREADABLE;
    throw err;
  }
}

async function readManyLinked(adapter: LinkedWriteAdapter, links: CustomerLinks[]): Promise<Linked[]> {
  if (links.length === 0) return [];
  try {
    return await adapter.readMany(links);
  } catch (err) {
    if (isTransient(err)) return links.map(() => UNREADABLE);
    throw err;
  }
}

const markerOf = (linked: Linked): string | null => (linked === UNREADABLE ? UNAVAILABLE_MARKER : linked?.marker ?? null);

/** True for the failures the outbox retries: unreachable, timed out, rate limited. */
export function isTransient(err: unknown): boolean {
  return errorCode(err) === 'UPSTREAM_UNAVAILABLE';
}
