/**
 * Calculated query cost and the leaky bucket that throttles it, in the shape Shopify reports under
 * `extensions.cost`. The estimate is deliberately simpler than Shopify's: every selected object costs
 * 1, a connection 2, a mutation 10, without multiplying by page size. Batching entry points stay cheap
 * while the throttling behaviour (and its error) is real.
 */
import { getNamedType, isCompositeType, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';

export interface ThrottleOptions {
  /** Bucket size in points; Shopify Plus shops get 2000. */
  maximumAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
}

export interface ThrottleStatus extends ThrottleOptions {
  currentlyAvailable: number;
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export function estimateCost(schema: GraphQLSchema, document: DocumentNode): number {
  const typeInfo = new TypeInfo(schema);
  let cost = 0;
  visit(document, visitWithTypeInfo(typeInfo, {
    Field() {
      if (typeInfo.getParentType() === schema.getMutationType()) cost += 10;
      else {
        const type = getNamedType(typeInfo.getType());
        if (type && isCompositeType(type)) cost += type.name.endsWith('Connection') ? 2 : 1;
      }
    },
  }));
  return cost;
}

export interface Throttle {
  /** Takes `cost` points when that many are available; false (and nothing taken) otherwise. */
  take(cost: number): boolean;
  status(): ThrottleStatus;
}

export function createThrottle(options: ThrottleOptions, clock: () => number = Date.now): Throttle {
  let available = options.maximumAvailable;
  let at = clock();
  const refill = () => {
    const now = clock();
    available = Math.min(options.maximumAvailable, available + ((now - at) / 1000) * options.restoreRate);
    at = now;
  };
  return {
    take(cost) {
      refill();
      if (cost > available) return false;
      available -= cost;
      return true;
    },
    status() {
      refill();
      return { maximumAvailable: options.maximumAvailable, currentlyAvailable: Math.floor(available), restoreRate: options.restoreRate };
    },
  };
}
