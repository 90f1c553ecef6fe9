/**
 * The one way news of changed records travels: whoever changed an upstream record (the sync service,
 * after a write or on a webhook) publishes its keys; every cache of such records subscribes and drops
 * them. Implementations differ only in how far the news goes: this process (createLocalInvalidation),
 * the read subgraphs over HTTP (http-invalidation.ts), every replica over PostgreSQL LISTEN/NOTIFY
 * (pg-invalidation.ts).
 */
import type { RecordKey } from './record-keys.ts';

export type InvalidationHandler = (keys: readonly RecordKey[]) => void;

export interface RecordInvalidation {
  /**
   * Resolves once the subscribers the implementation reaches have dropped the keys, or it gave up on
   * one (bounded in time, logged and counted); never rejects: a write must not fail for its cache.
   */
  publish(keys: readonly RecordKey[]): Promise<void>;
  /** Calls `handler` with every published batch of keys; returns the unsubscribe. */
  subscribe(handler: InvalidationHandler): () => void;
}

/** Within one process: publish calls each subscriber at once. */
export function createLocalInvalidation(): RecordInvalidation {
  const handlers = new Set<InvalidationHandler>();
  return {
    async publish(keys) {
      if (keys.length) for (const handler of handlers) handler(keys);
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}

/** Publishes through both side by side (settled once both are); subscribers hear `primary` only. */
export function publishingAlso(primary: RecordInvalidation, also: RecordInvalidation): RecordInvalidation {
  return {
    async publish(keys) {
      await Promise.all([primary.publish(keys), also.publish(keys)]);
    },
    subscribe: primary.subscribe,
  };
}
