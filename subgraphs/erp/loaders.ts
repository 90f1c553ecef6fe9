/**
 * Per-request DataLoaders over the Odoo client. Each batch is one Odoo request whatever its size
 * (an `in` domain or a `|`-joined one), so N entities cost a constant number of upstream calls.
 */
import DataLoader from 'dataloader';
import type { OdooClient } from './client.ts';
import type { ReferenceData } from './reference-data.ts';
import type { RateTable } from './rates.ts';
import { fromOdooPartner } from './transform-partner.ts';
import { matchPartners, normalizedEmail, storedPartnerId, type PartnerKey, type PartnerMatch } from './partner-match.ts';
import { fromOdooInvoice, type ErpInvoice } from './transform-invoice.ts';
import { fromOdooSaleOrder, pickSaleOrder, type ErpSaleOrder } from './transform-fulfillment.ts';
import { toStockLevels, type StockLevel } from './transform-stock.ts';
import { many2oneId, text } from './odoo-values.ts';
import type { RecordCache } from '../shared/record-cache/record-cache.ts';
import { readThrough } from '../shared/record-cache/read-through.ts';
import { dependOn, namedRead } from '../shared/record-cache/answer-dependencies.ts';
import { emailKeyId } from '../shared/record-cache/record-keys.ts';

export interface ErpLoaders {
  /** The partner linked to a customer, by stored id else email. */
  partner: DataLoader<PartnerKey, PartnerMatch | null, string>;
  /** A partner's customer invoices, newest first. */
  invoices: DataLoader<number, ErpInvoice[]>;
  /**
   * The customer invoices of every partner a batch of keys may match (by stored id or email), newest
   * first, searched beside `partner` rather than after it; filter them by the matched partner's id.
   */
  invoicesCovering: DataLoader<PartnerKey, ErpInvoice[], string>;
  /** The shop order number (client_order_ref) of a sales order, by the sales order's name. */
  orderNumberOfSaleOrder: DataLoader<string, string | null>;
  /** The sales order that fulfils a shop order, by the shop's order number. */
  saleOrder: DataLoader<string, ErpSaleOrder | null>;
  invoiceName: DataLoader<number, string | null>;
  /** Stock per warehouse, by SKU (two requests per batch: the products, then their quants). */
  stock: DataLoader<string, StockLevel[]>;
  companyCurrency(): Promise<string>;
  rateTable(): Promise<RateTable>;
}

/** Every email is searched, also for stored ids, so a stale id can fall back in the same request. */
const searchTerms = (keys: readonly PartnerKey[]) => ({
  ids: unique(keys.map(storedPartnerId)),
  emails: unique(keys.map((k) => normalizedEmail(k.email))),
});
const partnerKeyId = (k: PartnerKey) => `${storedPartnerId(k) ?? ''}|${normalizedEmail(k.email) ?? ''}`;

/**
 * `cache`: the subgraph's record cache, which serves a partner by its stored id when it was last found
 * by that id (a match by email is always searched afresh), a partner's invoices and a shop order's
 * sales order (not its absence, which is only named); null: none.
 */
