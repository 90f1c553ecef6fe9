/** Internal to the SQLite store: its rows and their conversion to the store's types. JSON columns are TEXT. */
import type { Intent, IntentKind, IntentStatus, OutboxEntry, OutboxStatus, WriteSystem } from './types.ts';

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
