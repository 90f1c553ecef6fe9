/**
 * The gateway's tables on PostgreSQL, numbered in `gateway_schema_migrations` (apart from the sync
 * service's `schema_migrations`: both may share one database and schema). The per-caller budget windows
 * are not here: rate-limiter-flexible creates and owns its table (gateway/limits/budget-counter.ts).
 */
import type { Migrations } from '../../subgraphs/shared/postgres/migrate.ts';

export const GATEWAY_MIGRATIONS: Migrations = {
  owner: 'The gateway database',
  table: 'gateway_schema_migrations',
  lockKey: 7_151_003,
  steps: [
    // The audit log (gateway/audit/postgres-audit-log.ts). audit_customers repeats `at` so that a
    // customer's newest records are read in index order.
    `
    CREATE TABLE audit_events (
      id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at           TIMESTAMPTZ NOT NULL,
      request_id   TEXT NOT NULL,
      subject      TEXT NOT NULL,
      client_id    TEXT,
      fields       TEXT[] NOT NULL,
      customer_ids TEXT[] NOT NULL
    );
    CREATE INDEX audit_events_subject ON audit_events (subject, at, id);
    CREATE INDEX audit_events_at ON audit_events (at, id);
    CREATE TABLE audit_customers (
      event_id    BIGINT NOT NULL REFERENCES audit_events (id) ON DELETE CASCADE,
      customer_id TEXT NOT NULL,
      at          TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (event_id, customer_id)
    );
    CREATE INDEX audit_customers_customer ON audit_customers (customer_id, at, event_id);
    `,
  ],
};
