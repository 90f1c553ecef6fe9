/**
 * The audit log on its own SQLite file (WAL, synchronous = FULL: a batch is on disk once its
 * transaction commits), the zero-configuration default. Several processes may open it: the gateway
 * appends, `npm run audit` reads. The file and its -wal/-shm are 0600 (it names who saw which customer);
 * deleted records are overwritten (secure_delete), not left in free pages.
 */
import Database from 'better-sqlite3';
import { preparePrivateSqliteFile } from '../../subgraphs/shared/private-file.ts';
import type { AuditLog, AuditRecord, AuditStore } from './audit-log.ts';
import { batchedAuditLog, type AuditBatching } from './batched-audit-log.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    request_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    client_id TEXT,
    fields TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS audit_events_subject ON audit_events (subject, id);
  CREATE TABLE IF NOT EXISTS audit_customers (
    event_id INTEGER NOT NULL REFERENCES audit_events (id),
    customer_id TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS audit_customers_customer ON audit_customers (customer_id, event_id);
  -- For pruning by age.
  CREATE INDEX IF NOT EXISTS audit_events_at ON audit_events (at, id);
  CREATE INDEX IF NOT EXISTS audit_customers_event ON audit_customers (event_id);
`;

interface Row { id: number; at: string; request_id: string; subject: string; client_id: string | null; fields: string; customer_ids: string | null }

const SELECT = `SELECT e.id, e.at, e.request_id, e.subject, e.client_id, e.fields,
  (SELECT json_group_array(customer_id) FROM audit_customers c WHERE c.event_id = e.id) AS customer_ids FROM audit_events e`;

/** The audit log on the SQLite file at `path` (':memory:' for tests), batched as `batching` says (batched-audit-log.ts). */
export function openSqliteAuditLog(path: string, now: () => number = Date.now, batching?: AuditBatching): AuditLog {
  return batchedAuditLog(sqliteAuditStore(path), now, batching);
}

function sqliteAuditStore(path: string): AuditStore {
  preparePrivateSqliteFile(path);
  const db = new Database(path);
  db.pragma('secure_delete = ON');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);

  const insertEvent = db.prepare('INSERT INTO audit_events (at, request_id, subject, client_id, fields) VALUES (?, ?, ?, ?, ?)');
  const insertCustomer = db.prepare('INSERT INTO audit_customers (event_id, customer_id) VALUES (?, ?)');
  const bySubject = db.prepare(`${SELECT} WHERE e.subject = ? ORDER BY e.id DESC LIMIT ?`);
  const byCustomer = db.prepare(`${SELECT} WHERE e.id IN (SELECT event_id FROM audit_customers WHERE customer_id = ?) ORDER BY e.id DESC LIMIT ?`);

  const oldest = db.prepare('SELECT id FROM audit_events WHERE at < ? ORDER BY at, id LIMIT ?').pluck();
  const deleteCustomers = db.prepare('DELETE FROM audit_customers WHERE event_id = ?');
  const deleteEvent = db.prepare('DELETE FROM audit_events WHERE id = ?');

  const write = db.transaction((records: AuditRecord[]) => {
    for (const record of records) {
      const { lastInsertRowid } = insertEvent.run(record.at, record.requestId, record.subject, record.clientId, JSON.stringify(record.fields));
      for (const id of record.customerIds) insertCustomer.run(lastInsertRowid, id);
    }
  });
  const toRecord = (row: Row): AuditRecord => ({
    at: row.at, requestId: row.request_id, subject: row.subject, clientId: row.client_id,
    fields: JSON.parse(row.fields), customerIds: JSON.parse(row.customer_ids ?? '[]'),
  });
  const prune = db.transaction((before: number, limit: number) => {
    const ids = oldest.all(new Date(before).toISOString(), limit) as number[];
    for (const id of ids) {
      deleteCustomers.run(id);
      deleteEvent.run(id);
    }
    return ids.length;
  });

  return {
    write,
    bySubject: (subject, limit) => (bySubject.all(subject, limit) as Row[]).map(toRecord),
    byCustomer: (customerId, limit) => (byCustomer.all(customerId, limit) as Row[]).map(toRecord),
    pruneBefore: prune,
    close: () => { db.close(); },
  };
}
