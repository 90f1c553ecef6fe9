/**
 * What a stored webhook event does. A HubSpot contact created, or changed in a field the CRM is master
 * of: propagate that field of the contact to the ERP and the shop (propagate-customer.ts). The shop's
 * customers/update, orders/updated and orders/cancelled: compare the record named with the others at
 * once (reconcile/check-event.ts), the CRM being the master: a difference is a discrepancy. Other
 * HubSpot properties and deletions: IGNORED (stored and deduplicated; the next pass sees them).
 */
import type { WriteContext } from '../context.ts';
import { MASTER_FIELDS, propagateCustomer } from '../writes/propagate-customer.ts';
import type { CustomerField } from '../../shared/write-adapter.ts';
import { masterFieldOfProperty } from '../../crm/field-times.ts';
import type { InboxEvent } from '../store/types.ts';
import type { ShopEventCheck } from '../reconcile/check-event.ts';

export function createEventProcessor(ctx: WriteContext, checkShopEvent: ShopEventCheck) {
  return async (event: InboxEvent): Promise<'APPLIED' | 'IGNORED'> => {
    if (event.source === 'SHOPIFY') return (await checkShopEvent(event)) ? 'APPLIED' : 'IGNORED';
    const fields = masterFieldsOf(event);
    if (fields.length === 0) return 'IGNORED';
    const result = await propagateCustomer(ctx, event.objectId, fields);
    return result === null ? 'IGNORED' : 'APPLIED';
  };
}

/**
 * The master fields an event changed: all of them for a new contact, the one behind the property for
 * a change. Only those are carried over, so a deliberate difference in another field (a phone the ERP
 * keeps on purpose) is left for the discrepancy report, not overwritten.
 */
function masterFieldsOf(event: InboxEvent): CustomerField[] {
  if (event.topic === 'contact.creation') return MASTER_FIELDS;
  if (event.topic !== 'contact.propertyChange') return [];
  const property = (event.payload as { propertyName?: unknown }).propertyName;
  const field = typeof property === 'string' ? masterFieldOfProperty(property) : undefined;
  return field ? [field] : [];
}
