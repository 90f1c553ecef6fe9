/** The three systems' gates, from the outbox settings; the shop's paced by its cost bucket. */
import type { ShopifyCostBucket } from '../../commerce/cost-bucket.ts';
import type { OutboxConfig } from '../config.ts';
import { createCircuitBreaker } from './breaker.ts';
import type { SystemGates } from './guard-adapters.ts';
import { createSystemGate } from './system-gate.ts';

/** Points the shop's bucket must hold before the outbox sends it a write (a read and an update cost about 25). */
const SHOP_HEADROOM_POINTS = 50;

export function createSystemGates(outbox: OutboxConfig, costBucket: ShopifyCostBucket, now: () => number = Date.now): SystemGates {
  const gate = (system: keyof SystemGates, paceReadyAt?: () => number) =>
    createSystemGate({ system, breaker: createCircuitBreaker(outbox.breaker, now), concurrency: outbox.concurrency, paceReadyAt, now });
  return { CRM: gate('CRM'), ERP: gate('ERP'), COMMERCE: gate('COMMERCE', () => costBucket.readyAt(SHOP_HEADROOM_POINTS)) };
}
