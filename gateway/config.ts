/**
 * The gateway's configuration, read once from env at start-up, validated, and passed down.
 * Every setting has a default that works on a developer's machine (see the README's table).
 */
import { fileURLToPath } from 'node:url';
import { SUBGRAPH_NAMES, type SubgraphName } from '../schema/subgraphs.ts';
import { readInternalAuthConfig, readShutdownGraceMs } from '../subgraphs/shared/config.ts';
import { readDatabaseUrl } from '../subgraphs/shared/database-url.ts';
import { envInteger } from '../subgraphs/shared/env-integer.ts';
import { readLogSettings, type LogSettings } from '../subgraphs/shared/logging/logger.ts';
import type { InternalAuthConfig } from '../subgraphs/shared/internal-auth.ts';
import { readAuthConfig, type AuthConfig } from './auth/auth-config.ts';
import { readCorsConfig, type CorsConfig } from './http/cors.ts';
import { DEFAULT_COST_BUDGET_PER_MINUTE, DEFAULT_LIMITS, type CostBudgets, type OperationLimits } from './limits/limits.ts';
import { DEFAULT_ADMISSION, type AdmissionSettings } from './limits/admission/admission-settings.ts';
import type { AnswerCacheConfig } from './answer-cache/answer-cache.ts';

export interface GatewayConfig {
  port: number;
  host: string;
  /** Where each subgraph serves GraphQL; the supergraph's own URLs are placeholders. */
  subgraphUrls: Record<SubgraphName, string>;
  /** Per-request timeout for a call to a subgraph. */
  subgraphTimeoutMs: number;
  /** Path of the composed supergraph SDL. */
  supergraphPath: string;
  logLevel: string;
  /** LOG_FILE: append the log here instead of writing it to stdout. */
  logFile?: string;
  production: boolean;
  /** How client tokens are verified (AUTH_*). */
  auth: AuthConfig;
  /** The gateway's own key for its internal tokens to the subgraphs (INTERNAL_TOKEN_SECRET). */
  internalAuth: InternalAuthConfig;
  /**
   * DATABASE_URL: a PostgreSQL database (postgres://…) shared by every gateway replica for the audit log
   * and the per-caller cost budgets; null for the audit log's SQLite file and budgets in memory.
   */
  databaseUrl: string | null;
  /** SQLite file of the audit log of personal and financial data served (AUDIT_DB_PATH); unused with databaseUrl. */
  auditDbPath: string;
  /** How long audit records are kept before the gateway deletes them (AUDIT_RETENTION_DAYS). */
  auditRetentionMs: number;
  /** How long an audit record may wait to be written with others (AUDIT_FLUSH_MS; 0: each before its response is sent). */
  auditFlushMs: number;
  /** On SIGTERM, how long requests in flight may take to finish before they are cut (SHUTDOWN_GRACE_MS). */
  shutdownGraceMs: number;
  /** The front door's limits on one operation (MAX_QUERY_*, MAX_PAGE_SIZE, MAX_RESPONSE_BYTES). */
  limits: OperationLimits;
  /** Cost points per caller per minute (COST_BUDGET_PER_MINUTE, COST_BUDGETS). */
  costBudgets: CostBudgets;
  /** Operations running at once and the wait for a slot (ADMISSION_*). */
  admission: AdmissionSettings;
  /**
   * Whether connections are accepted by a process of their own that refuses them at once while the
   * gateway takes them in too slowly (GATEWAY_ACCEPTOR, on by default; gateway/acceptor/). Off, the
   * gateway listens itself.
   */
  acceptor: boolean;
  /** Whether browsers get GraphiQL at / and /graphql (GRAPHIQL; on in development, off in production). */
  graphiql: boolean;
  /** Which other origins' pages may call the gateway (CORS_ORIGINS). */
  cors: CorsConfig;
  /** The cache of subgraph answers (GATEWAY_ANSWER_CACHE_TTL_MS, 0: off; GATEWAY_ANSWER_CACHE_MAX_BYTES). */
  answerCache: AnswerCacheConfig;
}

/** .data/audit.db in the project folder: where `npm start` and `npm run audit` meet with zero configuration. */
export const defaultAuditPath = (): string => fileURLToPath(new URL('../.data/audit.db', import.meta.url));

const DAY_MS = 24 * 60 * 60 * 1000;

const DEFAULT_SUBGRAPH_PORTS: Record<SubgraphName, number> = { crm: 4001, erp: 4002, commerce: 4003, social: 4004, sync: 4005 };

