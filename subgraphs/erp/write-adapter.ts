/**
 * The ERP's part of customer and order writes (the contract in ../shared/write-adapter.ts), on the
 * Odoo client. Records are found by the read path's own rules and code (partner-match.ts for
 * partners, pickSaleOrder for sales orders), and their markers are `write_date` exactly as the read
 * path reports it, so the orchestrator's tokens equal the ones clients read.
 *
 * Odoo stamps `write_date` to the second: two writes to one record within the same second leave its
 * marker unchanged, so a version check cannot tell them apart.
 */
import { LRUCache } from 'lru-cache';
import { codedError } from '../../schema/errors.ts';
import { recordCacheLookup } from '../shared/observability/cache-lookup.ts';
import type { CustomerField, CustomerFields, ErpOrderAdapter, LinkedWriteAdapter, SystemRecord, SystemValues } from '../shared/write-adapter.ts';
import type { OdooClient } from './client.ts';
import { matchPartners, normalizedEmail, storedPartnerId, type PartnerKey, type PartnerMatch } from './partner-match.ts';
import { fromOdooPartner } from './transform-partner.ts';
import { fromOdooSaleOrder, pickSaleOrder } from './transform-fulfillment.ts';
import { partnerVals, toPartnerVals } from './partner-vals.ts';
import { partnerMasterView } from './master-view.ts';
import { odooInstant } from './transform-change.ts';
import { chunks } from '../shared/chunks.ts';
import { uniqueEmails } from '../shared/unique-emails.ts';
import type { OdooPartnerContact } from './types.ts';

const ALL_FIELDS: CustomerField[] = ['firstName', 'lastName', 'company', 'email', 'phone', 'address', 'lifecycleStage'];

/**
 * Reads and writes res.partner and sale.order through `client`; every read of them goes to Odoo. Only
 * country ids are kept (res.country is reference data: a code keeps its id), so an address costs no lookup after the first.
 */
export function createErpWriteAdapter(client: OdooClient): LinkedWriteAdapter & ErpOrderAdapter {
  const countryIds = new LRUCache<string, number>({ max: COUNTRIES_KEPT });
  const countryId = async (code: string): Promise<number> => {
    const key = code.trim().toUpperCase();
    const known = countryIds.get(key);
    recordCacheLookup('odoo_country_id', known !== undefined);
    if (known !== undefined) return known;
    const id = await lookUpCountryId(client, key);
    countryIds.set(key, id);
    return id;
  };
  /** The read path's search and rule (stored id, else email ignoring case) for many keys in one search, with the contact fields too. */
  const findPartners = async (keys: readonly PartnerKey[]): Promise<({ match: PartnerMatch; record: OdooPartnerContact } | null)[]> => {
    const ids = keys.map(storedPartnerId).filter((id): id is number => id !== null);
    const emails = keys.map((k) => normalizedEmail(k.email)).filter((e): e is string => e !== null);
    const records = ids.length || emails.length ? await client.findPartnerContacts([...new Set(ids)], [...new Set(emails)]) : [];
    const byId = new Map(records.map((r) => [r.id, r]));
    return matchPartners(keys, records.map(fromOdooPartner)).map((match) => match && { match, record: byId.get(match.partner.id)! });
  };
  const findPartner = async (key: PartnerKey) => (await findPartners([key]))[0];

  const toRecord = (found: { match: PartnerMatch; record: OdooPartnerContact } | null): SystemRecord | null => {
    if (!found) return null;
    const { partner, linkedBy } = found.match;
    return {
      externalId: String(partner.id),
      marker: markerOf(partner.writeDate),
      changedAt: odooInstant(found.record.write_date, 'write_date'),
      linkedBy,
      values: partnerVals(found.record),
      canonical: partnerMasterView(found.record),
    };
  };

  const project = async (desired: CustomerFields, fields: CustomerField[]): Promise<SystemValues> => {
    const country = fields.includes('address') ? desired.address?.country ?? null : null;
    return toPartnerVals(desired, fields, country === null ? false : await countryId(country));
  };

  return {
    system: 'ERP',
    read: async (links) => toRecord(await findPartner({ erpPartnerId: links.erpPartnerId, email: links.email })),
    readMany: async (links) => (await findPartners(links.map((l) => ({ erpPartnerId: l.erpPartnerId, email: l.email })))).map(toRecord),
    project,
    update: async (externalId, changes) => {
      // Odoo moves write_date on any write, even of nothing: an empty one would fake a change.
      if (Object.keys(changes).length === 0) return;
      await client.writePartner(recordId(externalId, 'partner'), changes);
    },
    // Odoo has no unique email: the search makes a repeat safe, not two creates running at once.
    create: async (desired) => {
      const existing = desired.email === null ? null : await findPartner({ erpPartnerId: null, email: desired.email });
      if (existing) return String(existing.match.partner.id);
      return String(await client.createPartner(await project(desired, ALL_FIELDS)));
    },
    countByEmail: (email) => client.countPartnersByEmail(email),
    // One search_count per email (an exact, case-insensitive match each), a few at a time.
    countByEmails: async (emails) => {
      const counts = new Map<string, number>();
      for (const part of chunks(uniqueEmails(emails), ERP_COUNTS_AT_ONCE)) {
        const found = await Promise.all(part.map((email) => client.countPartnersByEmail(email)));
        part.forEach((email, i) => counts.set(email, found[i]));
      }
      return counts;
    },
    readSaleOrder: async (orderNumber) => {
      const records = await client.saleOrdersByClientRef([orderNumber]);
      const orders = records.map(fromOdooSaleOrder);
      const picked = pickSaleOrder(orders.filter((o) => o.clientOrderRef === orderNumber));
      if (!picked) return null;
      const record = records[orders.indexOf(picked)];
      return { externalId: String(record.id), marker: markerOf(picked.writeDate), cancelled: record.state === 'cancel' };
    },
    cancelSaleOrder: (externalId) => client.cancelSaleOrder(recordId(externalId, 'sales order')),
  };
}

/** More than there are ISO 3166 codes. */
const COUNTRIES_KEPT = 300;

/** The res.country id of an ISO code (upper case); BAD_USER_INPUT naming `address.country` when the ERP has none (not kept). */
async function lookUpCountryId(client: OdooClient, code: string): Promise<number> {
  const id = await client.countryIdByCode(code);
  if (id === null) {
    throw codedError('BAD_USER_INPUT', `Field "address.country": the ERP knows no country with the code "${code}".`, { field: 'address.country' });
  }
  return id;
}

/** An Odoo id from an externalId; NOT_FOUND for one Odoo could not have issued. */
function recordId(externalId: string, what: string): number {
  if (!/^[1-9]\d*$/.test(externalId)) throw codedError('NOT_FOUND', `The ERP has no ${what} "${externalId}".`, { system: 'Odoo' });
  return Number(externalId);
}

/** Odoo sets write_date on every record it stores; a record without one is not a record Odoo sent. */
function markerOf(writeDate: string | null): string {
  if (writeDate === null) throw codedError('UPSTREAM_ERROR', 'Odoo answered with a record without write_date.', { system: 'Odoo' });
  return writeDate;
}

/** Email counts asked of Odoo at once by countByEmails (Odoo has no pace to keep, only a pool to share). */
const ERP_COUNTS_AT_ONCE = 8;
