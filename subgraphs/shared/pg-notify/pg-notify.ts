/**
 * PostgreSQL LISTEN/NOTIFY between the replicas that share one database (DATABASE_URL): what one
 * replica must tell the others, e.g. records it changed (caches drop them) or work it queued (idle
 * workers look now). A message is a JSON array of items, split over notifications under the payload
 * limit (payloads.ts). Channels are named per topic and per search_path, so stacks in different
 * schemas of one database never hear each other.
 *
 * Listening holds one connection of its own (LISTEN lives in its session), reopened with backoff
 * when it drops. Notifications sent meanwhile are lost, so the `onListening` handlers run after every
 * (re)connect, the first included, to catch up (drop what may be stale, look for work). Sending uses
 * a small pool of its own. Counted in the metrics of the server whose scope opened it
 * (subgraph_replica_notifications_total, subgraph_replica_listen_failures_total).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../logging/logger.ts';
import { errorForLog } from '../logging/sanitise-error.ts';
import { currentMetrics } from '../observability/request-scope.ts';
import { packPayloads, unpackPayload } from './payloads.ts';

export interface PgNotifyOptions {
  connectionString: string;
  /** Topics to LISTEN on; none: this process only sends, and opens no listening connection. */
  listen: readonly string[];
  logger: Logger;
  /** Backoff between reconnect attempts (doubling, with jitter). Default 100 ms to 5 s. */
  retry?: { minMs: number; maxMs: number };
}

export type NotificationHandler = (items: unknown[]) => void;

export interface PgNotify {
  /** Sends the items to every listener of `topic` (this process's too); resolves with the items too large to send, rejects when the database fails. */
  notify(topic: string, items: readonly unknown[]): Promise<unknown[]>;
  /** Calls `handler` with the items of each notification on `topic` (one of `listen`); returns the unsubscribe. */
  on(topic: string, handler: NotificationHandler): () => void;
  /** Calls `handler` after each successful LISTEN: at first, and after every reconnect. */
  onListening(handler: () => void): () => void;
  /** Resolves once listening for the first time (never rejects: the connection keeps being retried). */
  listening(): Promise<void>;
  close(): Promise<void>;
}

/** Also the connection's application_name, so an operator (or a test) can find it in pg_stat_activity. */
export const LISTENER_NAME = 'gateway-notify-listener';

/**
 * `gw_<topic>_<hash of the search_path>`: equal for every process whose URL names the same schemas,
 * however each quotes them (unquoted names fold to lower case, as PostgreSQL folds them).
 */
export function channelName(topic: string, searchPath: string): string {
  const schemas = searchPath.split(',').map((s) => s.trim()).map((s) => (/^".*"$/.test(s) ? s.slice(1, -1).replace(/""/g, '"') : s.toLowerCase()));
  return `gw_${topic}_${createHash('sha256').update(schemas.join(',')).digest('hex').slice(0, 16)}`;
}

const SEARCH_PATH = `SELECT current_setting('search_path') AS path`;

export function openPgNotify(options: PgNotifyOptions): PgNotify {
  const { connectionString, logger } = options;
  // Captured now: the connection's events do not all run in the scope that opened it.
  const metrics = currentMetrics();
  const retry = options.retry ?? { minMs: 100, maxMs: 5000 };
  const handlers = new Map<string, Set<NotificationHandler>>(options.listen.map((topic) => [topic, new Set()]));
  const listeningHandlers = new Set<() => void>();

  const pool = new pg.Pool({ connectionString, max: 2, idleTimeoutMillis: 10_000 });
  // An idle client whose connection drops emits here; the next query reconnects.
  pool.on('error', () => undefined);
  let searchPath: Promise<string> | null = null;
  const senderPath = (): Promise<string> => {
    searchPath ??= pool.query<{ path: string }>(SEARCH_PATH).then((r) => r.rows[0].path, (err) => {
      searchPath = null;
      throw err;
    });
    return searchPath;
  };

  let closed = false;
  let client: pg.Client | null = null;
  let channels = new Map<string, string>();
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let firstListen: () => void = () => undefined;
  const first = new Promise<void>((resolve) => { firstListen = resolve; });

  const dispatch = (channel: string, payload: string | undefined): void => {
    const topic = channels.get(channel);
    const items = unpackPayload(payload);
    if (!topic || !items) return;
    metrics?.replicaNotification(topic, 'received');
    for (const handler of handlers.get(topic) ?? []) safely(() => handler(items));
  };

  const lost = (err: unknown): void => {
    if (closed) return;
    // One line (and one count) per outage, not per attempt.
    if (failures === 0) {
      metrics?.listenFailure();
      logger.warn({ job: 'pg-notify', err: errorForLog(err) }, 'the LISTEN connection to PostgreSQL failed; reconnecting (meanwhile caches keep records until their TTL ends and workers poll)');
    }
    failures += 1;
    const delayMs = Math.min(retry.maxMs, retry.minMs * 2 ** (failures - 1)) * (0.5 + Math.random() / 2);
    timer = setTimeout(connect, delayMs);
    timer.unref();
  };

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString, application_name: LISTENER_NAME, keepAlive: true, connectionTimeoutMillis: 5000 });
    // An error is followed by 'end' (or by the failed connect below): that is where it is handled.
    let lastError: unknown = null;
    next.on('error', (err) => { lastError = err; });
    next.on('notification', (message) => dispatch(message.channel, message.payload));
    try {
      await next.connect();
      const { rows: [{ path }] } = await next.query<{ path: string }>(SEARCH_PATH);
      channels = new Map(options.listen.map((topic) => [channelName(topic, path), topic]));
      for (const channel of channels.keys()) await next.query(`LISTEN ${next.escapeIdentifier(channel)}`);
    } catch (err) {
      await next.end().catch(() => undefined);
      return lost(err);
    }
    if (closed) return void await next.end().catch(() => undefined);
    client = next;
    next.once('end', () => {
      if (client !== next) return;
      client = null;
      lost(lastError ?? new Error('The LISTEN connection ended.'));
    });
    if (failures > 0) logger.info({ job: 'pg-notify', attempts: failures }, 'listening to PostgreSQL again');
    failures = 0;
    firstListen();
    for (const handler of listeningHandlers) safely(handler);
  }

  if (options.listen.length) void connect();
  else firstListen();

  return {
    async notify(topic, items) {
      const { payloads, oversize } = packPayloads(items);
      if (!payloads.length) return oversize;
      await pool.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [channelName(topic, await senderPath()), payloads]);
      for (let i = 0; i < payloads.length; i++) metrics?.replicaNotification(topic, 'sent');
      return oversize;
    },
    on(topic, handler) {
      const set = handlers.get(topic);
      if (!set) throw new Error(`Not listening on ${topic}: name it in options.listen.`);
      set.add(handler);
      return () => void set.delete(handler);
    },
    onListening(handler) {
      listeningHandlers.add(handler);
      return () => void listeningHandlers.delete(handler);
    },
    listening: () => first,
    async close() {
      closed = true;
      clearTimeout(timer);
      const open = client;
      client = null;
      await Promise.all([open?.end().catch(() => undefined), pool.end().catch(() => undefined)]);
    },
  };
}

/** A handler that throws must not stop the others, nor the connection's event loop. */
function safely(work: () => void): void {
  try {
    work();
  } catch {
    // The handler's own module reports its failures.
  }
}
