/**
 * The write adapters, each write followed by news of the record it touched (record-invalidation):
 * every write path (a mutation's inline writes, the outbox, the inbox's propagation, reconciliation's
 * carry-over) goes through the adapters, so the read subgraphs' caches hear of every write this service
 * applies; a mutation waits for that news before it answers (pending-invalidations.ts). Also after a
 * write that failed: a timed-out write may have landed. Reads (version checks) are untouched: they
 * never go through a cache.
 */
import type { Adapters } from '../adapters.ts';
import type { CustomerFields, LinkedWriteAdapter } from '../../shared/write-adapter.ts';
import type { RecordInvalidation } from '../../shared/record-cache/record-invalidation.ts';
import { commerceCustomerKey, commerceOrdersKey, crmContactKey, erpPartnerKey, everyOf, type RecordKey } from '../../shared/record-cache/record-keys.ts';

export function invalidatingAdapters(adapters: Adapters, invalidation: RecordInvalidation): Adapters {
  const thenPublish = <A extends unknown[], R>(write: (...args: A) => Promise<R>, keysOf: (...args: A) => (RecordKey | null)[]) =>
    async (...args: A): Promise<R> => {
      try {
        return await write(...args);
      } finally {
        void invalidation.publish(keysOf(...args).filter((k): k is RecordKey => k !== null));
      }
    };
  // A created record may be what a match by email finds next (kept answers from such a search depend on
  // every record of the kind): its key, or the whole kind when a failed create may have landed unseen.
  const thenPublishCreated = (create: LinkedWriteAdapter['create'], keyOf: (id: string) => RecordKey | null, kind: RecordKey) =>
    async (desired: CustomerFields): Promise<string> => {
      let id: string | undefined;
      try {
        return id = await create(desired);
      } finally {
        const key = id === undefined ? kind : keyOf(id);
        void invalidation.publish(key ? [key] : [kind]);
      }
    };
  const { crm, erp, commerce } = adapters;
  return {
    crm: {
      ...crm,
      update: thenPublish(crm.update, (contactId) => [crmContactKey(contactId)]),
      storeLinks: thenPublish(crm.storeLinks, (contactId) => [crmContactKey(contactId)]),
    },
    erp: {
      ...erp,
      update: thenPublish(erp.update, (partnerId) => [erpPartnerKey(partnerId)]),
      create: thenPublishCreated(erp.create, erpPartnerKey, everyOf('ERP', 'partner')),
      // Called with the sales order's id, not the shop order number it is cached by; cancelling may cancel draft invoices too.
      cancelSaleOrder: thenPublish(erp.cancelSaleOrder, () => [everyOf('ERP', 'sale_order'), everyOf('ERP', 'invoices')]),
    },
    commerce: {
      ...commerce,
      update: thenPublish(commerce.update, (gid) => [commerceCustomerKey(gid)]),
      create: thenPublishCreated(commerce.create, commerceCustomerKey, everyOf('COMMERCE', 'customer')),
      // Answers the gateway keeps with a customer's orders are tagged with every shop order (commerceOrdersKey).
      cancelOrder: thenPublish(commerce.cancelOrder, () => [commerceOrdersKey]),
    },
  };
}
