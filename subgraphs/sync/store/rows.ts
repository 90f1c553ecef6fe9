/** Internal to the store adapters (sqlite/, postgres/): the outbox's rows and their conversion to the store's types. JSON columns are TEXT in both. */
import type {
  Discrepancy, DiscrepancyKind, DiscrepancyResolution, InboxEvent, InboxOutcome, InboxStatus, Intent, IntentKind, IntentStatus, OutboxEntry, OutboxStatus,
  ReconcileRun, RunStatus, WebhookSource, WriteSystem,
} from './types.ts';

export interface IntentRow {
  id: string;
  kind: IntentKind;
  subject_key: string;
  request: string;
  status: IntentStatus;
  held_by: string | null;
  created_at: number;
  completed_at: number | null;
}

export interface OutboxRow {
  seq: number;
  id: string;
  intent_id: string;
  system: WriteSystem;
  record_key: string;
  operation: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  result: string | null;
  created_at: number;
}

/** JSON text for a column; undefined is stored as null, which JSON cannot spell otherwise. */
export const toJson = (value: unknown): string => JSON.stringify(value ?? null);

export const fromJson = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

export function toIntent(row: IntentRow): Intent {
  return {
    id: row.id,
    kind: row.kind,
    subjectKey: row.subject_key,
    request: fromJson(row.request),
    status: row.status,
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}

export function toEntry(row: OutboxRow): OutboxEntry {
  return {
    id: row.id,
    intentId: row.intent_id,
    seq: row.seq,
    system: row.system,
    recordKey: row.record_key,
    operation: fromJson(row.operation),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    result: fromJson(row.result),
    createdAt: row.created_at,
  };
}

export interface InboxRow {
  seq: number;
  source: WebhookSource;
  event_id: string;
  object_type: string;
  object_id: string;
  occurred_at: number;
  topic: string;
  payload: string;
  received_at: number;
  status: InboxStatus;
  outcome: InboxOutcome | null;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  processed_at: number | null;
}

export function toEvent(row: InboxRow): InboxEvent {
  return {
    seq: row.seq,
    source: row.source,
    eventId: row.event_id,
    objectType: row.object_type,
    objectId: row.object_id,
    occurredAt: row.occurred_at,
    topic: row.topic,
    payload: fromJson(row.payload),
    receivedAt: row.received_at,
    status: row.status,
    outcome: row.outcome,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    processedAt: row.processed_at,
  };
}

export interface DiscrepancyRow {
  seq: number;
  subject_key: string;
  kind: DiscrepancyKind;
  system: WriteSystem;
  field: string;
  canonical_value: string | null;
  source_value: string | null;
  contact_id: string | null;
  order_id: string | null;
  detail: string;
  detected_at: number;
  last_seen_at: number;
  resolved_at: number | null;
  resolution: DiscrepancyResolution | null;
}

export interface RunRow {
  id: number;
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  dry_run: number | boolean;
  since: number | null;
  status: RunStatus;
  started_at: number;
  finished_at: number | null;
  stats: string;
}

export function toDiscrepancy(row: DiscrepancyRow): Discrepancy {
  return {
    seq: row.seq,
    subjectKey: row.subject_key,
    kind: row.kind,
    system: row.system,
    field: row.field,
    canonicalValue: row.canonical_value,
    sourceValue: row.source_value,
    contactId: row.contact_id,
    orderId: row.order_id,
    detail: fromJson(row.detail),
    detectedAt: row.detected_at,
    lastSeenAt: row.last_seen_at,
    resolvedAt: row.resolved_at,
    resolution: row.resolution,
  };
}

export function toRun(row: RunRow): ReconcileRun {
  return {
    id: row.id,
    dryRun: row.dry_run === 1 || row.dry_run === true,
    since: row.since,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    stats: fromJson(row.stats) as ReconcileRun['stats'],
  };
}
