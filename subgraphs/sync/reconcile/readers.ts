/**
 * What a reconciliation pass reads, per system: its change feeds and the lookups that tie a changed
 * record to the customers and orders to compare. Each system's connector implements its part
 * (subgraphs/{crm,erp,commerce}/change-feed.ts); the pass sees only this.
 */
import type {
  ChangeFeed, ChangedCustomerRecord, ChangedRecord, ChangedSaleOrder, ChangedShopOrder, MasterField, OrderTotal,
} from '../../shared/change-feed.ts';
import { createCrmReconcileReader } from '../../crm/reconcile-reader.ts';
import { createErpReconcileReader } from '../../erp/reconcile-reader.ts';
import { createCommerceReconcileReader } from '../../commerce/reconcile-reader.ts';
import type { SyncConfig } from '../config.ts';

export interface ReconcileReaders {
  crm: {
    contacts: ChangeFeed<ChangedRecord>;
    /** Per contact, when each master field last changed (epoch ms; 0 when never). */
    masterFieldTimes(contactIds: string[]): Promise<Map<string, Record<MasterField, number>>>;
    /** The contacts that store one of these ids or have one of these emails (any case). */
    contactIdsLinkedTo(query: { erpPartnerIds?: string[]; shopCustomerGids?: string[]; emails?: string[] }): Promise<string[]>;
  };
  erp: {
    partners: ChangeFeed<ChangedCustomerRecord>;
    saleOrders: ChangeFeed<ChangedSaleOrder>;
    /** The sales order mirroring each shop order number, where there is one. */
    saleOrdersByClientRefs(refs: string[]): Promise<Map<string, ChangedSaleOrder>>;
    /** `total` in `to` at the ERP's rate valid on `on` (epoch ms), rounded once. */
    convert(total: OrderTotal, to: string, on: number): Promise<OrderTotal>;
  };
  commerce: {
    customers: ChangeFeed<ChangedCustomerRecord>;
    orders: ChangeFeed<ChangedShopOrder>;
    /** The shop order of each number, where there is one. */
    ordersByNumbers(numbers: string[]): Promise<Map<string, ChangedShopOrder>>;
  };
}

/** The readers over each system's connector, with the sync service's upstream settings. */
export function createReconcileReaders(config: Pick<SyncConfig, 'hubspot' | 'odoo' | 'shopify'>): ReconcileReaders {
  return {
    crm: createCrmReconcileReader(config.hubspot),
    erp: createErpReconcileReader(config.odoo),
    commerce: createCommerceReconcileReader(config.shopify),
  };
}
