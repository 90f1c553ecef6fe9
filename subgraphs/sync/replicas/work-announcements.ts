/**
 * New work for the workers of every sync replica, over PostgreSQL LISTEN/NOTIFY (shared/pg-notify/):
 * once a request leaves outbox entries to the workers (releaseIntent) or a receiver stores new webhook
 * events, a notification on the `work` topic wakes the outbox or inbox worker of every replica, this
 * one's included, at once instead of at its next poll. After the listening connection comes back both
 * workers look, since what was said meanwhile is lost. Polling (OUTBOX_INTERVAL_MS, INBOX_INTERVAL_MS)
 * stays the fallback, e.g. for work a crashed replica held until its lease ran out.
 */
import type { PgNotify } from '../../shared/pg-notify/pg-notify.ts';
import type { SyncStore } from '../store/types.ts';

export const WORK_TOPIC = 'work';

export type WorkQueue = 'outbox' | 'inbox';

/** The store, announcing the work it was given; a failed announcement goes to `onFailure` (the poll finds the work). */
export function announcingWork(store: SyncStore, channel: PgNotify, onFailure: (err: unknown) => void): SyncStore {
  const announce = (queue: WorkQueue) => void channel.notify(WORK_TOPIC, [queue]).catch(onFailure);
  return {
    ...store,
    async releaseIntent(intentId) {
      await store.releaseIntent(intentId);
      announce('outbox');
    },
    async enqueueEvents(source, events, receivedAt) {
      const stored = await store.enqueueEvents(source, events, receivedAt);
      if (stored.accepted) announce('inbox');
      return stored;
    },
  };
}

/** Wakes the named worker on each announcement, and both whenever listening (re)starts. */
export function wakeOnWork(channel: PgNotify, workers: Record<WorkQueue, { wake(): void }>): void {
  channel.on(WORK_TOPIC, (items) => {
    for (const queue of new Set(items)) if (queue === 'outbox' || queue === 'inbox') workers[queue].wake();
  });
  channel.onListening(() => {
    workers.outbox.wake();
    workers.inbox.wake();
  });
}
