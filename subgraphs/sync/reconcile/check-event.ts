/**
 * What a shop webhook triggers: the record it names compared at once, as a pass would compare it, so
 * an edit made in the shop shows up as a discrepancy (or closes one) within a second rather than at
 * the next pass. No subgraph keeps a cached copy of a customer or an order, so there is none to drop.
 */
import { codedError } from '../../../schema/errors.ts';
import { toGid } from '../../commerce/gid.ts';
import type { WriteContext } from '../context.ts';
import type { InboxEvent } from '../store/types.ts';
import { checkCustomers } from './check-customer.ts';
import { checkShopOrders } from './check-orders.ts';
import type { ReconcileReaders } from './readers.ts';

/** Returns whether the event named a record that was compared. */
export type ShopEventCheck = (event: InboxEvent) => Promise<boolean>;

export function createShopEventCheck(ctx: WriteContext, readers: ReconcileReaders, settings: { orderGraceMs: number }, now: () => number): ShopEventCheck {
  const checkShopCustomer = async (event: InboxEvent): Promise<boolean> => {
    const email = (event.payload as { email?: unknown }).email;
    const contactIds = await readers.crm.contactIdsLinkedTo({
      shopCustomerGids: [toGid('Customer', event.objectId)], emails: typeof email === 'string' && email ? [email] : [],
    });
    if (contactIds.length === 0) return false;
    let failure: unknown = null;
    await checkCustomers(ctx, readers, contactIds, { dryRun: false, now, concurrency: 1 }, (_, outcome) => {
      if ('error' in outcome) failure ??= outcome.error;
      else if (outcome.check.failed.length > 0) {
        failure ??= codedError('UPSTREAM_UNAVAILABLE', `The ${outcome.check.failed[0].system} record of a customer could not be read.`);
      }
    });
    // A linked record that could not be read: the inbox worker processes the event again later.
    if (failure) throw failure;
    return true;
  };

  const checkShopOrder = async (event: InboxEvent): Promise<boolean> => {
    const number = (event.payload as { name?: unknown }).name;
    if (typeof number !== 'string' || !number) return false;
    const orders = await readers.commerce.ordersByNumbers([number]);
    if (orders.size === 0) return false;
    await checkShopOrders(readers, ctx.store, [...orders.values()], { dryRun: false, now, graceMs: settings.orderGraceMs });
    return true;
  };

  return async (event) => {
    if (event.topic === 'customers/update') return checkShopCustomer(event);
    if (event.topic === 'orders/updated' || event.topic === 'orders/cancelled') return checkShopOrder(event);
    return false;
  };
}
