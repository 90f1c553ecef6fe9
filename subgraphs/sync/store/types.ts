/**
 * The sync subgraph's durable state: write intents with their outbox entries, and idempotency keys.
 * An interface with two implementations, the embedded SQLite file (sqlite/, the default) and
 * PostgreSQL (postgres/, shared by several replicas); the code above it does not know which it has.
 *
 * Every method is one transaction and returns a Promise. An invariant that spans several reads and
 * writes (claim a key, settle an entry, complete an intent) lives inside one method, never in two
 * calls: between two awaits another request, or another replica, may act.
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

/** At most this many entries of a system (a system not named: no limit but the batch's). */
export type PerSystemLimits = Partial<Record<WriteSystem, number>>;

/** The outbox: intents and their per-system writes. */
export interface OutboxStore {
  /**
   * Records the intent and one PENDING entry per write, due now, in one transaction: call it before the
   * first upstream write. The intent is *held* by this store instance: the outbox worker leaves its
   * entries alone, so the request can apply them inline without the worker applying them a second
   * time, until releaseIntent (or completeIntentIfDone / cancelIntent, or a restart) lets go of it.
   * With `answer`, the request's idempotency key (IN_PROGRESS) keeps, in the same transaction, the answer
   * it gives should the request die before answering (see IntentAnswer).
   */
  recordIntent(intent: IntentInput, writes: PlannedWrite[], answer?: IntentAnswer): Promise<{ intent: Intent; entries: OutboxEntry[] }>;
  /** Hands the intent's remaining PENDING entries to the outbox worker (the request is done with them). */
  releaseIntent(intentId: string): Promise<void>;
  /** The entry was written upstream; `result` (JSON) is kept on it. */
  markApplied(entryId: string, result?: unknown): Promise<void>;
  /** A transient failure: attempts + 1, stays PENDING, next tried at `nextAttemptAt` (epoch ms). */
  markRetry(entryId: string, error: string, nextAttemptAt: number): Promise<void>;
  /** A permanent refusal: FAILED for good, with the upstream's reason. */
  markFailed(entryId: string, message: string): Promise<void>;
  /** Every PENDING entry of the intent becomes CANCELLED and the intent DONE. Returns how many were cancelled. */
  cancelIntent(intentId: string): Promise<number>;
  /** Marks the intent DONE (and releases it) when none of its entries is PENDING. Returns whether it is DONE. */
  completeIntentIfDone(intentId: string): Promise<boolean>;
  /**
   * Marks DONE every OPEN intent no request holds (released, or its hold lapsed) with no PENDING entry:
   * one whose process died between settling its last entry and completing it. Returns their ids.
   */
  completeSettledIntents(now: number): Promise<string[]>;
  getIntent(intentId: string): Promise<Intent | null>;
  /** The intent's entries in seq order. */
  intentEntries(intentId: string): Promise<OutboxEntry[]>;
  /**
   * Up to `limit` PENDING entries of released intents, due at `now`, in seq order, each the earliest
   * PENDING entry of its (system, recordKey): writes to one record are applied in the order they were
   * accepted, and a later one never overtakes an earlier one that is backing off or held by a request.
   * Entries of `skipSystems` are left out (systems the outbox is not sending to right now), and at most
   * `perSystem[system]` of a system's are returned (as many writes as it may be sent at once).
   * A store shared by replicas (PostgreSQL) claims the entries it returns for this instance: the other
   * instances skip them until they are settled or the claim lapses (a crashed replica's entries), so it
   * claims no more than it returns.
   */
  dueEntries(now: number, limit: number, skipSystems?: readonly WriteSystem[], perSystem?: PerSystemLimits): Promise<OutboxEntry[]>;
  /**
   * Whether a write to this record is still PENDING: accepted before `beforeSeq` if given (e.g. the seq
   * of the caller's own entry), else any. Then the caller must leave its write to the worker rather
   * than write directly, or it would overtake the earlier one.
   */
  hasPending(system: WriteSystem, recordKey: string, beforeSeq?: number): Promise<boolean>;
  outboxStats(now: number): Promise<OutboxStats>;
}

