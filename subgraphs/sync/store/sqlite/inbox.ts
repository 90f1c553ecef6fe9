/** Internal to the SQLite store: the webhook inbox half of SyncStore (events, per-record watermarks, receipts). */
import type Database from 'better-sqlite3';
import { toEvent, toJson, type InboxRow } from '../rows.ts';
import type { InboxEventInput, InboxOutcome, InboxStore, WebhookSource } from '../types.ts';
import type { Synchronous } from './synchronous.ts';

const SOURCES: WebhookSource[] = ['HUBSPOT', 'SHOPIFY'];

/** Due PENDING events, each the earliest pending one of its record by (occurred_at, seq). */
const DUE = `
  SELECT e.* FROM inbox e
  WHERE e.status = 'PENDING' AND e.next_attempt_at <= ?
    AND NOT EXISTS (SELECT 1 FROM inbox p
      WHERE p.status = 'PENDING' AND p.source = e.source AND p.object_type = e.object_type AND p.object_id = e.object_id
        AND (p.occurred_at < e.occurred_at OR (p.occurred_at = e.occurred_at AND p.seq < e.seq)))
  ORDER BY e.occurred_at, e.seq LIMIT ?`;

export function sqliteInbox(db: Database.Database): Synchronous<InboxStore> {
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
