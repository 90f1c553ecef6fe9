/**
 * The audit log on PostgreSQL (DATABASE_URL), shared by every gateway replica: each batch is one
 * statement (the events and their customers, from arrays), so it is committed whole or not at all.
 * Tables in gateway/database/migrations.ts. Newest first is by the time a record was made, then by id,
 * since replicas' batches interleave.
 */
import type { Pool } from 'pg';
import { changes, rows } from '../../subgraphs/shared/postgres/db.ts';
import type { AuditLog, AuditRecord, AuditStore } from './audit-log.ts';
import { batchedAuditLog, type AuditBatching } from './batched-audit-log.ts';

interface Row { at: Date; request_id: string; subject: string; client_id: string | null; fields: string[]; customer_ids: string[] }

const COLUMNS = 'e.at, e.request_id, e.subject, e.client_id, e.fields, e.customer_ids';

// Arrays of JSON arrays, one per record: unnest cannot take arrays of different lengths.
const INSERT = `
  WITH events AS (
    INSERT INTO audit_events (at, request_id, subject, client_id, fields, customer_ids)
    SELECT b.at, b.request_id, b.subject, b.client_id,
      ARRAY(SELECT json_array_elements_text(b.fields::json)), ARRAY(SELECT json_array_elements_text(b.customer_ids::json))
    FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
      WITH ORDINALITY AS b (at, request_id, subject, client_id, fields, customer_ids, n)
    ORDER BY b.n
    RETURNING id, at, customer_ids
  )
  INSERT INTO audit_customers (event_id, customer_id, at)
  SELECT e.id, c.customer_id, e.at FROM events e CROSS JOIN LATERAL unnest(e.customer_ids) AS c (customer_id)`;

/** The audit log in the database behind `pool` (opened and migrated by gateway/database/open-database.ts); closing it leaves the pool open. */
export function openPostgresAuditLog(pool: Pool, now: () => number = Date.now, batching?: AuditBatching): AuditLog {
  return batchedAuditLog(postgresAuditStore(pool), now, batching);
}

function postgresAuditStore(pool: Pool): AuditStore {
  return {
    write: async (records) => {
      const clean = records.map(withoutNuls);
      await pool.query(INSERT, [
        clean.map((r) => r.at), clean.map((r) => r.requestId), clean.map((r) => r.subject), clean.map((r) => r.clientId),
        clean.map((r) => JSON.stringify(r.fields)), clean.map((r) => JSON.stringify(r.customerIds)),
      ]);
    },
    bySubject: async (subject, limit) => (await rows<Row>(pool,
      `SELECT ${COLUMNS} FROM audit_events e WHERE e.subject = $1 ORDER BY e.at DESC, e.id DESC LIMIT $2`, [withoutNul(subject), limit])).map(toRecord),
    byCustomer: async (customerId, limit) => (await rows<Row>(pool,
      `SELECT ${COLUMNS} FROM audit_customers c JOIN audit_events e ON e.id = c.event_id
       WHERE c.customer_id = $1 ORDER BY c.at DESC, c.event_id DESC LIMIT $2`, [withoutNul(customerId), limit])).map(toRecord),
    // The customers go with their events (ON DELETE CASCADE), in the same statement.
    pruneBefore: (before, limit) => changes(pool,
      'DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE at < $1 ORDER BY at, id LIMIT $2)', [new Date(before), limit]),
    close: () => undefined,
  };
}

const toRecord = (row: Row): AuditRecord => ({
  at: row.at.toISOString(), requestId: row.request_id, subject: row.subject, clientId: row.client_id,
  fields: row.fields, customerIds: row.customer_ids,
});

/**
 * PostgreSQL text cannot hold NUL (SQLite can): a token subject or id carrying one would fail its whole
 * batch, again at every retry, so it is stored as U+FFFD instead.
 */
const withoutNul = (text: string): string => text.replaceAll('\u0000', '\uFFFD');

const withoutNuls = (r: AuditRecord): AuditRecord => ({
  at: r.at, requestId: withoutNul(r.requestId), subject: withoutNul(r.subject), clientId: r.clientId === null ? null : withoutNul(r.clientId),
  fields: [...new Set(r.fields.map(withoutNul))], customerIds: [...new Set(r.customerIds.map(withoutNul))],
});
