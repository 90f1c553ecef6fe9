/**
 * The write adapters, each write followed by news of the record it touched (record-invalidation):
 * every write path (a mutation's inline writes, the outbox, the inbox's propagation, reconciliation's
 * carry-over) goes through the adapters, so the read subgraphs' caches hear of every write this service
 * applies; a mutation waits for that news before it answers (pending-invalidations.ts). Also after a
 * write that failed: a timed-out write may have landed. Reads (version checks) are untouched: they
 * never go through a cache.
 */
import type { Adapters } from '../adapters.ts';
import type { CustomerFields, LinkedWriteAdapter, SystemValues } from '../../shared/write-adapter.ts';
import { emailInVals } from '../../erp/partner-vals.ts';
import { emailInCustomerInput } from '../../commerce/write-adapter.ts';
import type { RecordInvalidation } from '../../shared/record-cache/record-invalidation.ts';
import { commerceCustomerEmailKey, commerceCustomerKey, commerceOrdersKey, crmContactKey, erpPartnerEmailKey, erpPartnerKey, everyOf, type RecordKey } from '../../shared/record-cache/record-keys.ts';

type EmailKeyOf = (email: string | null | undefined) => RecordKey | null;

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
  // the email's key): its key and its email's, or the whole kind when a failed create may have landed unseen.
  const thenPublishCreated = (create: LinkedWriteAdapter['create'], keyOf: (id: string) => RecordKey | null, emailKeyOf: EmailKeyOf, kind: RecordKey) =>
    async (desired: CustomerFields): Promise<string> => {
      let id: string | undefined;
      try {
        return id = await create(desired);
      } finally {
        const key = id === undefined ? null : keyOf(id);
        void invalidation.publish(key ? [key, emailKeyOf(desired.email)].filter((k): k is RecordKey => k !== null) : [kind]);
      }
    };
  // An update names the record, and the email it gives it: a match by that email may find it next (one that
  // found it by its old email depends on its key too).
  // (Each system reads the email from its own write format; the adapters' methods all call the upstream, paced.)
  const updateKeys = (keyOf: (id: string) => RecordKey | null, emailKeyOf: EmailKeyOf, emailIn: (changes: SystemValues) => string | null | undefined) =>
    (id: string, changes: SystemValues) => [keyOf(id), emailKeyOf(emailIn(changes))];
  const { crm, erp, commerce } = adapters;
  return {
    crm: {
      ...crm,
      update: thenPublish(crm.update, (contactId) => [crmContactKey(contactId)]),
      storeLinks: thenPublish(crm.storeLinks, (contactId) => [crmContactKey(contactId)]),
    },
    erp: {
      ...erp,
      update: thenPublish(erp.update, updateKeys(erpPartnerKey, erpPartnerEmailKey, emailInVals)),
      create: thenPublishCreated(erp.create, erpPartnerKey, erpPartnerEmailKey, everyOf('ERP', 'partner')),
      // Called with the sales order's id, not the shop order number it is cached by; cancelling may cancel draft invoices too.
      cancelSaleOrder: thenPublish(erp.cancelSaleOrder, () => [everyOf('ERP', 'sale_order'), everyOf('ERP', 'invoices')]),
    },
    commerce: {
      ...commerce,
      update: thenPublish(commerce.update, updateKeys(commerceCustomerKey, commerceCustomerEmailKey, emailInCustomerInput)),
      create: thenPublishCreated(commerce.create, commerceCustomerKey, commerceCustomerEmailKey, everyOf('COMMERCE', 'customer')),
      // Answers the gateway keeps with a customer's orders are tagged with every shop order (commerceOrdersKey).
      cancelOrder: thenPublish(commerce.cancelOrder, () => [commerceOrdersKey]),
    },
  };
}
