/**
 * The sync subgraph: the mutations over the write adapters, the store (SQLite, or PostgreSQL at DATABASE_URL), and the outbox worker
 * that completes what requests left pending (including after a crash: opening the store releases
 * the previous process's intents). Also the webhook receivers (POST /webhooks/hubspot and
 * /webhooks/shopify, authenticated by signature) and the inbox worker that processes what they stored;
 * and the reconciliation (reconcile/): passes over each system's changes, the discrepancy report and
 * Query.syncStatus.
 */
import { hostname } from 'node:os';
import { readSubgraphSdl } from '../../schema/compose.ts';
import type { SubgraphOptions } from '../shared/server.ts';
import { createCrmWriteAdapter } from '../crm/write-adapter.ts';
import { createErpWriteAdapter } from '../erp/write-adapter.ts';
import { createOdooClient } from '../erp/client.ts';
import { createCommerceWriteAdapter } from '../commerce/write-adapter.ts';
import { createShopifyCostBucket } from '../commerce/cost-bucket.ts';
import { createSystemGates } from './pacing/gates.ts';
import { guardAdapters } from './pacing/guard-adapters.ts';
import type { SyncConfig } from './config.ts';
import type { Adapters } from './adapters.ts';
import { openSyncStore } from './store/open.ts';
import { startOutboxWorker, type OutboxWorker } from './outbox/outbox-worker.ts';
import { retryDelayMs } from './ticker.ts';
import { KeyedLock } from './writes/locks.ts';
import { createCrashHook } from './crash-points.ts';
import type { WriteContext } from './context.ts';
import { applyEntry } from './writes/operations.ts';
import { failureCode, recordFailure } from './failures.ts';
import { hubspotReceiver } from './webhooks/hubspot-receiver.ts';
import { shopifyReceiver } from './webhooks/shopify-receiver.ts';
import { startInboxWorker, type InboxWorker } from './webhooks/inbox-worker.ts';
import { createEventProcessor } from './webhooks/process-event.ts';
import type { InboxEventInput, SyncStore, WebhookSource } from './store/types.ts';
import { createResolvers, createRequestContext, type SyncRequestContext } from './resolvers.ts';
import { withDeadline } from '../shared/deadline.ts';
import { DateTimeScalar } from '../shared/scalars.ts';
import { createInternalTokenVerifier } from '../shared/internal-auth.ts';
import { createReconcileReaders } from './reconcile/readers.ts';
import { createShopEventCheck } from './reconcile/check-event.ts';
import { startReconciler, type Reconciler } from './reconcile/reconciler.ts';
import { reconcileRoute } from './reconcile/route.ts';
import { reconcileResolvers } from './reconcile/graph-resolvers.ts';
import { startSyncRetention } from './retention/sync-retention.ts';
import { DEFAULT_SHUTDOWN_GRACE_MS } from '../shared/graceful-close.ts';
import { createLogger, type Logger } from '../shared/logging/logger.ts';
import { logJob } from '../shared/logging/job-log.ts';
import { errorForLog } from '../shared/logging/sanitise-error.ts';
import { createSubgraphMetrics, type SubgraphMetrics } from '../shared/observability/subgraph-metrics.ts';
import { withMetricsScope } from '../shared/observability/request-scope.ts';
import { createSyncMetrics } from './observability/sync-metrics.ts';
import { observeSyncStore } from './observability/observe-store.ts';
import { countingDeliveries } from './observability/webhook-deliveries.ts';
import { syncObservability } from './observability/sync-observability.ts';
import { createHttpInvalidation, GATEWAY } from '../shared/record-cache/http-invalidation.ts';
import { invalidatingAdapters } from './record-invalidation/invalidating-adapters.ts';
import { webhookRecordKeys } from './record-invalidation/webhook-keys.ts';
import { answeringAfterInvalidation, trackPending } from './record-invalidation/pending-invalidations.ts';
import { openPgNotify } from '../shared/pg-notify/pg-notify.ts';
import { createPgInvalidation } from '../shared/record-cache/pg-invalidation.ts';
import { publishingAlso } from '../shared/record-cache/record-invalidation.ts';
import { announcingWork, wakeOnWork, WORK_TOPIC } from './replicas/work-announcements.ts';

