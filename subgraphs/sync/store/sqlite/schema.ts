/**
 * The SQLite schema of the sync store and its migrations. `schema_version` holds one row: the number
 * of migrations applied. Each migration runs once, in order, in the same transaction as the version
 * bump, so a crash leaves the database at one version or the next, never in between.
 */
import type Database from 'better-sqlite3';

/** Append only: a released migration is never edited, a change is a new entry. */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE intents (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('updateCustomer', 'createCustomer', 'cancelOrder')),
    subject_key  TEXT NOT NULL,
    request      TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('OPEN', 'DONE')),
    held_by      TEXT,
    created_at   INTEGER NOT NULL,
    completed_at INTEGER
  );
  -- AUTOINCREMENT: seq never goes back, even after the newest entries are deleted.
  CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    intent_id       TEXT NOT NULL REFERENCES intents (id),
    system          TEXT NOT NULL CHECK (system IN ('CRM', 'ERP', 'COMMERCE')),
    record_key      TEXT NOT NULL,
    operation       TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('PENDING', 'APPLIED', 'FAILED', 'CANCELLED')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    result          TEXT,
    created_at      INTEGER NOT NULL
  );
  CREATE INDEX outbox_by_intent ON outbox (intent_id, seq);
  -- The earliest pending entry per record, which dueEntries and hasPending look up.
  CREATE INDEX outbox_pending_by_record ON outbox (system, record_key, seq) WHERE status = 'PENDING';
  CREATE TABLE idempotency_keys (
    key          TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('IN_PROGRESS', 'DONE')),
    response     TEXT,
    owner        TEXT,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
  );
  CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);
  `,
  `
  -- Webhook events, stored before they are acknowledged; (source, event_id) makes a redelivery a no-op.
  CREATE TABLE inbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    source          TEXT NOT NULL CHECK (source IN ('HUBSPOT', 'SHOPIFY')),
    event_id        TEXT NOT NULL,
    object_type     TEXT NOT NULL,
    object_id       TEXT NOT NULL,
    occurred_at     INTEGER NOT NULL,
    topic           TEXT NOT NULL,
    payload         TEXT NOT NULL,
    received_at     INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('PENDING', 'DONE', 'FAILED')),
    outcome         TEXT CHECK (outcome IN ('APPLIED', 'STALE', 'IGNORED')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    processed_at    INTEGER,
    UNIQUE (source, event_id)
  );
  -- The earliest pending event per record, which dueEvents looks up.
  CREATE INDEX inbox_pending_by_record ON inbox (source, object_type, object_id, occurred_at, seq) WHERE status = 'PENDING';
  -- Per record, the newest change applied: an event older than this is STALE.
  CREATE TABLE inbox_applied (
    source      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    PRIMARY KEY (source, object_type, object_id)
  );
  -- Per source, when its last webhook arrived (for sync monitoring).
  CREATE TABLE webhook_receipts (
    source           TEXT PRIMARY KEY,
    last_received_at INTEGER NOT NULL
  );
  `,
  `
  -- Per feed, the newest change time whose processing is durable (epoch ms).
  CREATE TABLE sync_cursors (
    feed       TEXT PRIMARY KEY,
    position   INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE discrepancies (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_key     TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('FIELD_MISMATCH', 'AMBIGUOUS_EMAIL', 'BROKEN_LINK', 'MISSING_ERP_ORDER', 'ORDER_TOTAL_MISMATCH')),
    system          TEXT NOT NULL CHECK (system IN ('CRM', 'ERP', 'COMMERCE')),
    field           TEXT NOT NULL,
    canonical_value TEXT,
    source_value    TEXT,
    contact_id      TEXT,
    order_id        TEXT,
    detail          TEXT NOT NULL,
    detected_at     INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    resolved_at     INTEGER,
    resolution      TEXT CHECK (resolution IN ('GONE', 'ACCEPT_SOURCE', 'KEEP_CANONICAL'))
  );
  -- At most one open discrepancy per subject, kind, system and field.
  CREATE UNIQUE INDEX discrepancies_open ON discrepancies (subject_key, kind, system, field) WHERE resolved_at IS NULL;
  CREATE INDEX discrepancies_by_contact ON discrepancies (contact_id, seq);
  CREATE TABLE reconcile_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    dry_run     INTEGER NOT NULL,
    since       INTEGER,
    status      TEXT NOT NULL CHECK (status IN ('RUNNING', 'DONE', 'FAILED', 'INTERRUPTED')),
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    stats       TEXT NOT NULL
  );
  -- Recent failures for monitoring (pruned to the newest few hundred); messages are our own wording.
  CREATE TABLE sync_failures (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    system  TEXT NOT NULL,
    source  TEXT NOT NULL CHECK (source IN ('RECONCILE', 'OUTBOX', 'INBOX')),
    code    TEXT NOT NULL,
    message TEXT NOT NULL
  );
  `,
  `
  CREATE INDEX sync_failures_by_system ON sync_failures (system, seq);
  -- Shop orders read while still inside the grace period for their ERP sales order: checked again when due,
  -- since an order that does not change again is in no later feed.
  CREATE TABLE order_rechecks (
    order_number TEXT PRIMARY KEY,
    due_at       INTEGER NOT NULL
  );
  CREATE INDEX order_rechecks_by_due ON order_rechecks (due_at);
  `,
  `
  -- Retention (retention/): what each pruning batch looks up, oldest first.
  CREATE INDEX intents_done_by_completion ON intents (completed_at) WHERE status = 'DONE';
  CREATE INDEX inbox_processed_by_time ON inbox (processed_at) WHERE status <> 'PENDING';
  CREATE INDEX discrepancies_resolved_by_time ON discrepancies (resolved_at) WHERE resolved_at IS NOT NULL;
  -- A processed event's body (personal data in Shopify's) is no longer needed: dropped now, and at processing from here on.
  UPDATE inbox SET payload = 'null' WHERE status <> 'PENDING';
  `,
  `
  -- A new discrepancy kind, UNRECOGNISED_COUNTRY: SQLite cannot alter a CHECK, so the table is rebuilt.
  CREATE TABLE discrepancies_next (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_key     TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('FIELD_MISMATCH', 'AMBIGUOUS_EMAIL', 'BROKEN_LINK', 'MISSING_ERP_ORDER', 'ORDER_TOTAL_MISMATCH', 'UNRECOGNISED_COUNTRY')),
    system          TEXT NOT NULL CHECK (system IN ('CRM', 'ERP', 'COMMERCE')),
    field           TEXT NOT NULL,
    canonical_value TEXT,
    source_value    TEXT,
    contact_id      TEXT,
    order_id        TEXT,
    detail          TEXT NOT NULL,
    detected_at     INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    resolved_at     INTEGER,
    resolution      TEXT CHECK (resolution IN ('GONE', 'ACCEPT_SOURCE', 'KEEP_CANONICAL'))
  );
  INSERT INTO discrepancies_next SELECT * FROM discrepancies;
  -- seq never goes back (Discrepancy ids are made from it), even past rows retention has deleted.
  DELETE FROM sqlite_sequence WHERE name = 'discrepancies_next';
  INSERT INTO sqlite_sequence (name, seq) SELECT 'discrepancies_next', seq FROM sqlite_sequence WHERE name = 'discrepancies';
  DROP TABLE discrepancies;
  ALTER TABLE discrepancies_next RENAME TO discrepancies;
  CREATE UNIQUE INDEX discrepancies_open ON discrepancies (subject_key, kind, system, field) WHERE resolved_at IS NULL;
  CREATE INDEX discrepancies_by_contact ON discrepancies (contact_id, seq);
  CREATE INDEX discrepancies_resolved_by_time ON discrepancies (resolved_at) WHERE resolved_at IS NOT NULL;
  `,
  // The worker's sweep of intents left OPEN (completeSettledIntents) reads only these.
  `CREATE INDEX IF NOT EXISTS intents_open ON intents (created_at) WHERE status = 'OPEN';`,
];

/** Brings the database up to the newest schema; refuses one written by newer code. */
export function migrate(db: Database.Database): void {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
    const current = row?.version ?? 0;
    if (current > MIGRATIONS.length) {
      throw new Error(`The sync database has schema version ${current}, newer than this code knows (${MIGRATIONS.length}).`);
    }
    for (const sql of MIGRATIONS.slice(current)) db.exec(sql);
    if (!row) db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(MIGRATIONS.length);
    else db.prepare('UPDATE schema_version SET version = ?').run(MIGRATIONS.length);
  }).immediate();
}

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
