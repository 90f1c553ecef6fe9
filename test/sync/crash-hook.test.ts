/** The crash hook (SYNC_CRASH_POINT) is a test hook: the sync service refuses to start with it in production. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readSyncConfig } from '../../subgraphs/sync/config.ts';

const SYNC_MAIN = fileURLToPath(new URL('../../subgraphs/sync/main.ts', import.meta.url));
const REFUSAL = 'SYNC_CRASH_POINT is a test hook and is refused in production mode (NODE_ENV=production): unset it.';
/** Every secret production requires, so that only the crash hook can be refused. */
const PRODUCTION = {
  NODE_ENV: 'production', INTERNAL_TOKEN_SECRET: 'a-production-internal-token-secret-0123456789',
  HUBSPOT_APP_SECRET: 'a-production-hubspot-app-secret', SHOPIFY_WEBHOOK_SECRET: 'a-production-shopify-webhook-secret',
};

describe('SYNC_CRASH_POINT', () => {
  it('is honoured outside production and refused in production', () => {
    expect(readSyncConfig({ SYNC_CRASH_POINT: 'after-intent' }).crashPoint).toBe('after-intent');
    expect(readSyncConfig(PRODUCTION).crashPoint).toBeNull();
    expect(() => readSyncConfig({ ...PRODUCTION, SYNC_CRASH_POINT: 'after-intent' })).toThrow(REFUSAL);
  });

  it('stops the sync service from starting in production, with the reason on stderr', async () => {
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', SYNC_MAIN], {
      env: { ...process.env, ...PRODUCTION, SYNC_CRASH_POINT: 'mid-reconcile', SYNC_PORT: '0', SYNC_DB_PATH: ':memory:' },
    });
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining(REFUSAL) });
  });
});
