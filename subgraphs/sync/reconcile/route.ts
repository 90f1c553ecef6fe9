/**
 * `POST /admin/reconcile` on the sync subgraph: runs a pass and streams its progress as NDJSON, one
 * line per page ({"type":"progress",...}) and a last line with the summary ({"type":"summary",...})
 * or the error ({"type":"error","code","message"}). Callers authenticate like the gateway does, with
 * an internal token (aud "sync") that grants `sync:write`; `npm run sync` mints one.
 * Body (JSON, optional): { "since": ISO-8601 date or time, "dryRun": boolean }.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteHandler } from '../../shared/server.ts';
import { InternalAuthError, type InternalTokenVerifier } from '../../shared/internal-auth.ts';
import { parseJson, reply } from '../webhooks/http.ts';
import type { Reconciler } from './reconciler.ts';
import { errorCode } from '../failures.ts';

export const RECONCILE_SCOPE = 'sync:write';

export function reconcileRoute(reconciler: Reconciler, verify: InternalTokenVerifier): RouteHandler {
  return async (req: IncomingMessage, res: ServerResponse, rawBody: string) => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return reply(res, 405, { code: 'BAD_USER_INPUT', message: 'Start a pass with POST.' });
    }
    try {
      const principal = await verify(req.headers.authorization);
      if (!principal.scopes.has(RECONCILE_SCOPE)) return reply(res, 403, { code: 'FORBIDDEN', message: `Running a reconciliation pass needs the ${RECONCILE_SCOPE} scope.` });
    } catch (err) {
      if (!(err instanceof InternalAuthError)) throw err;
      return reply(res, 401, { code: 'UNAUTHENTICATED', message: err.message });
    }
    const body = rawBody.trim() ? parseJson(rawBody) : {};
    const input = readInput(body);
    if ('error' in input) return reply(res, 400, { code: 'BAD_USER_INPUT', message: input.error });

    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    const line = (value: object) => res.write(`${JSON.stringify(value)}\n`);
    try {
      const summary = await reconciler.run({ ...input, onProgress: (progress) => line({ type: 'progress', ...progress }) });
      line({ type: 'summary', summary });
    } catch (err) {
      const code = errorCode(err);
      // Coded errors carry our own wording; anything else is not described to the caller.
      line({ type: 'error', code: code ?? 'INTERNAL_SERVER_ERROR', message: code ? (err as Error).message : 'The pass failed with an internal error.' });
    }
    res.end();
  };
}

function readInput(body: unknown): { since: number | null; dryRun: boolean } | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { error: 'The body must be a JSON object.' };
  const { since, dryRun } = body as { since?: unknown; dryRun?: unknown };
  if (dryRun !== undefined && typeof dryRun !== 'boolean') return { error: '"dryRun" must be a boolean.' };
  if (since === undefined || since === null) return { since: null, dryRun: dryRun ?? false };
  const at = typeof since === 'string' && /^\d{4}-\d{2}-\d{2}/.test(since) ? Date.parse(since) : NaN;
  if (Number.isNaN(at)) return { error: '"since" must be an ISO-8601 date or date-time, e.g. 2026-11-20 or 2026-11-20T09:00:00Z.' };
  return { since: at, dryRun: dryRun ?? false };
}