export function createLoaders(client: OdooClient, reference: ReferenceData, cache: RecordCache | null = null): ErpLoaders {
  const invoiceShelf = cache?.shelf<ErpInvoice[]>('invoices') ?? null;
  const partnerShelf = cache?.shelf<PartnerMatch>('partner') ?? null;
  return {
    partner: new DataLoader(readThrough(partnerShelf, {
      idOf: (key) => storedPartnerId(key)?.toString() ?? null,
      keeps: (_key, match) => match.linkedBy === 'STORED_ID',
      // A match by email (or none) depends on the email's key and the partner found: the sync service names
      // the email of each partner it creates or gives an email, and the id of each it changes.
      searchNamedBy: (key, found) => [emailKeyId(key.email), found && String(found.partner.id), storedPartnerId(key)?.toString() ?? null],
    }, async (keys) => {
      const { ids, emails } = searchTerms(keys);
      return matchPartners(keys, (await client.findPartners(ids, emails)).map(fromOdooPartner));
    }), { cacheKeyFn: partnerKeyId }),

    invoicesCovering: new DataLoader(async (keys) => {
      // A stored id whose invoices the cache holds needs no search; the search keeps each stored id's own.
      const cached = keys.map((k) => (invoiceShelf && storedPartnerId(k) !== null ? invoiceShelf.get(String(storedPartnerId(k))) : undefined));
      const missing = keys.filter((_, i) => cached[i] === undefined);
      keys.forEach((k, i) => cached[i] !== undefined && invoiceShelf && dependOn(invoiceShelf.keyOf(String(storedPartnerId(k))), invoiceShelf.remainingMs(String(storedPartnerId(k)))));
      if (!missing.length) return cached as ErpInvoice[][];
      const ticket = invoiceShelf?.ticket() ?? 0;
      const { ids, emails } = searchTerms(missing);
      const search = () => client.customerInvoices(ids, emails);
      // Keys that all hold a stored partner id: the invoices an answer uses are that partner's, so the
      // search is named by their invoice keys.
      if (invoiceShelf && partnerShelf) for (const id of ids) dependOn(invoiceShelf.keyOf(String(id)), invoiceShelf.remainingMs());
      const invoices = (await (invoiceShelf && partnerShelf ? namedRead(search) : search())).map(fromOdooInvoice);
      // Keys with an email search more: the invoices of whichever partners hold it, named by the email's key
      // (which partners match, as the partner search is, see `partner`) and each partner found and its invoices.
      if (invoiceShelf && partnerShelf && !missing.every((k) => storedPartnerId(k) !== null)) {
        for (const email of emails) { const id = emailKeyId(email); if (id) dependOn(partnerShelf.keyOf(id), partnerShelf.remainingMs()); }
        for (const partnerId of unique(invoices.map((i) => i.partnerId))) {
          if (partnerId === null) continue;
          dependOn(partnerShelf.keyOf(String(partnerId)), partnerShelf.remainingMs());
          dependOn(invoiceShelf.keyOf(String(partnerId)), invoiceShelf.remainingMs());
        }
      }
      for (const id of ids) invoiceShelf?.set(String(id), invoices.filter((i) => i.partnerId === id), ticket);
      return cached.map((hit) => hit ?? invoices);
    }, { cacheKeyFn: partnerKeyId }),

    invoices: new DataLoader(readThrough(cache?.shelf<ErpInvoice[]>('invoices') ?? null, { idOf: String, keeps: () => true }, async (partnerIds) => {
      const invoices = (await client.customerInvoices([...partnerIds])).map(fromOdooInvoice);
      return partnerIds.map((id) => invoices.filter((i) => i.partnerId === id));
    })),

    orderNumberOfSaleOrder: new DataLoader(async (names) => {
      const orders = await client.saleOrdersByName([...names]);
      return names.map((name) => text(orders.find((o) => o.name === name)?.client_order_ref));
    }),

    // This gateway never creates sales orders (Odoo does, from the shop): "none" is named by the order
    // number's key like a found one, so one created in Odoo shows within the TTL, as any change made there.
    saleOrder: new DataLoader(readThrough(cache?.shelf<ErpSaleOrder>('sale_order') ?? null, { idOf: (n) => n, keeps: () => true, namesNone: true }, async (numbers) => {
      const orders = (await client.saleOrdersByClientRef([...numbers])).map(fromOdooSaleOrder);
      return numbers.map((n) => pickSaleOrder(orders.filter((o) => o.clientOrderRef === n)));
    })),

    invoiceName: new DataLoader(async (ids) => {
      const invoices = await client.invoiceNames([...ids]);
      return ids.map((id) => text(invoices.find((i) => i.id === id)?.name));
    }),

    stock: new DataLoader(async (skus) => {
      const products = await client.productsBySku([...skus]);
      const quants = await client.quantsOfProducts(products.map((p) => p.id));
      return skus.map((sku) => {
        const ids = new Set(products.filter((p) => p.default_code === sku).map((p) => p.id));
        return toStockLevels(quants.filter((q) => ids.has(many2oneId(q.product_id) ?? NaN)));
      });
    }),

    companyCurrency: reference.companyCurrency,
    rateTable: reference.rateTable,
  };
}

function unique<T>(values: (T | null)[]): T[] {
  return [...new Set(values.filter((v): v is T => v !== null))];
}
