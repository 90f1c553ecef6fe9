/** Starts the whole stack (stand-ins, subgraphs, gateway) on port 0 for one test file, and speaks HTTP to it. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { startStack, type Stack, type StackOptions } from '../../upstreams/stack.ts';
import { devToken } from '../support/dev-token.ts';
import { createTestSchema, type TestSchema } from '../support/postgres-schema.ts';
import type { AuditLog } from '../../gateway/audit/audit-log.ts';
import { openSqliteAuditLog } from '../../gateway/audit/sqlite-audit-log.ts';
import { openPostgresAuditLog } from '../../gateway/audit/postgres-audit-log.ts';
import { openGatewayDatabase } from '../../gateway/database/open-database.ts';

export interface GraphQLResult {
  status: number;
  /** The raw response text, for asserting what must never appear in it. */
  text: string;
  body: { data?: any; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
}

export interface TestStack {
  /** The running stack; valid inside tests. */
  readonly stack: Stack;
  /** POSTs to the gateway with a development token granting every scope; `headers` override it (`{ authorization: '' }` sends none). */
  gql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResult>;
  /** The audit log the gateway writes (its SQLite file, or its PostgreSQL schema with DATABASE_URL), opened apart for reading; close it after. */
  openAuditLog(): Promise<AuditLog>;
}

export function useStack(options: StackOptions = {}): TestStack {
  let stack: Stack | undefined;
  let token: string | undefined;
  let schema: TestSchema | undefined;
  let auditPath = '';
  beforeAll(async () => {
    token = await devToken();
    // Each test file gets its own gateway database and a brisk outbox worker.
    const dir = mkdtempSync(join(tmpdir(), 'gateway-test-'));
    // No scheduled reconciliation passes: a test runs its own.
    const env = {
      SYNC_DB_PATH: join(dir, 'gateway.db'), AUDIT_DB_PATH: join(dir, 'audit.db'), OUTBOX_INTERVAL_MS: '50', OUTBOX_BACKOFF_BASE_MS: '50', OUTBOX_BACKOFF_MAX_MS: '400', BREAKER_COOLDOWN_MS: '500',
      // One token subject sends every request of a file: budgets are tested on their own (test/limits/cost-budget.test.ts).
      RECONCILE_INTERVAL_MS: '0', COST_BUDGET_PER_MINUTE: '1000000000',
      // Tests read the audit log right after a response; batching is tested on its own (test/audit).
      AUDIT_FLUSH_MS: '0', ...options.env,
    };
    // With DATABASE_URL (a PostgreSQL server), the sync store and the gateway's audit log live in a schema of this file's own.
    schema = process.env.DATABASE_URL ? await createTestSchema(process.env.DATABASE_URL) : undefined;
    auditPath = env.AUDIT_DB_PATH ?? join(dir, "audit.db");
    const logFile = join(inject('logDir'), `${dir.split('/').pop()}.log`);
    stack = await startStack({ logLevel: 'info', logFile, ...options, env: { ...env, ...(schema && { DATABASE_URL: schema.url }) } });
  });
  afterAll(async () => {
    await stack?.close();
    await schema?.drop();
  });
  return {
    get stack() {
      if (!stack) throw new Error('The stack is not running yet.');
      return stack;
    },
    async gql(query, variables, headers = {}) {
      const all: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers };
      if (!all.authorization) delete all.authorization;
      const res = await fetch(this.stack.gatewayUrl, {
        method: 'POST',
        headers: all,
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      return { status: res.status, text, body: JSON.parse(text) };
    },
    async openAuditLog() {
      if (!schema) return openSqliteAuditLog(auditPath);
      const pool = await openGatewayDatabase(schema.url);
      const log = openPostgresAuditLog(pool);
      return { ...log, close: () => log.close().finally(() => pool.end()) };
    },
  };
}
