/**
 * The sync service's retention: what the store keeps and for how long (RetentionConfig), pruned by the
 * service itself every PRUNE_INTERVAL_MS, PRUNE_BATCH_SIZE rows per transaction (shared/pruning.ts).
 * Only finished state goes: a PENDING outbox entry or inbox event and an open discrepancy are kept
 * whatever their age. Inbox bodies do not wait for this: the store drops them at processing.
 */
import { startPruning, type PruneTask, type Pruning } from '../../shared/pruning.ts';
import type { RetentionConfig } from '../config.ts';
import type { SyncStore } from '../store/types.ts';
import type { Logger } from '../../shared/logging/logger.ts';

/** The store's prunable state, each with its own retention. */
export function syncPruneTasks(store: SyncStore, retention: RetentionConfig): PruneTask[] {
  return [
    { name: 'outbox', pruneBatch: (now, limit) => store.pruneIntents(now - retention.outboxMs, limit) },
    { name: 'inbox', pruneBatch: (now, limit) => store.pruneInboxEvents(now - retention.inboxMs, limit) },
    { name: 'discrepancies', pruneBatch: (now, limit) => store.pruneDiscrepancies(now - retention.discrepanciesMs, limit) },
    // A key's TTL was set when it was claimed (expiresAt): what has expired by now goes.
    { name: 'idempotencyKeys', pruneBatch: (now, limit) => store.purgeExpired(now, limit) },
  ];
}

/** Prunes once at start, then every `retention.intervalMs`; failures go to `onError` by table name. */
export function startSyncRetention(store: SyncStore, retention: RetentionConfig, now: () => number, onError: (table: string, err: unknown) => void, logger?: Logger): Pruning {
  return startPruning(syncPruneTasks(store, retention), { intervalMs: retention.intervalMs, batchSize: retention.batchSize, now, onError, logger });
}
