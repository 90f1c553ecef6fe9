/**
 * What a reconciliation pass reads from the ERP (ReconcileReaders['erp'] in subgraphs/sync/reconcile):
 * the partner and sales order change feeds, the sales order mirroring each shop order (the read path's
 * rule), and conversions with the ERP's own rates (the read path's rule, subgraphs/erp/convert.ts).
 */
import type { ChangedCustomerRecord, ChangedSaleOrder, ChangeFeed, OrderTotal } from '../shared/change-feed.ts';
import type { OdooConfig } from './config.ts';
import { createOdooClient } from './client.ts';
import { convertMoney } from './convert.ts';
import { createReferenceData } from './reference-data.ts';
import { createPartnerChangeFeed, createSaleOrderChangeFeed } from './change-feed.ts';
import { pickSaleOrderBy } from './transform-fulfillment.ts';
import { toChangedSaleOrder } from './transform-change.ts';
import { text } from './odoo-values.ts';

export interface ErpReconcileReader {
  partners: ChangeFeed<ChangedCustomerRecord>;
  saleOrders: ChangeFeed<ChangedSaleOrder>;
  /**
   * Per shop order number, the sales order whose client_order_ref it is; with several, the newest not
   * cancelled, else the newest (the read path's pickSaleOrder). Numbers without one are absent.
   */
  saleOrdersByClientRefs(refs: string[]): Promise<Map<string, ChangedSaleOrder>>;
  /**
   * `total` in `to` with the ERP's rates valid on the UTC day of `on` (epoch ms), rounded once to `to`'s
   * scale. BAD_USER_INPUT when the ERP has no `to` rate that early; UPSTREAM_ERROR without a `from` rate.
   */
  convert(total: OrderTotal, to: string, on: number): Promise<OrderTotal>;
}

/**
 * `referenceTtlMs`: how long the company currency and rate table are reused (as ODOO_REFERENCE_TTL_MS
 * for the subgraph; 0 keeps them for the reader's life).
 */
export function createErpReconcileReader(odoo: OdooConfig, referenceTtlMs = 60_000): ErpReconcileReader {
  const client = createOdooClient(odoo);
  const reference = createReferenceData(client, referenceTtlMs);
  return {
    partners: createPartnerChangeFeed(client),
    saleOrders: createSaleOrderChangeFeed(client, reference),
    async saleOrdersByClientRefs(refs) {
      const unique = [...new Set(refs)];
      const records = await client.saleOrderTotalsByClientRef(unique);
      const found = new Map<string, ChangedSaleOrder>();
      if (records.length === 0) return found;
      const currency = await reference.companyCurrency();
      for (const ref of unique) {
        const picked = pickSaleOrderBy(records.filter((r) => text(r.client_order_ref) === ref), (r) => r.state === 'cancel');
        if (picked) found.set(ref, toChangedSaleOrder(picked, currency));
      }
      return found;
    },
    async convert(total, to, on) {
      const { amount, currency } = convertMoney(await reference.rateTable(), total, to, new Date(on).toISOString());
      return { amount, currency };
    },
  };
}
