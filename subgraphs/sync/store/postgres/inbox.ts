/**
 * Internal to the PostgreSQL store: the webhook inbox. An event id is unique per source (a redelivery
 * to any replica is a duplicate), and dueEvents claims what it returns for `claimMs` with
 * SELECT … FOR UPDATE SKIP LOCKED, so one event is processed by one replica at a time.
 */
import type { Pool } from 'pg';
import { toEvent, toJson, type InboxRow } from '../rows.ts';
import type { InboxEventInput, InboxOutcome, InboxStore, WebhookSource } from '../types.ts';
import { changes, rows, transaction } from '../../../shared/postgres/db.ts';

const SOURCES: WebhookSource[] = ['HUBSPOT', 'SHOPIFY'];

/** Due PENDING events, each the earliest pending one of its record by (occurred_at, seq), unclaimed; claimed. */
const CLAIM_DUE = `
  WITH due AS (
    SELECT e.seq FROM inbox e
    WHERE e.status = 'PENDING' AND e.next_attempt_at <= $1
      AND (e.claim_until IS NULL OR e.claim_until <= $1 OR e.claimed_by = $3)
      AND NOT EXISTS (SELECT 1 FROM inbox p
        WHERE p.status = 'PENDING' AND p.source = e.source AND p.object_type = e.object_type AND p.object_id = e.object_id
          AND (p.occurred_at < e.occurred_at OR (p.occurred_at = e.occurred_at AND p.seq < e.seq)))
    ORDER BY e.occurred_at, e.seq LIMIT $2
    FOR UPDATE OF e SKIP LOCKED
  )
  UPDATE inbox SET claimed_by = $3, claim_until = $4 FROM due WHERE inbox.seq = due.seq
  RETURNING inbox.*`;

export function postgresInbox(pool: Pool, instanceId: string, claimMs: number): InboxStore {
  /** A settle that matched no PENDING event is a bug in the caller (processing an event twice): say so. */
  const settled = async (changed: number, seq: number): Promise<void> => {
    if (changed === 1) return;
    const [row] = await rows<{ status: string }>(pool, 'SELECT status FROM inbox WHERE seq = $1', [seq]);
    throw new Error(row ? `Inbox event ${seq} is ${row.status}, not PENDING.` : `Inbox event ${seq} does not exist.`);
  };
  const unclaimed = 'claimed_by = NULL, claim_until = NULL';

  return {
    enqueueEvents: (source: WebhookSource, events: InboxEventInput[], receivedAt: number) => transaction(pool, async (client) => {
      let accepted = 0;
      for (const e of events) {
        accepted += await changes(client, `INSERT INTO inbox (source, event_id, object_type, object_id, occurred_at, topic, payload, received_at, status, next_attempt_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'PENDING', $8) ON CONFLICT (source, event_id) DO NOTHING`,
        [source, e.eventId, e.objectType, e.objectId, e.occurredAt, e.topic, toJson(e.payload), receivedAt]);
      }
      await client.query(`INSERT INTO webhook_receipts (source, last_received_at) VALUES ($1, $2)
        ON CONFLICT (source) DO UPDATE SET last_received_at = greatest(webhook_receipts.last_received_at, excluded.last_received_at)`, [source, receivedAt]);
      return { accepted, duplicates: events.length - accepted };
    }),
    async dueEvents(now, limit) {
      const claimed = await rows<InboxRow>(pool, CLAIM_DUE, [now, limit, instanceId, now + claimMs]);
      return claimed.sort((a, b) => a.occurred_at - b.occurred_at || a.seq - b.seq).map(toEvent);
    },
    async appliedUpTo(source, objectType, objectId) {
      const [row] = await rows<{ occurred_at: number }>(pool, 'SELECT occurred_at FROM inbox_applied WHERE source = $1 AND object_type = $2 AND object_id = $3',
        [source, objectType, objectId]);
      return row?.occurred_at ?? null;
    },
    // Once processed, an event's body (personal data in a Shopify webhook) is dropped: JSON null ('null').
    markEventDone: (seq: number, outcome: InboxOutcome, processedAt: number) => transaction(pool, async (client) => {
      const [row] = await rows<InboxRow>(client, `UPDATE inbox SET status = 'DONE', outcome = $1, attempts = attempts + 1, processed_at = $2, payload = 'null', ${unclaimed}
        WHERE seq = $3 AND status = 'PENDING' RETURNING *`, [outcome, processedAt, seq]);
      await settled(row ? 1 : 0, seq);
      if (outcome !== 'APPLIED') return;
      await client.query(`INSERT INTO inbox_applied (source, object_type, object_id, occurred_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (source, object_type, object_id) DO UPDATE SET occurred_at = greatest(inbox_applied.occurred_at, excluded.occurred_at)`,
      [row.source, row.object_type, row.object_id, row.occurred_at]);
    }),
    markEventRetry: async (seq, error, nextAttemptAt) => settled(await changes(pool,
      `UPDATE inbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, ${unclaimed} WHERE seq = $3 AND status = 'PENDING'`, [error, Math.ceil(nextAttemptAt), seq]), seq),
    markEventFailed: async (seq, error, processedAt) => settled(await changes(pool,
      `UPDATE inbox SET status = 'FAILED', attempts = attempts + 1, last_error = $1, processed_at = $2, payload = 'null', ${unclaimed}
      WHERE seq = $3 AND status = 'PENDING'`, [error, processedAt, seq]), seq),
    inboxEvents: async (source) => (await rows<InboxRow>(pool, 'SELECT * FROM inbox WHERE source = $1 ORDER BY seq', [source])).map(toEvent),
    async lastWebhookReceived() {
      const out = Object.fromEntries(SOURCES.map((s) => [s, null])) as Record<WebhookSource, number | null>;
      for (const row of await rows<{ source: WebhookSource; last_received_at: number }>(pool, 'SELECT source, last_received_at FROM webhook_receipts')) {
        out[row.source] = row.last_received_at;
      }
      return out;
    },
  };
}
