/** The sync subgraph as its own process over a test stack's stand-ins, for tests that kill it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, inject } from 'vitest';
import { standInEnv, subgraphUrlEnv, type Stack } from '../../upstreams/stack.ts';
import { useStack, type TestStack } from '../e2e/harness.ts';
import { freePort } from './ports.ts';
import { createTestSchema } from './postgres-schema.ts';

const SYNC_MAIN = fileURLToPath(new URL('../../subgraphs/sync/main.ts', import.meta.url));

export interface StackWithSyncProcess {
  t: TestStack;
  /** The GraphQL URL the gateway reaches the sync process at. */
  syncUrl: string;
  /** Starts the sync process (on the same port and database each time); resolves once it listens. */
  startSyncProcess(extraEnv?: Record<string, string>): Promise<ChildProcess>;
}

/** A test stack whose sync subgraph runs as its own process, which a test may kill and start again (killed at the end of the file). */
export async function useStackWithSyncProcess(): Promise<StackWithSyncProcess> {
  const port = await freePort();
  const syncUrl = `http://127.0.0.1:${port}/graphql`;
  const databasePath = join(mkdtempSync(join(tmpdir(), 'gateway-sync-process-')), 'gateway.db');
  const t = useStack({ externalSyncUrl: syncUrl });
  // With DATABASE_URL (a PostgreSQL server), every start of the process uses one schema of this file's own.
  const schema = process.env.DATABASE_URL ? await createTestSchema(process.env.DATABASE_URL) : undefined;
  const children: ChildProcess[] = [];
  afterAll(async () => {
    children.forEach((c) => c.kill('SIGKILL'));
    await schema?.drop();
  });
  return {
    t,
    syncUrl,
    startSyncProcess: async (extraEnv = {}) => {
      const child = await startSyncProcess(t.stack, port, databasePath, { ...(schema && { DATABASE_URL: schema.url }), ...extraEnv });
      children.push(child);
      return child;
    },
  };
}

/** Starts it on `port` with the database at `databasePath` (brisk outbox); resolves once it listens. */
export async function startSyncProcess(stack: Pick<Stack, 'standIns'> & { subgraphs: Parameters<typeof subgraphUrlEnv>[0] }, port: number, databasePath: string, extraEnv: Record<string, string> = {}, logFile = join(inject('logDir'), `sync-process-${port}.log`)): Promise<ChildProcess> {
  const { standIns } = stack;
  const child = spawn(process.execPath, ['--import', 'tsx', SYNC_MAIN], {
    env: {
      ...process.env,
      SYNC_PORT: String(port), SYNC_DB_PATH: databasePath, OUTBOX_INTERVAL_MS: '50', OUTBOX_BACKOFF_BASE_MS: '50',
      // Its log goes to the run's log folder (for the end-of-run scan), not to the stdout read below.
      LOG_LEVEL: 'info', LOG_FILE: logFile,
      ...standInEnv(standIns),
      // Where the read subgraphs' record caches hear of its writes.
      ...subgraphUrlEnv(stack.subgraphs),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('ready')) resolve(); });
    child.once('exit', (code) => reject(new Error(`sync subgraph exited early (${code})`)));
  });
  return child;
}
