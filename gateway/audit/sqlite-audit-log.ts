/**
 * The audit log on its own SQLite file (WAL, synchronous = FULL: a batch is on disk once its
 * transaction commits). Records are written in batches, one transaction every `flushIntervalMs`, off
 * the request path: a crash loses at most the records of the last interval; close() writes what is
 * pending. With an interval of 0 each record is written as it is made, before the response that caused
 * it is sent. Reads through this object see its pending records (they are written first).
 * Several processes may open it: the gateway appends, `npm run audit` reads.
 * The file and its -wal/-shm are 0600 (it names who saw which customer); deleted records are overwritten
 * (secure_delete), not left in free pages.
 */
import Database from 'better-sqlite3';
import { preparePrivateSqliteFile } from '../../subgraphs/shared/private-file.ts';
import type { AuditEvent, AuditLog, AuditRecord } from './audit-log.ts';

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

/** Pending records written at once, whatever the interval: bounds the memory a burst holds. */
const MAX_PENDING = 1_000;

export interface AuditBatching {
  /** How long a record may wait to be written with others; 0 writes each at once. */
  flushIntervalMs: number;
  /** A batch that could not be written (it is kept and tried again after the next interval). */
  onError(err: unknown): void;
}

const WRITE_AT_ONCE: AuditBatching = { flushIntervalMs: 0, onError: () => {} };

export function openSqliteAuditLog(path: string, now: () => number = Date.now, batching: AuditBatching = WRITE_AT_ONCE): AuditLog {
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

  /** Each event with the time it was recorded (not written). */
  const write = db.transaction((events: { at: string; event: AuditEvent }[]) => {
    for (const { at, event } of events) {
      const { lastInsertRowid } = insertEvent.run(at, event.requestId, event.principal.subject,
        event.principal.clientId, JSON.stringify([...new Set(event.fields)].sort()));
      for (const id of new Set(event.customerIds)) insertCustomer.run(lastInsertRowid, id);
    }
  });
  let pending: { at: string; event: AuditEvent }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    try {
      write(batch);
    } catch (err) {
      pending = batch.concat(pending);
      schedule();
      throw err;
    }
  };
  const schedule = () => {
    // Unref'd: pending records never keep a process alive; close() writes them.
    timer ??= setTimeout(() => {
      try {
        flush();
      } catch (err) {
        batching.onError(err);
      }
    }, batching.flushIntervalMs).unref();
  };
  const record = (event: AuditEvent) => {
    pending.push({ at: new Date(now()).toISOString(), event });
    if (batching.flushIntervalMs === 0 || pending.length >= MAX_PENDING) flush();
    else schedule();
  };
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
    record,
    bySubject: (subject, limit = 100) => {
      flush();
      return (bySubject.all(subject, limit) as Row[]).map(toRecord);
    },
    byCustomer: (customerId, limit = 100) => {
      flush();
      return (byCustomer.all(customerId, limit) as Row[]).map(toRecord);
    },
    pruneBefore: (before, limit) => {
      flush();
      return prune(before, limit);
    },
    close: () => {
      try {
        flush();
      } finally {
        db.close();
      }
    },
  };
}
