/**
 * Where an audit-log contract test runs: a SQLite file of its own, and a PostgreSQL schema of its own on
 * the run's test server (test/setup/postgres.ts). Each open() is a connection of its own, as a second
 * gateway or `npm run audit` would be.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditLog } from '../../../gateway/audit/audit-log.ts';
import type { AuditBatching } from '../../../gateway/audit/batched-audit-log.ts';
import { openSqliteAuditLog } from '../../../gateway/audit/sqlite-audit-log.ts';
import { openPostgresAuditLog } from '../../../gateway/audit/postgres-audit-log.ts';
import { openGatewayDatabase } from '../../../gateway/database/open-database.ts';
import { createTestSchema } from '../../support/postgres-schema.ts';
import { TEST_DATABASE_URL } from '../../sync/support/store-backends.ts';

export interface AuditPlace {
  open(now?: () => number, batching?: AuditBatching): Promise<AuditLog>;
  /** What `npm run audit` needs in env to read this place. */
  cliEnv: NodeJS.ProcessEnv;
  drop(): Promise<void>;
}

export interface AuditBackend {
  name: 'SQLite' | 'PostgreSQL';
  /** A new, empty place for an audit log. */
  place(): Promise<AuditPlace>;
}

const sqlite: AuditBackend = {
  name: 'SQLite',
  place: async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'audit-test-')), 'audit.db');
    return { open: async (now, batching) => openSqliteAuditLog(path, now, batching), cliEnv: { AUDIT_DB_PATH: path, DATABASE_URL: '' }, drop: async () => undefined };
  },
};

const postgres: AuditBackend = {
  name: 'PostgreSQL',
  place: async () => {
    const schema = await createTestSchema(TEST_DATABASE_URL);
    return {
      open: async (now, batching) => {
        const pool = await openGatewayDatabase(schema.url);
        const log = openPostgresAuditLog(pool, now, batching);
        return { ...log, close: () => log.close().finally(() => pool.end()) };
      },
      cliEnv: { DATABASE_URL: schema.url },
      drop: () => schema.drop(),
    };
  },
};

export const auditBackends: AuditBackend[] = [sqlite, postgres];
