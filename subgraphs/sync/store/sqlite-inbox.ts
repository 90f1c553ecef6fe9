/** Internal to the SQLite store: the webhook inbox half of SyncStore (events, per-record watermarks, receipts). */
import type Database from 'better-sqlite3';
import { fromJson, toJson } from './rows.ts';
import type { InboxEvent, InboxEventInput, InboxOutcome, InboxStatus, InboxStore, WebhookSource } from './types.ts';

interface InboxRow {
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

const SOURCES: WebhookSource[] = ['HUBSPOT', 'SHOPIFY'];

/** Due PENDING events, each the earliest pending one of its record by (occurred_at, seq). */
const DUE = `
  SELECT e.* FROM inbox e
  WHERE e.status = 'PENDING' AND e.next_attempt_at <= ?
    AND NOT EXISTS (SELECT 1 FROM inbox p
      WHERE p.status = 'PENDING' AND p.source = e.source AND p.object_type = e.object_type AND p.object_id = e.object_id
        AND (p.occurred_at < e.occurred_at OR (p.occurred_at = e.occurred_at AND p.seq < e.seq)))
  ORDER BY e.occurred_at, e.seq LIMIT ?`;

export function sqliteInbox(db: Database.Database): InboxStore {
  const sql = {
    insert: db.prepare(`INSERT INTO inbox (source, event_id, object_type, object_id, occurred_at, topic, payload, received_at, status, next_attempt_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?) ON CONFLICT (source, event_id) DO NOTHING`),
    receipt: db.prepare(`INSERT INTO webhook_receipts (source, last_received_at) VALUES (?, ?)
      ON CONFLICT (source) DO UPDATE SET last_received_at = max(last_received_at, excluded.last_received_at)`),
    due: db.prepare(DUE),
    appliedUpTo: db.prepare('SELECT occurred_at FROM inbox_applied WHERE source = ? AND object_type = ? AND object_id = ?').pluck(),
    event: db.prepare('SELECT * FROM inbox WHERE seq = ?'),
    // Once processed, an event's body (personal data in a Shopify webhook) is dropped: JSON null ('null').
    done: db.prepare(`UPDATE inbox SET status = 'DONE', outcome = ?, attempts = attempts + 1, processed_at = ?, payload = 'null' WHERE seq = ? AND status = 'PENDING'`),
    raise: db.prepare(`INSERT INTO inbox_applied (source, object_type, object_id, occurred_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (source, object_type, object_id) DO UPDATE SET occurred_at = max(occurred_at, excluded.occurred_at)`),
    retry: db.prepare(`UPDATE inbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE seq = ? AND status = 'PENDING'`),
    failed: db.prepare(`UPDATE inbox SET status = 'FAILED', attempts = attempts + 1, last_error = ?, processed_at = ?, payload = 'null' WHERE seq = ? AND status = 'PENDING'`),
    bySource: db.prepare('SELECT * FROM inbox WHERE source = ? ORDER BY seq'),
    receipts: db.prepare('SELECT source, last_received_at FROM webhook_receipts'),
  };

  /** A settle that matched no PENDING event is a bug in the caller (processing an event twice): say so. */
  const settled = (changes: number, seq: number): void => {
    if (changes === 1) return;
    const row = sql.event.get(seq) as InboxRow | undefined;
    throw new Error(row ? `Inbox event ${seq} is ${row.status}, not PENDING.` : `Inbox event ${seq} does not exist.`);
  };

  return {
    enqueueEvents: db.transaction((source: WebhookSource, events: InboxEventInput[], receivedAt: number) => {
      let accepted = 0;
      for (const e of events) {
        accepted += sql.insert.run(source, e.eventId, e.objectType, e.objectId, e.occurredAt, e.topic, toJson(e.payload), receivedAt, receivedAt).changes;
      }
      sql.receipt.run(source, receivedAt);
      return { accepted, duplicates: events.length - accepted };
    }),
    dueEvents: (now, limit) => (sql.due.all(now, limit) as InboxRow[]).map(toEvent),
    appliedUpTo: (source, objectType, objectId) => (sql.appliedUpTo.get(source, objectType, objectId) as number | undefined) ?? null,
    markEventDone: db.transaction((seq: number, outcome: InboxOutcome, processedAt: number) => {
      settled(sql.done.run(outcome, processedAt, seq).changes, seq);
      if (outcome !== 'APPLIED') return;
      const row = sql.event.get(seq) as InboxRow;
      sql.raise.run(row.source, row.object_type, row.object_id, row.occurred_at);
    }),
    markEventRetry: (seq, error, nextAttemptAt) => settled(sql.retry.run(error, nextAttemptAt, seq).changes, seq),
    markEventFailed: (seq, error, processedAt) => settled(sql.failed.run(error, processedAt, seq).changes, seq),
    inboxEvents: (source) => (sql.bySource.all(source) as InboxRow[]).map(toEvent),
    lastWebhookReceived() {
      const out = Object.fromEntries(SOURCES.map((s) => [s, null])) as Record<WebhookSource, number | null>;
      for (const row of sql.receipts.all() as { source: WebhookSource; last_received_at: number }[]) out[row.source] = row.last_received_at;
      return out;
    },
  };
}

function toEvent(row: InboxRow): InboxEvent {
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
