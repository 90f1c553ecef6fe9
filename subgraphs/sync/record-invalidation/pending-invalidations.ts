/**
 * Publications in flight. A write's news is started as soon as the write is applied but not awaited
 * there, so no record lock is held while a read subgraph answers; each mutation then waits for
 * everything in flight (its own writes' news among it, each bounded by its delivery timeout) before it
 * answers. Writes outside requests (outbox, inbox, reconciliation) have no one to answer.
 */
import type { RecordInvalidation } from '../../shared/record-cache/record-invalidation.ts';
import { noteChanged } from '../../shared/record-cache/answer-dependencies.ts';
import { keyText } from '../../shared/record-cache/record-keys.ts';

export interface PendingInvalidations extends RecordInvalidation {
  /** Resolves once every publication started before the call has settled. */
  settled(): Promise<void>;
}

export function trackPending(inner: RecordInvalidation): PendingInvalidations {
  const pending = new Set<Promise<void>>();
  return {
    publish(keys) {
      // Also told to the gateway relaying the request, on its answer (answer-dependencies.ts).
      noteChanged(keys.map(keyText));
      const publication: Promise<void> = inner.publish(keys).finally(() => pending.delete(publication));
      pending.add(publication);
      return publication;
    },
    subscribe: inner.subscribe,
    settled: async () => {
      await Promise.all([...pending]);
    },
  };
}

/** The mutation resolvers, each answering only once the news of what it wrote has settled. */
export function answeringAfterInvalidation<R extends Record<string, (...args: never[]) => unknown>>(resolvers: R, invalidation: PendingInvalidations): R {
  return Object.fromEntries(Object.entries(resolvers).map(([name, resolve]) => [name, async (...args: never[]) => {
    try {
      return await resolve(...args);
    } finally {
      await invalidation.settled();
    }
  }])) as R;
}
