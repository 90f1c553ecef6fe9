/** The cached records a stored webhook event says changed: a HubSpot contact, a Shopify customer, any Shopify order. */
import type { InboxEventInput, WebhookSource } from '../store/types.ts';
import { commerceCustomerEmailKey, commerceCustomerKey, commerceOrdersKey, crmContactKey, type RecordKey } from '../../shared/record-cache/record-keys.ts';

export function webhookRecordKeys(source: WebhookSource, events: readonly InboxEventInput[]): RecordKey[] {
  return events.flatMap((event) => {
    if (source === 'HUBSPOT' && event.objectType === 'contact') return [crmContactKey(event.objectId)];
    // The customer, and its email as the payload (the REST customer) gives it: a match by that email may find it now.
    if (source === 'SHOPIFY' && event.objectType === 'customer') {
      const email = (event.payload as { email?: unknown } | null)?.email;
      return [commerceCustomerKey(event.objectId), commerceCustomerEmailKey(typeof email === 'string' ? email : null)].filter((k): k is RecordKey => k !== null);
    }
    if (source === 'SHOPIFY' && event.objectType === 'order') return [commerceOrdersKey];
    return [];
  });
}
