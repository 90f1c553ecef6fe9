/** The sync subgraph's settings: the upstreams it writes to, its database, the outbox worker's pace. */
import { fileURLToPath } from 'node:url';
import { readListenConfig, type SubgraphListenConfig } from '../shared/config.ts';
import { envInteger } from '../shared/env-integer.ts';
import { readDatabaseUrl } from '../shared/database-url.ts';
import type { UpstreamConfig } from '../shared/upstream-http.ts';
import { readCrmConfig } from '../crm/config.ts';
import { readErpConfig, type OdooConfig } from '../erp/config.ts';
import { readCommerceConfig } from '../commerce/config.ts';
import type { CrashPoint } from './crash-points.ts';
import { readDeadlineConfig, type DeadlineConfig } from './deadline-config.ts';
import { readRecordInvalidationConfig, type RecordInvalidationConfig } from './record-invalidation/config.ts';

export interface SyncConfig {
  hubspot: UpstreamConfig;
  odoo: OdooConfig;
  shopify: UpstreamConfig;
  /** SQLite file with intents, the outbox and idempotency keys (created on first start); unused with databaseUrl. */
  databasePath: string;
  /** DATABASE_URL: a PostgreSQL database (postgres://…) shared by every sync replica instead of the file; null for the file. */
  databaseUrl: string | null;
  /**
   * SYNC_LEASE_MS, with DATABASE_URL: how long a replica's claim on an outbox entry or webhook event
   * lasts if it dies holding it; a request's hold on its intent and an idempotency key IN_PROGRESS last
   * twice as long (longer than a write's deadline). Then another replica takes the work over.
   */
  leaseMs: number;
  outbox: OutboxConfig;
  /** How long a repeated idempotency key waits for the first request before IDEMPOTENCY_KEY_IN_USE. */
  idempotencyWaitMs: number;
  /** The timeout table of a write (deadline-config.ts). */
  deadline: DeadlineConfig;
  webhooks: WebhookConfig;
  reconcile: ReconcileConfig;
  retention: RetentionConfig;
  /** Where the read subgraphs' record caches hear of changed records (CRM_SUBGRAPH_URL…, RECORD_INVALIDATION_TIMEOUT_MS). */
  recordInvalidation: RecordInvalidationConfig;
  /** Test hook: SIGKILL this process when it reaches this point (SYNC_CRASH_POINT); refused in production. */
  crashPoint: CrashPoint | null;
  listen: SubgraphListenConfig;
}

/** The outbox worker's pace and the per-system pacing (pacing/). */
export interface OutboxConfig {
  intervalMs: number;
  backoff: { baseMs: number; maxMs: number };
  /** Per system: outages in a row that open its breaker, and how long it stays open. */
  breaker: { failureThreshold: number; cooldownMs: number };
  /** Writes to one system the outbox applies at once. */
  concurrency: number;
}

/** The webhook receivers' secrets and the inbox worker's pace. */
export interface WebhookConfig {
  /** The HubSpot app's client secret (X-HubSpot-Signature-v3). */
  hubspotAppSecret: string;
  /** The Shopify app's webhook secret (X-Shopify-Hmac-Sha256). */
  shopifySecret: string;
  /**
   * The public base URL the senders post to (e.g. behind a proxy), for the URI HubSpot signs; null:
   * rebuilt from the request as http://<Host header><path>.
   */
  publicUrl: string | null;
  inbox: { intervalMs: number };
}

/** The reconciliation pass's schedule and rules. */
export interface ReconcileConfig {
  /** Run a pass this often inside the process; 0: only on demand (`npm run sync`). */
  intervalMs: number;
  /** How far before its cursor each feed re-reads (search indexes lag behind writes; Odoo stamps a transaction's start). */
  lookbackMs: number;
  /** How long a shop order may go without an ERP sales order before it is a discrepancy. */
  orderGraceMs: number;
  /** Customers compared at once. */
  concurrency: number;
}