export function readGatewayConfig(env: NodeJS.ProcessEnv, defaults: { supergraphPath: string }): GatewayConfig {
  const subgraphUrls = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [
    name,
    env[`${name.toUpperCase()}_SUBGRAPH_URL`] ?? `http://127.0.0.1:${DEFAULT_SUBGRAPH_PORTS[name]}/graphql`,
  ])) as Record<SubgraphName, string>;
  for (const [name, url] of Object.entries(subgraphUrls)) {
    if (!URL.canParse(url)) throw new Error(`${name.toUpperCase()}_SUBGRAPH_URL must be a URL: ${url}`);
  }
  const limits = readLimits(env);
  const production = env.NODE_ENV === 'production';
  return {
    port: envInteger(env, 'PORT', 4000, { min: 0, max: 65535 }),
    host: env.HOST ?? '127.0.0.1',
    subgraphUrls,
    subgraphTimeoutMs: envInteger(env, 'SUBGRAPH_TIMEOUT_MS', 10_000, { min: 1, max: 600_000 }),
    supergraphPath: env.SUPERGRAPH_PATH ?? defaults.supergraphPath,
    ...logSettings(readLogSettings(env)),
    production,
    auth: readAuthConfig(env),
    internalAuth: readInternalAuthConfig(env),
    databaseUrl: readDatabaseUrl(env),
    auditDbPath: env.AUDIT_DB_PATH ?? defaultAuditPath(),
    auditRetentionMs: envInteger(env, 'AUDIT_RETENTION_DAYS', 365, { min: 1, max: 36_500 }) * DAY_MS,
    auditFlushMs: envInteger(env, 'AUDIT_FLUSH_MS', 1_000, { min: 0, max: 60_000 }),
    answerCache: {
      ttlMs: envInteger(env, 'GATEWAY_ANSWER_CACHE_TTL_MS', 30_000, { min: 0, max: 24 * 60 * 60_000 }),
      maxBytes: envInteger(env, 'GATEWAY_ANSWER_CACHE_MAX_BYTES', 32 * 1024 * 1024, { min: 1024 }),
    },
    shutdownGraceMs: readShutdownGraceMs(env),
    limits,
    costBudgets: readCostBudgets(env, limits.maxCost),
    admission: readAdmission(env),
    acceptor: readBoolean(env, 'GATEWAY_ACCEPTOR', true),
    graphiql: readBoolean(env, 'GRAPHIQL', !production),
    cors: readCorsConfig(env, production),
  };
}

/** `name`: `true` or `false`; unset or empty, `fallback`. */
function readBoolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false') throw new Error(`${name} must be true or false: ${raw}`);
  return raw === 'true';
}

/** COST_BUDGET_PER_MINUTE and COST_BUDGETS; none may be below MAX_QUERY_COST, or an allowed operation could never run. */
function readCostBudgets(env: NodeJS.ProcessEnv, maxCost: number): CostBudgets {
  const budgets = { perMinute: envInteger(env, 'COST_BUDGET_PER_MINUTE', DEFAULT_COST_BUDGET_PER_MINUTE, { min: 1, max: 1e9 }), ...readBudgetOverrides(env.COST_BUDGETS ?? '') };
  const smallest = Math.min(budgets.perMinute, ...budgets.byClient.values(), ...budgets.byScope.values());
  if (smallest < maxCost) throw new Error(`Cost budgets must be at least MAX_QUERY_COST (${maxCost}): ${smallest}`);
  return budgets;
}

/** Each limit from its env variable, else its default (gateway/limits/limits.ts). */
function readLimits(env: NodeJS.ProcessEnv): OperationLimits {
  const d = DEFAULT_LIMITS;
  return {
    maxTokens: envInteger(env, 'MAX_QUERY_TOKENS', d.maxTokens, { min: 10, max: 1e6 }),
    maxDepth: envInteger(env, 'MAX_QUERY_DEPTH', d.maxDepth, { min: 1, max: 1000 }),
    maxAliases: envInteger(env, 'MAX_QUERY_ALIASES', d.maxAliases, { min: 0, max: 1e5 }),
    maxRootFields: envInteger(env, 'MAX_ROOT_FIELDS', d.maxRootFields, { min: 1, max: 1e5 }),
    maxDirectives: envInteger(env, 'MAX_QUERY_DIRECTIVES', d.maxDirectives, { min: 0, max: 1e5 }),
    maxValidationErrors: envInteger(env, 'MAX_VALIDATION_ERRORS', d.maxValidationErrors, { min: 1, max: 1000 }),
    maxPageSize: envInteger(env, 'MAX_PAGE_SIZE', d.maxPageSize, { min: 1, max: 100 }),
    maxCost: envInteger(env, 'MAX_QUERY_COST', d.maxCost, { min: 1, max: 1e9 }),
    maxResponseBytes: envInteger(env, 'MAX_RESPONSE_BYTES', d.maxResponseBytes, { min: 1000, max: 1e9 }),
  };
}

/** ADMISSION_*: each setting, else its default (gateway/limits/admission/admission-settings.ts). */
function readAdmission(env: NodeJS.ProcessEnv): AdmissionSettings {
  const d = DEFAULT_ADMISSION;
  const maxConcurrent = envInteger(env, 'ADMISSION_MAX_CONCURRENT', d.maxConcurrent, { min: 1, max: 100_000 });
  return {
    minConcurrent: envInteger(env, 'ADMISSION_MIN_CONCURRENT', Math.min(d.minConcurrent, maxConcurrent), { min: 1, max: maxConcurrent }),
    maxConcurrent,
    latencyTargetMs: envInteger(env, 'ADMISSION_LATENCY_TARGET_MS', d.latencyTargetMs, { min: 1, max: 600_000 }),
    maxWaitMs: envInteger(env, 'ADMISSION_MAX_WAIT_MS', d.maxWaitMs, { min: 0, max: 600_000 }),
    loopDelayTargetMs: envInteger(env, 'ADMISSION_LOOP_DELAY_TARGET_MS', d.loopDelayTargetMs, { min: 1, max: 600_000 }),
  };
}

/** COST_BUDGETS: comma-separated `client:<client id>=<points>` and `scope:<scope>=<points>` overrides. */
function readBudgetOverrides(raw: string): Pick<CostBudgets, 'byClient' | 'byScope'> {
  const byClient = new Map<string, number>();
  const byScope = new Map<string, number>();
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const match = /^(client|scope):([^=\s]+)=(\d+)$/.exec(entry);
    if (!match || Number(match[3]) < 1) throw new Error(`COST_BUDGETS entries must look like client:<id>=<points> or scope:<scope>=<points>: ${entry}`);
    (match[1] === 'client' ? byClient : byScope).set(match[2], Number(match[3]));
  }
  return { byClient, byScope };
}

const logSettings = ({ level, file }: LogSettings) => ({ logLevel: level, ...(file && { logFile: file }) });
