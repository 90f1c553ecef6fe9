/** What every write operation needs: the adapters, the durable store, the per-record lock and the hooks. */
import type { Adapters } from './adapters.ts';
import type { SyncStore } from './store/types.ts';
import type { KeyedLock } from './writes/locks.ts';
import type { CrashPoint } from './crash-points.ts';
import type { RecordInvalidation } from '../shared/record-cache/record-invalidation.ts';

export interface WriteContext {
  adapters: Adapters;
  store: SyncStore;
  lock: KeyedLock;
  /** The longest a client's write waits for the writes ahead of it on the same record. */
  lockWaitMs: number;
  /** When a write that failed transiently inside a request is retried first. */
  firstRetryAt: () => number;
  crash: (point: CrashPoint) => void;
  /** Tells the read subgraphs' record caches of records found changed (writes tell them through the adapters); the mutation awaits it before answering. */
  invalidation?: RecordInvalidation;
}