/** How long each kind of state is kept, and how the service prunes it (retention/). */
export interface RetentionConfig {
  /** Completed intents with their outbox entries (OUTBOX_RETENTION_DAYS). */
  outboxMs: number;
  /** Processed webhook events (INBOX_RETENTION_DAYS); their bodies are dropped as soon as they are processed. */
  inboxMs: number;
  /** Resolved discrepancies (DISCREPANCY_RETENTION_DAYS); open ones are kept. */
  discrepanciesMs: number;
  /** Idempotency keys, from their first claim (IDEMPOTENCY_KEY_TTL_HOURS). */
  idempotencyKeyTtlMs: number;
  /** How often the service prunes (PRUNE_INTERVAL_MS) and how many rows one transaction deletes (PRUNE_BATCH_SIZE). */
  intervalMs: number;
  batchSize: number;
}

/** Development defaults, known to everyone (the stand-ins sign with them), hence refused in production. */
export const DEV_HUBSPOT_APP_SECRET = 'dev-hubspot-app-secret';
export const DEV_SHOPIFY_WEBHOOK_SECRET = 'dev-shopify-webhook-secret';

const DEFAULT_DATABASE = fileURLToPath(new URL('../../.data/gateway.db', import.meta.url));
const CRASH_POINTS: CrashPoint[] = ['after-intent', 'after-lead-write', 'after-crm-create', 'mid-reconcile'];
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Upstreams as for their read subgraphs (HUBSPOT_*, ODOO_*, SHOPIFY_*), plus SYNC_DB_PATH, DATABASE_URL, SYNC_LEASE_MS,
 * OUTBOX_INTERVAL_MS, OUTBOX_BACKOFF_BASE_MS, OUTBOX_BACKOFF_MAX_MS, BREAKER_FAILURES, BREAKER_COOLDOWN_MS,
 * OUTBOX_CONCURRENCY, IDEMPOTENCY_WAIT_MS, SYNC_PORT,
 * HUBSPOT_APP_SECRET, SHOPIFY_WEBHOOK_SECRET, WEBHOOK_PUBLIC_URL, INBOX_INTERVAL_MS, RECONCILE_INTERVAL_MS,
 * RECONCILE_LOOKBACK_MS, ORDER_GRACE_MS, RECONCILE_CONCURRENCY, OUTBOX_RETENTION_DAYS, INBOX_RETENTION_DAYS,
 * DISCREPANCY_RETENTION_DAYS, IDEMPOTENCY_KEY_TTL_HOURS, PRUNE_INTERVAL_MS, PRUNE_BATCH_SIZE, SHUTDOWN_GRACE_MS,
 * CRM_SUBGRAPH_URL, ERP_SUBGRAPH_URL, COMMERCE_SUBGRAPH_URL, RECORD_INVALIDATION_TIMEOUT_MS, SYNC_CRASH_POINT (tests only).
 */
