/** The sync subgraph is ready while its database answers, and says which part failed once it does not. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSyncConfig } from '../../subgraphs/sync/config.ts';
import { startSyncService, type SyncService } from '../../subgraphs/sync/index.ts';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/shared/server.ts';
import { TEST_LISTEN } from '../support/internal-token.ts';

let service: SyncService;
let server: RunningSubgraph;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sync-readiness-'));
  service = await startSyncService(readSyncConfig({ SYNC_DB_PATH: join(dir, 'sync.db'), RECONCILE_INTERVAL_MS: '0' }));
  server = await startSubgraph(service.subgraph, TEST_LISTEN);
});

afterAll(async () => {
  await server.close();
  await service.close();
});

const probe = async (path: string) => {
  const res = await fetch(server.url.replace(/\/graphql$/, path));
  return { status: res.status, body: await res.json() };
};

describe('the sync subgraph /readyz', () => {
  it('is ready with its database open, and 503 naming the database once it is closed; /healthz stays 200', async () => {
    expect(await probe('/readyz')).toEqual({ status: 200, body: { status: 'ready', parts: { http: 'ok', database: 'ok' } } });
    await service.store.close();
    expect(await probe('/readyz')).toEqual({ status: 503, body: { status: 'not ready', parts: { http: 'ok', database: 'failing' } } });
    expect(await probe('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    // The old liveness path still answers.
    expect((await probe('/health')).status).toBe(200);
  });
});
