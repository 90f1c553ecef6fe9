/**
 * The canonical master views of the three write adapters, compared over the whole generated dataset:
 * the same person stored in HubSpot's, Odoo's and Shopify's dialects (local phones, country names,
 * emails in another letter case) must compare equal, and the only differences must be the ones the
 * generator made on purpose (its manifest, dataset.disagreements).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import { startHubSpotStandIn } from '../../upstreams/hubspot/server.ts';
import { startOdooStandIn } from '../../upstreams/odoo/server.ts';
import { startShopifyStandIn } from '../../upstreams/shopify/server.ts';
import type { StandIn } from '../../upstreams/shared/standin.ts';
import { createCrmWriteAdapter } from '../../subgraphs/crm/write-adapter.ts';
import { createErpWriteAdapter } from '../../subgraphs/erp/write-adapter.ts';
import { createOdooClient } from '../../subgraphs/erp/client.ts';
import { createCommerceWriteAdapter } from '../../subgraphs/commerce/write-adapter.ts';
import { masterDifferences } from '../../subgraphs/shared/compare-master.ts';
import type { CrmWriteAdapter, CustomerWriteAdapter, SystemRecord } from '../../subgraphs/shared/write-adapter.ts';

const dataset = generateDataset();
const stopped: StandIn[] = [];
let crm: CrmWriteAdapter;
let erp: CustomerWriteAdapter;
let shop: CustomerWriteAdapter;

beforeAll(async () => {
  const hubspot = await startHubSpotStandIn({ dataset, credential: 'pat-views' });
  const odoo = await startOdooStandIn({ dataset, credential: 'odoo-views' });
  // A bucket large enough for one read per customer at once: this test is not about throttling.
  const shopify = await startShopifyStandIn({ dataset, credential: 'shpat_views', throttle: { maximumAvailable: 1e6, restoreRate: 1e6 } });
  stopped.push(hubspot, odoo, shopify);
  crm = createCrmWriteAdapter({ baseUrl: hubspot.url, credential: 'pat-views', timeoutMs: 5000 });
  erp = createErpWriteAdapter(createOdooClient({ baseUrl: odoo.url, credential: 'odoo-views', database: 'standin', timeoutMs: 5000 }));
  shop = createCommerceWriteAdapter({ baseUrl: shopify.url, credential: 'shpat_views', timeoutMs: 5000 });
});
afterAll(async () => {
  await Promise.all(stopped.map((s) => s.close()));
});

interface Snapshot {
  contactId: string;
  crm: SystemRecord;
  ERP: SystemRecord | null;
  COMMERCE: SystemRecord | null;
}

/** Every contact's records, read as the reconciliation reads them (ten contacts at a time). */
async function readAll(): Promise<Snapshot[]> {
  const out: Snapshot[] = [];
  const ids = dataset.hubspot.contacts.map((c) => c.id);
  for (let i = 0; i < ids.length; i += 10) {
    out.push(...await Promise.all(ids.slice(i, i + 10).map(async (contactId) => {
      const contact = (await crm.readContact(contactId))!;
      const [ERP, COMMERCE] = await Promise.all([erp.read(contact.links), shop.read(contact.links)]);
      return { contactId, crm: contact.record, ERP, COMMERCE };
    })));
  }
  return out;
}

describe('canonical master views over the generated dataset', () => {
  it('differ only where the generator made them disagree on purpose', async () => {
    const snapshots = await readAll();
    const found = new Set<string>();
    for (const s of snapshots) {
      for (const system of ['ERP', 'COMMERCE'] as const) {
        const record = s[system];
        if (!record) continue;
        // The manifest names the shop's name parts "name", as one field.
        for (const d of masterDifferences(s.crm.canonical, record.canonical)) found.add(`${s.contactId} ${system} ${d.field.endsWith('Name') ? 'name' : d.field}`);
      }
    }
    const planted = new Set(dataset.disagreements.flatMap((d) => (d.kind === 'FIELD_MISMATCH' ? [`${d.contactId} ${d.system} ${d.field}`] : [])));

    expect([...found].sort()).toEqual([...planted].sort());
    // Not vacuous: most contacts have both other records, and the planted set holds phones and streets.
    expect(snapshots.filter((s) => s.ERP && s.COMMERCE).length).toBeGreaterThan(snapshots.length * 0.7);
    expect([...planted].some((p) => p.endsWith('ERP phone'))).toBe(true);
    expect([...planted].some((p) => p.endsWith('ERP address'))).toBe(true);
  });

  it('compare equal although the systems store the values in their own formats', async () => {
    const contact = dataset.hubspot.contacts.find((c) => c.properties.country === 'United States of America' && /^\(\d{3}\)/.test(c.properties.phone ?? '')
      && c.properties.erp_partner_id && c.properties.shop_customer_id
      && !dataset.disagreements.some((d) => 'contactId' in d && d.contactId === c.id))!;
    const read = (await crm.readContact(contact.id))!;
    const partner = (await erp.read(read.links))!;
    const customer = (await shop.read(read.links))!;
    // As stored: a local phone in the CRM and the ERP, E.164 in the shop; a country name in the CRM and the ERP.
    expect(read.record.values).toMatchObject({ phone: contact.properties.phone, country: 'United States of America' });
    expect(partner.values.phone).toBe(contact.properties.phone);
    expect(customer.values.phone).toMatch(/^\+1\d{10}$/);
    // As compared: one canonical form everywhere.
    for (const view of [read.record.canonical, partner.canonical, customer.canonical]) {
      expect(view.phone).toBe(customer.values.phone);
      expect(view.address).toMatchObject({ line1: contact.properties.address, city: contact.properties.city, postalCode: contact.properties.zip, country: 'US' });
    }
    expect(partner.canonical.displayName).toBe(read.record.canonical.displayName);
    expect(masterDifferences(read.record.canonical, partner.canonical)).toEqual([]);
    expect(masterDifferences(read.record.canonical, customer.canonical)).toEqual([]);
  });
});