export function readSyncConfig(env: NodeJS.ProcessEnv): SyncConfig {
  const deadline = readDeadlineConfig(env);
  return {
    hubspot: readCrmConfig(env).hubspot,
    odoo: readErpConfig(env).odoo,
    shopify: readCommerceConfig(env).shopify,
    databasePath: env.SYNC_DB_PATH ?? DEFAULT_DATABASE,
    databaseUrl: readDatabaseUrl(env),
    leaseMs: readLeaseMs(env, deadline),
    outbox: {
      intervalMs: envInteger(env, 'OUTBOX_INTERVAL_MS', 1000, { min: 1 }),
      backoff: { baseMs: envInteger(env, 'OUTBOX_BACKOFF_BASE_MS', 500, { min: 1 }), maxMs: envInteger(env, 'OUTBOX_BACKOFF_MAX_MS', 60_000, { min: 1 }) },
      breaker: { failureThreshold: envInteger(env, 'BREAKER_FAILURES', 5, { min: 1 }), cooldownMs: envInteger(env, 'BREAKER_COOLDOWN_MS', 30_000, { min: 1 }) },
      concurrency: envInteger(env, 'OUTBOX_CONCURRENCY', 8, { min: 1 }),
    },
    idempotencyWaitMs: envInteger(env, 'IDEMPOTENCY_WAIT_MS', 10_000, { min: 1 }),
    deadline,
    webhooks: readWebhookConfig(env),
    reconcile: {
      intervalMs: envInteger(env, 'RECONCILE_INTERVAL_MS', 5 * 60_000, { min: 0 }),
      lookbackMs: envInteger(env, 'RECONCILE_LOOKBACK_MS', 2 * 60_000, { min: 0 }),
      orderGraceMs: envInteger(env, 'ORDER_GRACE_MS', 24 * 60 * 60_000, { min: 0 }),
      concurrency: envInteger(env, 'RECONCILE_CONCURRENCY', 8, { min: 1 }),
    },
    retention: {
      outboxMs: envInteger(env, 'OUTBOX_RETENTION_DAYS', 30, { min: 1 }) * DAY_MS,
      inboxMs: envInteger(env, 'INBOX_RETENTION_DAYS', 30, { min: 1 }) * DAY_MS,
      discrepanciesMs: envInteger(env, 'DISCREPANCY_RETENTION_DAYS', 30, { min: 1 }) * DAY_MS,
      idempotencyKeyTtlMs: envInteger(env, 'IDEMPOTENCY_KEY_TTL_HOURS', 24, { min: 1 }) * HOUR_MS,
      intervalMs: envInteger(env, 'PRUNE_INTERVAL_MS', 5 * 60_000, { min: 1 }),
      batchSize: envInteger(env, 'PRUNE_BATCH_SIZE', 500, { min: 1 }),
    },
    recordInvalidation: readRecordInvalidationConfig(env),
    crashPoint: readCrashPoint(env),
    listen: readListenConfig(env, 'SYNC', 4005),
  };
}

/** A request's hold (twice the lease) must outlast its deadline, or another replica would apply its writes while it still does. */
function readLeaseMs(env: NodeJS.ProcessEnv, deadline: DeadlineConfig): number {
  const leaseMs = envInteger(env, 'SYNC_LEASE_MS', 60_000, { min: 1 });
  if (2 * leaseMs <= deadline.defaultMs) throw new Error(`SYNC_LEASE_MS (${leaseMs}) must be more than half of SYNC_DEADLINE_MS (${deadline.defaultMs}).`);
  return leaseMs;
}

/** SYNC_CRASH_POINT kills the process on purpose: a test hook, refused outright in production. */
function readCrashPoint(env: NodeJS.ProcessEnv): CrashPoint | null {
  const crashPoint = env.SYNC_CRASH_POINT || null;
  if (crashPoint === null) return null;
  if (env.NODE_ENV === 'production') {
    throw new Error('SYNC_CRASH_POINT is a test hook and is refused in production mode (NODE_ENV=production): unset it.');
  }
  if (!CRASH_POINTS.includes(crashPoint as CrashPoint)) throw new Error(`SYNC_CRASH_POINT must be one of ${CRASH_POINTS.join(', ')}: ${crashPoint}`);
  return crashPoint as CrashPoint;
}

function readWebhookConfig(env: NodeJS.ProcessEnv): WebhookConfig {
  const publicUrl = env.WEBHOOK_PUBLIC_URL || null;
  if (publicUrl !== null && !/^https?:\/\/[^/]+/.test(publicUrl)) throw new Error(`WEBHOOK_PUBLIC_URL must be an http(s) URL: ${publicUrl}`);
  return {
    hubspotAppSecret: secret(env, 'HUBSPOT_APP_SECRET', DEV_HUBSPOT_APP_SECRET),
    shopifySecret: secret(env, 'SHOPIFY_WEBHOOK_SECRET', DEV_SHOPIFY_WEBHOOK_SECRET),
    publicUrl: publicUrl?.replace(/\/+$/, '') ?? null,
    inbox: { intervalMs: envInteger(env, 'INBOX_INTERVAL_MS', 1000, { min: 1 }) },
  };
}

function secret(env: NodeJS.ProcessEnv, name: string, devDefault: string): string {
  const value = env[name] || devDefault;
  if (env.NODE_ENV === 'production' && value === devDefault) {
    throw new Error(`${name} must be set in production mode (NODE_ENV=production): the development default is public.`);
  }
  return value;
}