export interface SyncService {
  subgraph: SubgraphOptions<SyncRequestContext>;
  worker: OutboxWorker;
  /** Processes the stored webhook events. */
  inbox: InboxWorker;
  /** The durable state (for tools and tests: the inbox, the outbox). */
  store: SyncStore;
  /** Reconciliation passes: on demand (POST /admin/reconcile, `npm run sync`) and on RECONCILE_INTERVAL_MS. */
  reconciler: Reconciler;
  /**
   * Stops the schedules (outbox and inbox workers, reconciliation, pruning) and waits for their current
   * batch to finish, at most the shutdown grace (SHUTDOWN_GRACE_MS). Nothing new starts after it.
   */
  stopWork(): Promise<void>;
  /** stopWork, then closes the database: call it once the HTTP server has stopped too. */
  close(): Promise<void>;
}

/** `logger` gets a line per worker job (outbox entry, inbox event, reconciliation pass, pruning run); by default one from LOG_LEVEL and LOG_FILE. */
export async function startSyncService(config: SyncConfig, now: () => number = Date.now, logger: Logger = createLogger({ service: 'sync', ...(config.listen.log ?? { level: 'info' }) })): Promise<SyncService> {
  // A replica on a fixed port keeps its name across restarts, so a restart lets go of what the killed run held at once.
  const replicaName = config.listen.port ? `${hostname()}:${config.listen.port}` : undefined;
  const opened = await openSyncStore(config, { now, idempotencyKeyTtlMs: config.retention.idempotencyKeyTtlMs, replicaName, leaseMs: config.leaseMs });
  // The workers' timers start inside this scope: their upstream calls count in the sync subgraph's metrics.
  const metrics = createSubgraphMetrics('sync');
  return withMetricsScope({ metrics }, () => buildSyncService(config, now, logger, metrics, opened));
}

