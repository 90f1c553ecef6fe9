/** The cached records a stored webhook event says changed: a HubSpot contact, a Shopify customer, any Shopify order. */
import type { InboxEventInput, WebhookSource } from '../store/types.ts';
import { commerceCustomerKey, commerceOrdersKey, crmContactKey, type RecordKey } from '../../shared/record-cache/record-keys.ts';

export function webhookRecordKeys(source: WebhookSource, events: readonly InboxEventInput[]): RecordKey[] {
  return events.flatMap((event) => {
    if (source === 'HUBSPOT' && event.objectType === 'contact') return [crmContactKey(event.objectId)];
    if (source === 'SHOPIFY' && event.objectType === 'customer') return [commerceCustomerKey(event.objectId)].filter((k): k is RecordKey => k !== null);
    if (source === 'SHOPIFY' && event.objectType === 'order') return [commerceOrdersKey];
    return [];
  });
}
