/**
 * How the gateway hears which records changed, to drop the answers made from them (answer-cache.ts):
 * - POST /internal/record-invalidation ({ "keys": [...] }, an internal token for "gateway" required),
 *   which the sync service calls beside the read subgraphs' (GATEWAY_URL in its env) for every write
 *   and webhook, and awaits before a mutation answers;
 * - with DATABASE_URL, the same announcements as the read subgraphs over PostgreSQL LISTEN/NOTIFY, from
 *   every sync replica (after a reconnect: everything dropped, since news may have been missed);
 * - and for writes relayed by this gateway, the mutation's own answer (CHANGED_KEYS_HEADER, answer-cache.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createInternalTokenVerifier, type InternalAuthConfig } from '../../subgraphs/shared/internal-auth.ts';
import { readBody } from '../../subgraphs/shared/read-body.ts';
import { INVALIDATION_PATH } from '../../subgraphs/shared/record-cache/http-invalidation.ts';
import { readInvalidation } from '../../subgraphs/shared/record-cache/invalidation-route.ts';
import { openPgNotify } from '../../subgraphs/shared/pg-notify/pg-notify.ts';
import { createPgInvalidation, RECORDS_TOPIC } from '../../subgraphs/shared/record-cache/pg-invalidation.ts';
import type { Logger } from '../logger.ts';
import type { AnswerCache } from './answer-cache.ts';

/** The audience of the internal tokens the sync service signs for the gateway. */
export const GATEWAY_AUDIENCE = 'gateway';

const MAX_BODY_BYTES = 1_000_000;

/** Answers the internal route (true) or leaves the request to the next handler (false). */
export type InternalRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export function invalidationRoute(cache: AnswerCache, internalAuth: InternalAuthConfig): InternalRoute {
  const verify = createInternalTokenVerifier(GATEWAY_AUDIENCE, internalAuth);
  return async (req, res, url) => {
    if (url.pathname !== INVALIDATION_PATH) return false;
    const json = (status: number, message: string) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message }));
    if (!(await verify(req.headers.authorization).then(() => true, () => false))) {
      req.resume();
      json(401, 'This route serves only the gateway\'s own services: no valid internal token.');
      return true;
    }
    if (req.method !== 'POST') {
      req.resume();
      res.writeHead(405, { allow: 'POST' }).end();
      return true;
    }
    const news = readInvalidation(await readBody(req, MAX_BODY_BYTES).catch(() => null));
    if (!news) json(400, 'The body is not { "keys": [...] }.');
    else {
      cache.drop(news.keys, { ownersDropped: news.ownersDropped });
      res.writeHead(204).end();
    }
    return true;
  };
}

/** With a database: drops what any sync replica announces; resolves to the stop. */
export function listenForChanges(cache: AnswerCache, databaseUrl: string, logger: Logger): () => Promise<void> {
  const channel = openPgNotify({ connectionString: databaseUrl, listen: [RECORDS_TOPIC], logger });
  // Every replica of the owning subgraphs hears this at the same moment as the gateway, not before it.
  createPgInvalidation(channel, () => undefined).subscribe((keys) => cache.drop(keys, { ownersDropped: false }));
  return () => channel.close();
}
