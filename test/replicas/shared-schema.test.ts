/**
 * One PostgreSQL database and schema for the sync service and the gateway (one DATABASE_URL for both):
 * each keeps its own numbered migrations, so neither takes the other's versions for its own.
 */
import { describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../subgraphs/sync/store/postgres/store.ts';
import { SCHEMA_VERSION } from '../../subgraphs/sync/store/postgres/migrations.ts';
import { openGatewayDatabase } from '../../gateway/database/open-database.ts';
import { GATEWAY_MIGRATIONS } from '../../gateway/database/migrations.ts';
import { openPostgresAuditLog } from '../../gateway/audit/postgres-audit-log.ts';
import { createTestSchema } from '../support/postgres-schema.ts';
import { TEST_DATABASE_URL } from '../sync/support/store-backends.ts';

describe('the sync service and the gateway on one schema', () => {
  it('migrate side by side, in either order and again, each in its own migrations table', async () => {
    const schema = await createTestSchema(TEST_DATABASE_URL);
    try {
      for (let run = 0; run < 2; run++) {
        // The gateway migrates first on the first run, the sync service on the second.
        const [pool, store] = run === 0
          ? [await openGatewayDatabase(schema.url), await openPostgresStore(schema.url)]
          : await Promise.all([openPostgresStore(schema.url), openGatewayDatabase(schema.url)]).then(([s, p]) => [p, s] as const);
        try {
          const versions = async (table: string) => (await pool.query(`SELECT version FROM ${table} ORDER BY version`)).rows.map((r) => r.version);
          expect(await versions('schema_migrations')).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
          expect(await versions('gateway_schema_migrations')).toEqual(GATEWAY_MIGRATIONS.steps.map((_, i) => i + 1));
          const log = openPostgresAuditLog(pool);
          await log.record({ principal: { subject: 'alice', clientId: null, scopes: new Set() }, requestId: `r${run}`, fields: ['Customer.email'], customerIds: ['C1'] });
          expect(await log.byCustomer('C1')).toHaveLength(run + 1);
          expect(await store.lastRun()).toBeNull();
        } finally {
          await store.close();
          await pool.end();
        }
      }
    } finally {
      await schema.drop();
    }
  });
});
