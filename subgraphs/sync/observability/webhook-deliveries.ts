/** A webhook receiver whose every delivery is counted by what it answered (sync_webhook_deliveries_total). */
import type { RouteHandler } from '../../shared/server.ts';
import type { WebhookSource } from '../store/types.ts';
import type { DeliveryResult, SyncMetrics } from './sync-metrics.ts';

const BY_STATUS: Record<number, DeliveryResult> = { 200: 'accepted', 401: 'bad_signature', 400: 'malformed' };

export function countingDeliveries(source: WebhookSource, receiver: RouteHandler, metrics: SyncMetrics): RouteHandler {
  return async (req, res, rawBody) => {
    res.once('finish', () => metrics.webhookDelivery(source, BY_STATUS[res.statusCode] ?? 'refused'));
    await receiver(req, res, rawBody);
  };
}
