/**
 * The PostgreSQL schema of the sync store. `schema_migrations` holds one row per migration applied
 * (the runner, shared with the gateway's store, is subgraphs/shared/postgres/migrate.ts).
 *
 * Times are epoch ms (BIGINT, read back as numbers); JSON columns are TEXT, opaque to the store as
 * in the SQLite schema. Beside the SQLite columns, claims for replicas: `held_until` (a request's hold
 * on its intent), `claimed_by`/`claim_until` (an outbox entry or webhook event being applied by one
 * replica), `lease_until` (an idempotency key IN_PROGRESS): past its time, another replica takes over.
 */
import type { PoolClient } from 'pg';
import { migrate as runMigrations, type Migrations } from '../../../shared/postgres/migrate.ts';

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
    held_until   BIGINT,
    created_at   BIGINT NOT NULL,
    completed_at BIGINT
  );
  CREATE INDEX intents_done_by_completion ON intents (completed_at) WHERE status = 'DONE';
  CREATE TABLE outbox (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    intent_id       TEXT NOT NULL REFERENCES intents (id),
    system          TEXT NOT NULL CHECK (system IN ('CRM', 'ERP', 'COMMERCE')),
    record_key      TEXT NOT NULL,
    operation       TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('PENDING', 'APPLIED', 'FAILED', 'CANCELLED')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT,
    result          TEXT,
    created_at      BIGINT NOT NULL,
    claimed_by      TEXT,
    claim_until     BIGINT
  );
  CREATE INDEX outbox_by_intent ON outbox (intent_id, seq);
  CREATE INDEX outbox_pending_by_record ON outbox (system, record_key, seq) WHERE status = 'PENDING';
  CREATE INDEX outbox_pending_by_seq ON outbox (seq) WHERE status = 'PENDING';
  -- An idempotency key is its primary key: two replicas can never both claim it. BYTEA: the key is the
  -- caller's id and the client's key joined by a NUL, which TEXT cannot hold.
  CREATE TABLE idempotency_keys (
    key          BYTEA PRIMARY KEY,
    request_hash TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('IN_PROGRESS', 'DONE')),
    response     TEXT,
    owner        TEXT,
    lease_until  BIGINT,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
  );
  CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);
  -- (source, event_id) is unique: a redelivery, to this replica or another, is a no-op.
  CREATE TABLE inbox (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source          TEXT NOT NULL CHECK (source IN ('HUBSPOT', 'SHOPIFY')),
    event_id        TEXT NOT NULL,
    object_type     TEXT NOT NULL,
    object_id       TEXT NOT NULL,
    occurred_at     BIGINT NOT NULL,
    topic           TEXT NOT NULL,
    payload         TEXT NOT NULL,
    received_at     BIGINT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('PENDING', 'DONE', 'FAILED')),
    outcome         TEXT CHECK (outcome IN ('APPLIED', 'STALE', 'IGNORED')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT,
    processed_at    BIGINT,
    claimed_by      TEXT,
    claim_until     BIGINT,
    UNIQUE (source, event_id)
  );
  CREATE INDEX inbox_pending_by_record ON inbox (source, object_type, object_id, occurred_at, seq) WHERE status = 'PENDING';
  CREATE INDEX inbox_processed_by_time ON inbox (processed_at) WHERE status <> 'PENDING';
  CREATE TABLE inbox_applied (
    source      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    PRIMARY KEY (source, object_type, object_id)
  );
  CREATE TABLE webhook_receipts (
    source           TEXT PRIMARY KEY,
    last_received_at BIGINT NOT NULL
  );
  CREATE TABLE sync_cursors (
    feed       TEXT PRIMARY KEY,
    position   BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  );
  CREATE TABLE discrepancies (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject_key     TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('FIELD_MISMATCH', 'AMBIGUOUS_EMAIL', 'BROKEN_LINK', 'MISSING_ERP_ORDER', 'ORDER_TOTAL_MISMATCH', 'UNRECOGNISED_COUNTRY')),
    system          TEXT NOT NULL CHECK (system IN ('CRM', 'ERP', 'COMMERCE')),
    field           TEXT NOT NULL,
    canonical_value TEXT,
    source_value    TEXT,
    contact_id      TEXT,
    order_id        TEXT,
    detail          TEXT NOT NULL,
    detected_at     BIGINT NOT NULL,
    last_seen_at    BIGINT NOT NULL,
    resolved_at     BIGINT,
    resolution      TEXT CHECK (resolution IN ('GONE', 'ACCEPT_SOURCE', 'KEEP_CANONICAL'))
  );
  CREATE UNIQUE INDEX discrepancies_open ON discrepancies (subject_key, kind, system, field) WHERE resolved_at IS NULL;
  CREATE INDEX discrepancies_by_contact ON discrepancies (contact_id, seq);
  CREATE INDEX discrepancies_resolved_by_time ON discrepancies (resolved_at) WHERE resolved_at IS NOT NULL;
  CREATE TABLE reconcile_runs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dry_run     BOOLEAN NOT NULL,
    since       BIGINT,
    status      TEXT NOT NULL CHECK (status IN ('RUNNING', 'DONE', 'FAILED', 'INTERRUPTED')),
    started_at  BIGINT NOT NULL,
    finished_at BIGINT,
    stats       TEXT NOT NULL
  );
  CREATE TABLE sync_failures (
    seq     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      BIGINT NOT NULL,
    system  TEXT NOT NULL,
    source  TEXT NOT NULL CHECK (source IN ('RECONCILE', 'OUTBOX', 'INBOX')),
    code    TEXT NOT NULL,
    message TEXT NOT NULL
  );
  CREATE INDEX sync_failures_by_system ON sync_failures (system, seq);
  CREATE TABLE order_rechecks (
    order_number TEXT PRIMARY KEY,
    due_at       BIGINT NOT NULL
  );
  CREATE INDEX order_rechecks_by_due ON order_rechecks (due_at);
  `,
  // The worker's sweep of intents left OPEN (completeSettledIntents) reads only these.
  `CREATE INDEX intents_open ON intents (created_at) WHERE status = 'OPEN';`,
  // Versions superseded per record (RecordLocks.supersedeVersion), and the wait for a record's lock that
  // gives up as soon as the version it expects is among them: polled on the server, not by round trips.
  `
  CREATE TABLE superseded_versions (
    record_key      TEXT NOT NULL,
    version         TEXT NOT NULL,
    systems         TEXT[] NOT NULL,
    current_version TEXT,
    superseded_at   BIGINT NOT NULL,
    PRIMARY KEY (record_key, version)
  );
  CREATE INDEX superseded_versions_by_time ON superseded_versions (superseded_at);
  CREATE FUNCTION take_record_lock(lock_key TEXT, expected_version TEXT, wait_ms INTEGER) RETURNS TEXT
  LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    -- Advisory locks are per database: the schema in the key keeps stores in other schemas of it apart.
    lock_id CONSTANT BIGINT := hashtextextended(current_schema() || ':record:' || lock_key, 0);
    give_up CONSTANT TIMESTAMPTZ := clock_timestamp() + make_interval(secs => wait_ms / 1000.0);
    pause DOUBLE PRECISION := 0.001;
  BEGIN
    LOOP
      IF expected_version IS NOT NULL AND EXISTS (
        SELECT 1 FROM superseded_versions WHERE record_key = lock_key AND version = expected_version) THEN
        RETURN 'SUPERSEDED';
      END IF;
      IF pg_try_advisory_xact_lock(lock_id) THEN
        RETURN 'TAKEN';
      END IF;
      IF clock_timestamp() >= give_up THEN
        RETURN 'TIMEOUT';
      END IF;
      PERFORM pg_sleep(pause);
      pause := least(pause * 2, 0.02);
    END LOOP;
  END
  $$;
  `,
];

const SYNC_MIGRATIONS: Migrations = { owner: 'The sync database', table: 'schema_migrations', lockKey: 7_151_001, steps: MIGRATIONS };

/** Brings the schema up to date on `client` (inside the caller's transaction); refuses one written by newer code. */
export const migrate = (client: PoolClient): Promise<void> => runMigrations(client, SYNC_MIGRATIONS);

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
