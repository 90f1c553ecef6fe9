/**
 * What a reconciliation pass reads from the CRM (ReconcileReaders['crm'] in subgraphs/sync/reconcile):
 * the contact change feed, when each master field of a contact last changed (property history), and
 * which contacts a changed ERP partner or shop customer belongs to.
 */
import type { ChangedRecord, ChangeFeed, MasterField } from '../shared/change-feed.ts';
import type { UpstreamConfig } from '../shared/upstream-http.ts';
import { createContactChangeFeed } from './change-feed.ts';
import { createHubSpotClient } from './client.ts';
import { MASTER_PROPERTIES, masterFieldTimes } from './field-times.ts';

export interface CrmReconcileReader {
  contacts: ChangeFeed<ChangedRecord>;
  /** Per contact found, when each master field last changed (epoch ms; 0 without history). Unknown ids are absent. */
  masterFieldTimes(contactIds: string[]): Promise<Map<string, Record<MasterField, number>>>;
  /**
   * The contacts whose erp_partner_id is one of `erpPartnerIds`, whose shop_customer_id is one of
   * `shopCustomerGids`, or whose email is one of `emails` (any letter case); in id order.
   */
  contactIdsLinkedTo(query: { erpPartnerIds?: string[]; shopCustomerGids?: string[]; emails?: string[] }): Promise<string[]>;
}

export function createCrmReconcileReader(hubspot: UpstreamConfig): CrmReconcileReader {
  const client = createHubSpotClient(hubspot);
  return {
    contacts: createContactChangeFeed(hubspot),
    async masterFieldTimes(contactIds) {
      const records = await client.readHistories(contactIds, MASTER_PROPERTIES);
      return new Map(records.map((record) => [record.id, masterFieldTimes(record)]));
    },
    async contactIdsLinkedTo({ erpPartnerIds = [], shopCustomerGids = [], emails = [] }) {
      const lookups = [
        { propertyName: 'erp_partner_id', values: erpPartnerIds },
        { propertyName: 'shop_customer_id', values: shopCustomerGids },
        { propertyName: 'email', values: emails },
      ].filter((lookup) => lookup.values.length > 0);
      const ids = lookups.length ? await client.idsWithAnyValue(lookups) : [];
      return ids.sort((a, b) => Number(a) - Number(b));
    },
  };
}
