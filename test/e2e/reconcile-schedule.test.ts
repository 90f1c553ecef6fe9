/** The sync service runs reconciliation passes by itself: once at start, then every RECONCILE_INTERVAL_MS. */
import { describe, expect, it } from 'vitest';
import { useStack } from './harness.ts';

// Passes 8 s apart: the first starts with the sync service, before the gateway the test asks through is up,
// and on a loaded machine (the full suite) that took over 3 s, so the first answer was already the second pass.
const t = useStack({ env: { RECONCILE_INTERVAL_MS: '8000' } });

const lastPass = async () => (await t.gql('{ syncStatus { systems { system lastReconciliation { startedAt status recordsRead } } } }'))
  .body.data.syncStatus.systems.find((s: { system: string }) => s.system === 'CRM').lastReconciliation;

describe('scheduled reconciliation', () => {
  it('passes once at start over everything, then again on the interval from the cursors', async () => {
    // The pass the poll saw, not a later read: under load the next pass may have finished by then.
    let first: { startedAt: string; recordsRead: number } | undefined;
    await expect.poll(async () => (first = await lastPass())?.status, { timeout: 10_000, interval: 100 }).toBe('DONE');
    if (!first) throw new Error('no pass');
    expect(first.recordsRead).toBe(t.stack.dataset.hubspot.contacts.length);
    await expect.poll(async () => (await lastPass()).startedAt, { timeout: 20_000, interval: 100 }).not.toBe(first.startedAt);
    await expect.poll(async () => (await lastPass()).status, { timeout: 10_000, interval: 100 }).toBe('DONE');
    // From the cursors: only what changed within the lookback window, not every contact again.
    expect((await lastPass()).recordsRead).toBeLessThan(first.recordsRead);
    // What the scheduled passes found is in the report.
    const { body } = await t.gql('{ discrepancies(first: 1) { edges { node { kind } } } }');
    expect(body.data.discrepancies.edges).toHaveLength(1);
  }, 45_000);
});
