/**
 * The sync subgraph's durable state: write intents with their outbox entries, and idempotency keys.
 * An interface, so that a server database can replace the embedded SQLite store (sqlite-store.ts)
 * without touching the orchestrator or the outbox worker.
 *
 * Every method is one transaction. Methods are synchronous, like better-sqlite3; a server database
 * would return Promises instead, so callers should `await` them already, which costs nothing today.
 */
import type { SourceSystem } from '../../shared/sources.ts';

/** The systems the gateway writes to (social is read-only). */
export type WriteSystem = Exclude<SourceSystem, 'SOCIAL'>;

export type IntentKind = 'updateCustomer' | 'createCustomer' | 'cancelOrder';

/** What a mutation set out to do, recorded before its first upstream write. */
export interface IntentInput {
  kind: IntentKind;
  /** The customer or order written (e.g. its contact id), for finding an intent in logs and tools. */
  subjectKey: string;
  /** The mutation's input, as JSON; opaque to the store. */
  request: unknown;
}

/**
 * OPEN while any of its entries is PENDING; DONE once every entry is APPLIED, FAILED or CANCELLED
 * (completeIntentIfDone / cancelIntent).
 */
export type IntentStatus = 'OPEN' | 'DONE';

export interface Intent extends IntentInput {
  id: string;
  status: IntentStatus;
  /** Epoch ms. */
  createdAt: number;
  completedAt: number | null;
}

/** One system's part of an intent. */
export interface PlannedWrite {
  system: WriteSystem;
  /** The record written, e.g. "ERP:res.partner:42", or a placeholder for a record to create. */
  recordKey: string;
  /** What to write, as JSON; opaque to the store, interpreted by the worker's `apply`. */
  operation: unknown;
}

export type OutboxStatus = 'PENDING' | 'APPLIED' | 'FAILED' | 'CANCELLED';

export interface OutboxEntry extends PlannedWrite {
  id: string;
  intentId: string;
  /** Global and increasing in the order entries were accepted: the order writes to one record are applied in. */
  seq: number;
  status: OutboxStatus;
  /** Attempts made so far (inline by the request, then by the worker). */
  attempts: number;
  /** Epoch ms; the worker leaves the entry alone before then. */
  nextAttemptAt: number;
  /** The last failure's message (the transient one before a retry, or the permanent refusal). */
  lastError: string | null;
  /** What applying it returned (e.g. a created record's id), as JSON. */
  result: unknown | null;
  createdAt: number;
}

/** Per system, for monitoring: how much is queued and how long the oldest entry has waited. */
export type OutboxStats = Record<WriteSystem, { pending: number; oldestPendingAgeMs: number | null }>;

/** The outbox: intents and their per-system writes. */
export interface OutboxStore {
  /**
   * Records the intent and one PENDING entry per write, due now, in one transaction: call it before the
   * first upstream write. The intent is *held* by this store instance: the outbox worker leaves its
   * entries alone, so the request can apply them inline without the worker applying them a second
   * time, until releaseIntent (or completeIntentIfDone / cancelIntent, or a restart) lets go of it.
   */
  recordIntent(intent: IntentInput, writes: PlannedWrite[]): { intent: Intent; entries: OutboxEntry[] };
  /** Hands the intent's remaining PENDING entries to the outbox worker (the request is done with them). */
  releaseIntent(intentId: string): void;
  /** The entry was written upstream; `result` (JSON) is kept on it. */
  markApplied(entryId: string, result?: unknown): void;
  /** A transient failure: attempts + 1, stays PENDING, next tried at `nextAttemptAt` (epoch ms). */
  markRetry(entryId: string, error: string, nextAttemptAt: number): void;
  /** A permanent refusal: FAILED for good, with the upstream's reason. */
  markFailed(entryId: string, message: string): void;
  /** Every PENDING entry of the intent becomes CANCELLED and the intent DONE. Returns how many were cancelled. */
  cancelIntent(intentId: string): number;
  /** Marks the intent DONE (and releases it) when none of its entries is PENDING. Returns whether it is DONE. */
  completeIntentIfDone(intentId: string): boolean;
  getIntent(intentId: string): Intent | null;
  /** The intent's entries in seq order. */
  intentEntries(intentId: string): OutboxEntry[];
  /**
   * Up to `limit` PENDING entries of released intents, due at `now`, in seq order, each the earliest
   * PENDING entry of its (system, recordKey): writes to one record are applied in the order they were
   * accepted, and a later one never overtakes an earlier one that is backing off or held by a request.
   */
  dueEntries(now: number, limit: number): OutboxEntry[];
  /**
   * Whether a write to this record is still PENDING: accepted before `beforeSeq` if given (e.g. the seq
   * of the caller's own entry), else any. Then the caller must leave its write to the worker rather
   * than write directly, or it would overtake the earlier one.
   */
  hasPending(system: WriteSystem, recordKey: string, beforeSeq?: number): boolean;
  outboxStats(now: number): OutboxStats;
}

/** The answer to claiming an idempotency key. */
export type IdempotencyClaim =
  /** New (or expired): the caller runs the request and must complete or release the key. */
  | { state: 'CLAIMED' }
  /** Completed before with the same request: return this response and write nothing. */
  | { state: 'DONE'; response: unknown }
  /** The same request is still running. */
  | { state: 'IN_PROGRESS' }
  /** The key was used with a different request. */
  | { state: 'MISMATCH' };

/** Idempotency keys, kept for IDEMPOTENCY_KEY_TTL_MS after they were first claimed. */
export interface IdempotencyStore {
  /** Claims `key` for the request whose hash is `requestHash` (an expired key counts as new). */
  claimIdempotencyKey(key: string, requestHash: string, now: number): IdempotencyClaim;
  /** Stores the request's response (JSON) for repeats. */
  completeIdempotencyKey(key: string, response: unknown): void;
  /** Forgets a claimed key: the request failed before writing anything, so a retry may run again. */
  releaseIdempotencyKey(key: string): void;
  /** Deletes the keys older than the TTL. Returns how many. */
  purgeExpired(now: number): number;
}

/**
 * The whole store. Opening it starts a new process instance, which lets go of what the previous one
 * held when it stopped or was killed: its intents are released, so the worker completes their PENDING
 * entries, and its IN_PROGRESS idempotency keys are deleted, so a retry runs again. That is safe
 * because such a request either recorded its intent, whose outcome the outbox now completes (the retry
 * then re-reads the records and sees the new versions), or wrote nothing at all.
 * One process at a time may open a store.
 */
export interface SyncStore extends OutboxStore, IdempotencyStore {
  close(): void;
}

/** How long an idempotency key is kept, from its first claim: 24 hours. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
