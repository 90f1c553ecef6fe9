import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The PostgreSQL tests' server: the one DATABASE_URL names, else a throwaway one for the run.
    globalSetup: ['test/setup/log-scan.ts', 'test/setup/postgres.ts'],
    // Validates and strips extensions.requestId from gateway errors, so tests compare error shapes as before.
    setupFiles: ['test/setup/request-ids.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each e2e file starts its own stand-ins, subgraphs and gateway on port 0; two cores, so keep files few at a time.
    maxWorkers: 2,
    // No scheduled reconciliation passes in tests: a test runs its passes itself (and child processes inherit this).
    env: { RECONCILE_INTERVAL_MS: '0' },
  },
});