function buildSyncService(config: SyncConfig, now: () => number, logger: Logger, metrics: SubgraphMetrics, opened: SyncStore): SyncService {
  const syncMetrics = createSyncMetrics(metrics.registry);
  // One gate per system for every call this service makes to it (pacing/): breaker, rate limit, the shop's cost bucket.
  const costBucket = createShopifyCostBucket(now);
  const gates = createSystemGates(config.outbox, costBucket, now);
  // With a shared database, replicas tell each other over LISTEN/NOTIFY: changed records, new work (replicas/).
  const channel = config.databaseUrl ? openPgNotify({ connectionString: config.databaseUrl, listen: [WORK_TOPIC], logger }) : null;
  const notifyFailed = (what: string) => (err: unknown) => logger.warn({ job: 'pg-notify', err: errorForLog(err) }, `announcing ${what} over PostgreSQL failed`);
  // Every write, on any path, then tells the read subgraphs' record caches what it changed (outside the gate: telling is no upstream call):
  // over HTTP to the configured subgraph (what a mutation waits for), and with a database to every replica too.
  const httpInvalidation = createHttpInvalidation({
    ...config.recordInvalidation, internalAuth: config.listen.internalAuth,
    onDelivery: (system, result, reason) => {
      syncMetrics.recordInvalidation(system, result);
      if (result === 'failed') {
        logger.warn({ job: 'record-invalidation', system, reason }, system === GATEWAY
          ? 'a gateway did not confirm dropping the answers made from changed records; it is asked again, else they stay kept until their TTL ends'
          : 'a read subgraph did not confirm dropping changed records; they stay cached until their TTL ends');
      }
    },
  });
  const invalidation = trackPending(channel ? publishingAlso(httpInvalidation, createPgInvalidation(channel, notifyFailed('changed records'))) : httpInvalidation);
  const adapters: Adapters = invalidatingAdapters(guardAdapters({
    crm: createCrmWriteAdapter(config.hubspot),
    erp: createErpWriteAdapter(createOdooClient(config.odoo)),
    commerce: createCommerceWriteAdapter(config.shopify, { costBucket }),
  }, gates), invalidation);
  const observed = observeSyncStore(opened, syncMetrics);
  const store = channel ? announcingWork(observed, channel, notifyFailed('new work')) : observed;
  const ctx: WriteContext = {
    adapters,
    store,
    lock: new KeyedLock(store, (err) => logger.warn({ job: 'record-lock', err: errorForLog(err) },
      'recording a superseded version for the other replicas failed; their waiters find it under the record lock instead')),
    lockWaitMs: config.deadline.lockWaitMs,
    // Full jitter from the first retry on, so writes that failed in one outage do not retry in step.
    firstRetryAt: () => now() + retryDelayMs(config.outbox.backoff, 0, Math.random),
    crash: createCrashHook(config.crashPoint),
    invalidation,
  };
  const readers = createReconcileReaders(config);
  const worker = startOutboxWorker({
    store,
    apply: (entry) => logJob(logger, 'outbox', { entryId: entry.id, intentId: entry.intentId, system: entry.system, attempt: entry.attempts + 1 }, () => applyEntry(entry, { adapters, store })),
    intervalMs: config.outbox.intervalMs,
    backoff: config.outbox.backoff,
    // With replicas, an intent a dead replica left OPEN is found once its hold has lapsed (2 leases).
    sweepMs: config.databaseUrl ? Math.min(60_000, config.leaseMs) : 60_000,
    gates,
    now,
    // A write's first failure is recorded where it happened (run-intent.ts); the worker adds refusals,
    // not each retry of an outage.
    onEvent: (event) => {
      if (event.type === 'failed') {
        recordFailure(store, now(), event.system, 'OUTBOX', event.code ?? 'INTERNAL_SERVER_ERROR').catch(() => logger.error({ job: 'outbox' }, 'recording a failure failed'));
      }
      if (event.type === 'tick-failed') logger.error({ job: 'outbox' }, 'outbox tick failed');
      if (event.type === 'failed' && event.code === 'VERSION_CONFLICT') syncMetrics.versionConflict('outbox');
    },
  });
  const processEvent = createEventProcessor(ctx, createShopEventCheck(ctx, readers, config.reconcile, now));
  const inbox = startInboxWorker({
    store,
    process: (event) => logJob(logger, 'inbox', { seq: event.seq, source: event.source, topic: event.topic, attempt: event.attempts + 1 }, () => processEvent(event)),
    onTickFailed: () => logger.error({ job: 'inbox' }, 'inbox tick failed'),
    intervalMs: config.webhooks.inbox.intervalMs,
    backoff: config.outbox.backoff,
    now,
  });
  if (channel) wakeOnWork(channel, { outbox: worker, inbox });
  const receiverDeps = { store, secrets: config.webhooks, now, wake: () => inbox.wake(), recordsChanged: (source: WebhookSource, events: InboxEventInput[]) => invalidation.publish(webhookRecordKeys(source, events)) };
  const reconciler = startReconciler(
    { ctx, readers, settings: config.reconcile, now },
    // A scheduled pass records its failures in the store (Query.syncStatus); every pass has its job line,
    // and one that fails is also noted as the scheduled one.
    { intervalMs: config.reconcile.intervalMs, onError: (err) => logger.warn({ job: 'reconcile', code: failureCode(err) }, 'scheduled reconciliation pass failed'), logger },
  );
  const mutations = createResolvers(ctx, { store, now, waitMs: config.idempotencyWaitMs, pollMs: 25 });
  const graph = reconcileResolvers(ctx, now, gates);
  const retention = startSyncRetention(store, config.retention, now, (table, err) => logger.error({ job: 'prune', table, err: errorForLog(err) }, 'pruning failed'), logger);
  let stopping: Promise<void> | null = null;
  const stopWork = (): Promise<void> => {
    stopping ??= withinGrace(Promise.all([reconciler.stop(), inbox.stop(), worker.stop(), retention.stop()]), config.listen.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
    return stopping;
  };
  return {
    subgraph: {
      name: 'sync',
      sdl: readSubgraphSdl('sync'),
      resolvers: {
        ...graph, DateTime: DateTimeScalar, Query: { ...graph.Query, ...mutations.Query },
        Mutation: answeringAfterInvalidation({
          ...mutations.Mutation,
          // resolveDiscrepancy writes through updateCustomer's path: the same deadline applies.
          resolveDiscrepancy: (parent: unknown, args: Parameters<typeof graph.Mutation.resolveDiscrepancy>[1], request: SyncRequestContext) =>
            withDeadline(request.deadline, () => graph.Mutation.resolveDiscrepancy(parent, args)),
        }, invalidation),
      },
      context: createRequestContext(config.deadline),
      observability: syncObservability(metrics, syncMetrics, store, gates, now),
      routes: {
        '/webhooks/hubspot': countingDeliveries('HUBSPOT', hubspotReceiver(receiverDeps), syncMetrics),
        '/webhooks/shopify': countingDeliveries('SHOPIFY', shopifyReceiver(receiverDeps), syncMetrics),
        '/admin/reconcile': reconcileRoute(reconciler, createInternalTokenVerifier('sync', config.listen.internalAuth)),
      },
    },
    worker,
    inbox,
    store,
    reconciler,
    stopWork,
    close: async () => {
      await stopWork();
      await Promise.all([store.close(), channel?.close()]);
    },
  };
}

/** Resolves when `work` settles or after `graceMs`, whichever is first (a batch past the deadline is abandoned: the outbox repeats it after a restart). */
async function withinGrace(work: Promise<unknown>, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs); });
  await Promise.race([work.then(() => undefined, () => undefined), deadline]);
  clearTimeout(timer);
}
