/** Query.syncStatus: per system, from the store and the systems' gates (no upstream is called). */
import type { FeedName, RunSystemStats, SyncStore, WebhookSource, WriteSystem } from '../store/types.ts';
import type { SystemGates } from '../pacing/guard-adapters.ts';

const SYSTEMS: WriteSystem[] = ['CRM', 'ERP', 'COMMERCE'];
/** The webhook sender of each system; the ERP (Odoo) sends none. */
const WEBHOOKS: Partial<Record<WriteSystem, WebhookSource>> = { CRM: 'HUBSPOT', COMMERCE: 'SHOPIFY' };
const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export async function syncOverview(store: SyncStore, now: number, gates: SystemGates) {
  const [webhooks, outbox, cursors, run] = await Promise.all([store.lastWebhookReceived(), store.outboxStats(now), store.cursors(), store.lastRun({ wet: true })]);
  return {
    systems: SYSTEMS.map((system) => {
      const source = WEBHOOKS[system];
      const stats: RunSystemStats | undefined = run?.stats[system];
      return {
        system,
        lastWebhookAt: source ? iso(webhooks[source]) : null,
        breaker: gates[system].breaker(),
        cursors: cursors.filter((c) => feedSystem(c.feed) === system)
          .map((c) => ({ feed: c.feed, position: iso(c.position), updatedAt: iso(c.updatedAt) })),
        lastReconciliation: run && {
          startedAt: iso(run.startedAt), finishedAt: iso(run.finishedAt), status: run.status,
          recordsRead: stats?.read ?? 0, changesPropagated: stats?.propagated ?? 0,
          discrepanciesFound: stats?.discrepanciesFound ?? 0, discrepanciesResolved: stats?.discrepanciesResolved ?? 0, failures: stats?.failures ?? 0,
        },
        outbox: {
          pending: outbox[system].pending,
          oldestPendingAgeSeconds: outbox[system].oldestPendingAgeMs === null ? null : outbox[system].oldestPendingAgeMs / 1000,
        },
        recentFailures: async ({ first }: { first?: number | null }) =>
          (await store.recentFailures(system, Math.max(0, Math.min(first ?? 10, 100)))).map((f) => ({ ...f, at: iso(f.at) })),
      };
    }),
  };
}

const feedSystem = (feed: FeedName): WriteSystem => feed.split(':')[0] as WriteSystem;
