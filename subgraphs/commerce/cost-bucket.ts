/**
 * Our copy of Shopify's query-cost leaky bucket, so queries wait here instead of being throttled there.
 * Shopify reports after every query how full the bucket is (`extensions.cost.throttleStatus`:
 * currentlyAvailable, restoreRate); each query reserves its expected cost before it is sent (the cost
 * Shopify last reported for the same document), waiting in line until the bucket holds it. Reservations
 * may drive the balance below zero: a later query waits for the refill that pays for the earlier ones,
 * so concurrent queries go out in the order they asked and never all at once after a throttle.
 */
export interface ShopifyThrottleStatus {
  maximumAvailable?: number;
  currentlyAvailable?: number;
  restoreRate?: number;
}

export interface ShopifyCostReport {
  requestedQueryCost?: number;
  throttleStatus?: ShopifyThrottleStatus;
}

export interface ShopifyCostBucket {
  /** Waits until `query` may be sent; false (nothing reserved) when that would be after `deadline`. */
  acquire(query: string, deadline: number): Promise<boolean>;
  /** What Shopify reported for `query` (its cost and the bucket after it). */
  observe(query: string, cost: ShopifyCostReport | undefined): void;
  /** Epoch ms when `points` will be available without waiting behind reservations (now, or later). */
  readyAt(points: number): number;
}

/** Cost assumed for a document Shopify has not priced yet (a mutation is 10 points plus its selection). */
const UNKNOWN_COST = 12;

/** The bucket for one shop's access token; unknown until Shopify's first answer (until then nothing waits). */
export function createShopifyCostBucket(now: () => number = Date.now): ShopifyCostBucket {
  let available = Number.POSITIVE_INFINITY;
  let restoreRate = 0;
  let maximum = Number.POSITIVE_INFINITY;
  let at = now();
  const costs = new Map<string, number>();

  const refill = (): void => {
    const t = now();
    if (restoreRate > 0) available = Math.min(maximum, available + ((t - at) / 1000) * restoreRate);
    at = t;
  };

  return {
    async acquire(query, deadline) {
      refill();
      const cost = costs.get(query) ?? UNKNOWN_COST;
      const waitMs = available >= cost ? 0 : Math.ceil(((cost - available) / restoreRate) * 1000);
      if (now() + waitMs > deadline) return false;
      available -= cost;
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      return true;
    },
    observe(query, cost) {
      if (cost?.requestedQueryCost) costs.set(query, cost.requestedQueryCost);
      const status = cost?.throttleStatus;
      if (status?.currentlyAvailable === undefined || !status.restoreRate) return;
      refill();
      restoreRate = status.restoreRate;
      maximum = status.maximumAvailable ?? maximum;
      // Shopify's figure already counts the queries it has seen; ours also the ones still on their way.
      // Keep the lower: never spend what Shopify says is not there (another client may share the shop).
      available = Math.min(available, status.currentlyAvailable);
    },
    readyAt(points) {
      refill();
      return available >= points || restoreRate === 0 ? now() : now() + Math.ceil(((points - available) / restoreRate) * 1000);
    },
  };
}