/**
 * What an idempotency key answers once its request has recorded an intent: that write will be finished
 * by the outbox, so a retry after the request died (its key abandoned: past its lease, or left by the
 * previous run of the process) gets this answer (DONE) instead of running again and finding the records
 * changed by its own write.
 */
export interface IntentAnswer {
  key: string;
  /** The stored response (JSON), given the new intent's id. */
  response(intentId: string): unknown;
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

/** Idempotency keys, kept for a TTL (IDEMPOTENCY_KEY_TTL_MS unless configured) after they were first claimed. */
export interface IdempotencyStore {
  /** Claims `key` for the request whose hash is `requestHash` (an expired key counts as new). */
  claimIdempotencyKey(key: string, requestHash: string, now: number): Promise<IdempotencyClaim>;
  /** Stores the request's response (JSON) for repeats. */
  completeIdempotencyKey(key: string, response: unknown): Promise<void>;
  /** Forgets a claimed key: the request failed before writing anything, so a retry may run again. */
  releaseIdempotencyKey(key: string): Promise<void>;
  /** Deletes the keys older than the TTL, at most `limit` (default all), earliest expiry first. Returns how many. */
  purgeExpired(now: number, limit?: number): Promise<number>;
}

/**
 * The whole store. Opening the SQLite store starts a new process instance, which lets go of what the
 * previous one held when it stopped or was killed: its intents are released, so the worker completes
 * their PENDING entries; its IN_PROGRESS idempotency keys whose request recorded its intent are DONE
 * with that write's answer (IntentAnswer), and the others, whose request wrote nothing, are deleted, so
 * a retry runs again.
 * One process at a time may open a SQLite store. Any number of replicas may share a PostgreSQL one,
 * where what a replica holds lapses after a lease instead (postgres/store.ts, StoreLeases).
 */
export interface SyncStore extends OutboxStore, IdempotencyStore, InboxStore, ReconcileStore, RetentionStore, RecordLocks {
  close(): Promise<void>;
}

/**
 * Serialises the writes to one record across every process sharing the store: a write's version check
 * and its writes run inside `withRecordLock`, so two replicas never both accept one expectedVersion.
 * Within a process, locks.ts already queues them; a store one process owns (SQLite) runs `work` at once.
 *
 * A store shared by replicas also tells the writes waiting on other replicas that the version they
 * expect is superseded (`supersedeVersion`), so that they are refused at once instead of each waiting
 * for the lock to read a record that has certainly changed.
 */
export interface RecordLocks {
  /**
   * Runs `work` holding `key`. Rejects without running it with RecordLockTimeout after waiting `waitMs`
   * (default: no bound; the wait for a connection to hold the lock on counts too), or with
   * VersionSuperseded once `version` (the write's expectedVersion) is recorded as superseded for `key`.
   */
  withRecordLock<T>(key: string, work: () => Promise<T>, waitMs?: number, version?: string): Promise<T>;
  /** Records that no write of `version` to `key` can succeed any more (kept SUPERSEDED_VERSION_TTL_MS). */
  supersedeVersion(key: string, version: string, superseded: Superseded): Promise<void>;
}

/** Why a version is superseded: the systems whose records changed, and the version read then if known. */
export interface Superseded {
  systems: string[];
  currentVersion: string | null;
}

/** How long a superseded version is remembered: a version never becomes current again. */
export const SUPERSEDED_VERSION_TTL_MS = 10 * 60_000;

/** Another process held the record's lock for longer than the write could wait. */
export class RecordLockTimeout extends Error {
  constructor() {
    super('Another process is writing this record.');
    this.name = 'RecordLockTimeout';
  }
}

/** Another process committed to a write of the version this one expects (or found it stale) while it waited. */
export class VersionSuperseded extends Error {
  constructor(readonly superseded: Superseded) {
    super('Another process superseded the version this write expects.');
    this.name = 'VersionSuperseded';
  }
}

/**
 * Deleting what has outlived its retention, a batch at a time (see retention/). Each method deletes up
 * to `limit` of the oldest qualifying rows in one transaction and returns how many it deleted.
 */
export interface RetentionStore {
  /** Intents DONE before `before` (epoch ms), with their outbox entries (all APPLIED, FAILED or CANCELLED). */
  pruneIntents(before: number, limit: number): Promise<number>;
  /** Webhook events processed (DONE or FAILED) before `before`; the per-record applied watermarks stay. */
  pruneInboxEvents(before: number, limit: number): Promise<number>;
  /** Discrepancies resolved before `before`; open ones are never deleted. */
  pruneDiscrepancies(before: number, limit: number): Promise<number>;
}

/** The systems whose webhooks the gateway receives. */
export type WebhookSource = 'HUBSPOT' | 'SHOPIFY';

/** One webhook event as received, before it is stored. */
export interface InboxEventInput {
  /** The sender's event id (HubSpot eventId, X-Shopify-Event-Id): unique per source. */
  eventId: string;
  /** What changed, e.g. "contact", "customer", "order"; with objectId it names the record. */
  objectType: string;
  objectId: string;
  /** Epoch ms: when the change happened at the source (the order events of one record are applied in). */
  occurredAt: number;
  /** e.g. "contact.propertyChange", "orders/updated". */
  topic: string;
  /** The event as the sender sent it, as JSON; null once the event is processed (DONE or FAILED). */
  payload: unknown;
}

/** PENDING until processed: DONE (with an outcome) or FAILED (a permanent error, with its message). */
export type InboxStatus = 'PENDING' | 'DONE' | 'FAILED';

/**
 * What processing did: APPLIED (its change was carried out), STALE (older than a change of the same
 * record applied already: never let an older event overwrite newer data), IGNORED (nothing to do).
 */
export type InboxOutcome = 'APPLIED' | 'STALE' | 'IGNORED';

export interface InboxEvent extends InboxEventInput {
  /** Global and increasing in the order events were received. */
  seq: number;
  source: WebhookSource;
  status: InboxStatus;
  outcome: InboxOutcome | null;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  receivedAt: number;
  processedAt: number | null;
}

/** The webhook inbox: events stored durably before they are acknowledged, processed after. */
export interface InboxStore {
  /**
   * Stores the events of one delivery in one transaction and records that `source` sent a webhook at
   * `receivedAt`. An event whose (source, eventId) is stored already is a duplicate and is left alone.
   */
  enqueueEvents(source: WebhookSource, events: InboxEventInput[], receivedAt: number): Promise<{ accepted: number; duplicates: number }>;
  /**
   * Up to `limit` PENDING events due at `now`, each the earliest PENDING one (by occurredAt, then seq)
   * of its record (source, objectType, objectId): the events of one record are processed one at a
   * time in the order they happened, and a later one never overtakes one that is backing off.
   * Claimed for this instance as dueEntries claims entries.
   */
  dueEvents(now: number, limit: number): Promise<InboxEvent[]>;
  /** The newest occurredAt of an APPLIED event of this record, or null. */
  appliedUpTo(source: WebhookSource, objectType: string, objectId: string): Promise<number | null>;
  /**
   * DONE with its outcome; APPLIED also raises the record's appliedUpTo to this event's occurredAt.
   * The event's payload is dropped (null from then on): processed, it has no further use, and a
   * Shopify body is full of personal data. markEventFailed drops it too.
   */
  markEventDone(seq: number, outcome: InboxOutcome, processedAt: number): Promise<void>;
  /** A transient failure: attempts + 1, stays PENDING, next tried at `nextAttemptAt`. */
  markEventRetry(seq: number, error: string, nextAttemptAt: number): Promise<void>;
  /** A permanent failure: FAILED for good, with its message. */
  markEventFailed(seq: number, error: string, processedAt: number): Promise<void>;
  /** The stored events of `source` in the order received (for tools and tests). */
  inboxEvents(source: WebhookSource): Promise<InboxEvent[]>;
  /** Per source, when a webhook was last received (epoch ms), or null. */
  lastWebhookReceived(): Promise<Record<WebhookSource, number | null>>;
}

/** How long an idempotency key is kept, from its first claim, unless configured: 24 hours. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** The feeds a reconciliation pass reads, each with its own durable cursor. */
export type FeedName = 'CRM:contacts' | 'ERP:partners' | 'ERP:saleOrders' | 'COMMERCE:customers' | 'COMMERCE:orders';

export interface FeedCursor {
  feed: FeedName;
  /** Epoch ms: the newest change time whose processing is durable; the next pass reads from here. */
  position: number;
  updatedAt: number;
}

/** What kind of disagreement a discrepancy is (see subgraphs/sync/reconcile/README.md). */
export type DiscrepancyKind = 'FIELD_MISMATCH' | 'AMBIGUOUS_EMAIL' | 'BROKEN_LINK' | 'MISSING_ERP_ORDER' | 'ORDER_TOTAL_MISMATCH' | 'UNRECOGNISED_COUNTRY';

/** How a discrepancy ended: gone at the source (found equal by a later pass), or resolved by a client's action. */
export type DiscrepancyResolution = 'GONE' | 'ACCEPT_SOURCE' | 'KEEP_CANONICAL';

/** A disagreement as a pass finds it. */
export interface DiscrepancyFinding {
  kind: DiscrepancyKind;
  /** The system that disagrees with the canonical (CRM, or for orders the shop) record. */
  system: WriteSystem;
  /** The canonical field, e.g. "phone", "address", "total"; "" when the kind has none. */
  field: string;
  /** Display strings; may hold personal data (the graph guards them with the field's own scope). */
  canonicalValue: string | null;
  sourceValue: string | null;
  /** The CRM contact id when the discrepancy is about a customer. */
  contactId: string | null;
  /** The shop order id when it is about an order. */
  orderId: string | null;
  /** What resolving needs (e.g. the source's canonical value, the version it was seen at), as JSON. */
  detail: unknown;
}

export interface Discrepancy extends DiscrepancyFinding {
  /** Global and increasing in the order discrepancies were first found. */
  seq: number;
  /** What the pass compared, e.g. "customer:101" or "order:450007": discrepancies are replaced per subject. */
  subjectKey: string;
  detectedAt: number;
  /** When a pass last saw it. */
  lastSeenAt: number;
  resolvedAt: number | null;
  resolution: DiscrepancyResolution | null;
}

export interface DiscrepancyFilter {
  system?: WriteSystem | null;
  kind?: DiscrepancyKind | null;
  contactId?: string | null;
  /** true: resolved ones only; false: open ones only; null/undefined: both. */
  resolved?: boolean | null;
}

/** Per system, what one pass did. */
export interface RunSystemStats {
  /** Records read from the system's feeds. */
  read: number;
  /** Records written to bring them in step with the CRM (or queued in the outbox). */
  propagated: number;
  /** Discrepancies found in this pass (open after it, new or not), and those found gone. */
  discrepanciesFound: number;
  discrepanciesResolved: number;
  failures: number;
}

export type RunStatus = 'RUNNING' | 'DONE' | 'FAILED' | 'INTERRUPTED';

export interface ReconcileRun {
  id: number;
  dryRun: boolean;
  /** Epoch ms the pass read from when given (`--since`), else null (each feed's cursor). */
  since: number | null;
  status: RunStatus;
  startedAt: number;
  finishedAt: number | null;
  stats: Record<WriteSystem, RunSystemStats>;
}

/** Where a failure happened. */
export type FailureSource = 'RECONCILE' | 'OUTBOX' | 'INBOX';

/** A failure kept for monitoring. `message` is our own wording: never personal data or an upstream's text. */
export interface SyncFailure {
  at: number;
  system: WriteSystem;
  source: FailureSource;
  code: string;
  message: string;
}

/** The reconciliation's durable state: feed cursors, discrepancies, pass history, recent failures. */
/** The kinds and systems a check covers: open discrepancies of these that it no longer finds are resolved. */
export interface FindingScope {
  kinds: DiscrepancyKind[];
  systems: WriteSystem[];
}

/** One subject's findings within a scope, recorded with others (recordManyFindings). */
export interface FindingsRecord {
  subjectKey: string;
  scope: FindingScope;
  findings: DiscrepancyFinding[];
}

/** What checking one shop order found, recorded with the rest of its page (recordOrderChecks). */
export interface OrderCheckRecord {
  subjectKey: string;
  orderNumber: string;
  findings: DiscrepancyFinding[];
  /** When to check it again (still inside its grace period), or null to forget any check scheduled. */
  recheckAt: number | null;
}

/** The right to run a reconciliation pass, held for the pass (ReconcileStore.tryReconcileLease). */
export interface ReconcileLease {
  /** Lets go of it, for the next pass on any replica. */
  release(): Promise<void>;
}

export interface ReconcileStore {
  /**
   * Takes the reconciliation lease, or null when a pass holds it already (in this process or, on a
   * shared PostgreSQL store, on another replica): one pass at a time over the whole store. A replica
   * that dies holding it lets go of it with its connection.
   */
  tryReconcileLease(): Promise<ReconcileLease | null>;
  cursors(): Promise<FeedCursor[]>;
  cursor(feed: FeedName): Promise<number | null>;
  /** Moves the feed's cursor forward to `position` (never back). */
  advanceCursor(feed: FeedName, position: number, now: number): Promise<void>;
  /**
   * Replaces what is known of one subject (a customer or an order) for the given kinds and systems:
   * each finding is opened (or, when already open, refreshed), and every open discrepancy of the
   * subject within that scope that is not among the findings is resolved as GONE. One transaction.
   * Returns how many were opened, and the system of each one resolved.
   */
  recordFindings(subjectKey: string, scope: FindingScope, findings: DiscrepancyFinding[], now: number): Promise<{ opened: number; resolved: WriteSystem[] }>;
  /**
   * A page of order checks in one transaction (one disk sync, not two an order): each order's findings
   * as recordFindings records them, and its recheck scheduled (recheckAt) or cleared (null). Returns how
   * many discrepancies were resolved.
   */
  recordOrderChecks(checks: OrderCheckRecord[], scope: FindingScope, now: number): Promise<number>;
  /** Many subjects' findings in one transaction, each as recordFindings records it; per subject, the systems resolved. */
  recordManyFindings(records: FindingsRecord[], now: number): Promise<WriteSystem[][]>;
  /** Up to `limit` discrepancies after `afterSeq`, oldest first. */
  discrepancies(filter: DiscrepancyFilter, afterSeq: number | null, limit: number): Promise<Discrepancy[]>;
  discrepancy(seq: number): Promise<Discrepancy | null>;
  /** Marks an open discrepancy resolved; false when it was resolved already. */
  resolveDiscrepancy(seq: number, resolution: DiscrepancyResolution, now: number): Promise<boolean>;
  startRun(input: { dryRun: boolean; since: number | null; startedAt: number }): Promise<number>;
  finishRun(id: number, status: Exclude<RunStatus, 'RUNNING'>, stats: ReconcileRun['stats'], finishedAt: number): Promise<void>;
  /** The newest run, or the newest non-dry one when `wet` is set; null when none. */
  lastRun(options?: { wet?: boolean }): Promise<ReconcileRun | null>;
  /** Keeps the failure; each system keeps its newest few hundred. */
  recordFailure(failure: SyncFailure): Promise<void>;
  /** The newest failures of `system`, newest first. */
  recentFailures(system: WriteSystem, limit: number): Promise<SyncFailure[]>;
  /** Checks the shop order `orderNumber` again at `dueAt` (epoch ms; replaces an earlier time). */
  scheduleOrderRecheck(orderNumber: string, dueAt: number): Promise<void>;
  /** Forgets a scheduled check (the order was checked after its grace period, or got its sales order). */
  clearOrderRecheck(orderNumber: string): Promise<void>;
  /** Up to `limit` order numbers whose check is due at `now`, earliest first. */
  dueOrderRechecks(now: number, limit: number): Promise<string[]>;
}
