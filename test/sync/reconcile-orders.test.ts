/** Comparing shop orders with ERP sales orders over a real store, with the readers faked: one bad order does not stop the others. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../subgraphs/sync/store/sqlite/store.ts';
import type { SyncStore } from '../../subgraphs/sync/store/types.ts';
import { checkDueOrders, checkShopOrders } from '../../subgraphs/sync/reconcile/check-orders.ts';
import type { ReconcileReaders } from '../../subgraphs/sync/reconcile/readers.ts';
import type { ChangedSaleOrder, ChangedShopOrder } from '../../subgraphs/shared/change-feed.ts';
import { codedError } from '../../schema/errors.ts';

const T = Date.parse('2026-11-20T12:00:00.000Z');
const DAY = 86_400_000;
let store: SyncStore;
beforeEach(async () => { store = openSqliteStore(':memory:', { instanceId: 'test' }); });
afterEach(async () => { await store.close(); });

const shopOrder = (n: number, placedAt: number, currency = 'USD'): ChangedShopOrder => ({
  externalId: `gid://shopify/Order/${n}`, orderId: String(n), number: `#${n}`, changedAt: placedAt, placedAt, cancelled: false,
  total: { amount: '10.00', currency }, shopTotal: { amount: '10.00', currency: 'USD' },
});
const saleOrder = (ref: string, currency: string): ChangedSaleOrder => ({
  externalId: '1', name: 'S1', clientOrderRef: ref, total: { amount: '9.00', currency }, orderedAt: T, changedAt: T, cancelled: false,
});

/** Readers where the ERP has a sales order in CHF for #1 (which it cannot convert to) and none for the rest. */
function readers(shop: ChangedShopOrder[]): ReconcileReaders {
  return {
    erp: {
      saleOrdersByClientRefs: async (refs: string[]) => new Map(refs.filter((r) => r === '#1').map((r) => [r, saleOrder(r, 'CHF')])),
      convert: async () => { throw codedError('BAD_USER_INPUT', 'The ERP has no rate for CHF.'); },
    },
    commerce: { ordersByNumbers: async (numbers: string[]) => new Map(shop.filter((o) => numbers.includes(o.number)).map((o) => [o.number, o])) },
  } as unknown as ReconcileReaders;
}

describe('checkShopOrders', () => {
  it('reports an order it cannot compare as a failure and goes on with the others', async () => {
    const orders = [shopOrder(1, T - 3 * DAY), shopOrder(2, T - 3 * DAY)];
    const result = await checkShopOrders(readers(orders), store, orders, { dryRun: false, now: () => T, graceMs: DAY });
    expect(result.failed).toEqual(['BAD_USER_INPUT']);
    expect([...result.found]).toEqual([['#2', 1]]);
    expect((await store.discrepancies({}, null, 10)).map((d) => [d.kind, d.orderId])).toEqual([['MISSING_ERP_ORDER', '2']]);
  });

  it('schedules a new order again for the end of its grace period, and checks it then; an order it cannot compare is not scheduled for ever', async () => {
    const fresh = shopOrder(3, T - DAY / 2);
    const blocked = shopOrder(1, T - DAY / 2);
    const all = [fresh, blocked];
    await checkShopOrders(readers(all), store, [fresh], { dryRun: false, now: () => T, graceMs: DAY });
    expect(await store.dueOrderRechecks(T + DAY, 10)).toEqual(['#3']);
    await store.scheduleOrderRecheck('#1', T);
    const later = await checkDueOrders(readers(all), store, { dryRun: false, now: () => T + DAY, graceMs: DAY });
    expect([...later.found]).toEqual([['#3', 1]]);
    expect(later.failed).toEqual(['BAD_USER_INPUT']);
    expect(await store.dueOrderRechecks(T + 10 * DAY, 10)).toEqual([]);
  });
});
