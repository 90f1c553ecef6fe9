/**
 * POST /graphiql/dev-token `{"scopes": [...]}` → `{"token": "..."}`: the development token button's
 * endpoint. It exists only outside production and only while the gateway accepts the public
 * development secret (gateway/auth/auth-config.ts), which anyone can sign with anyway (`npm run token`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEV_AUTH_HS256_SECRET, type AuthConfig } from '../auth/auth-config.ts';
import { signDevToken } from '../auth/dev-token.ts';
import { SCOPES } from '../auth/scopes.ts';
import { isJsonBody } from '../http/media-types.ts';
import { sendJson } from '../http/respond.ts';
import { readBody } from '../../subgraphs/shared/read-body.ts';

export const DEV_TOKEN_PATH = '/graphiql/dev-token';

/** Who the page's tokens are for: their `sub` and `client_id`. */
const SUBJECT = 'graphiql-developer';

/** Whether this gateway mints development tokens: not in production, and only with the development secret. */
export const mintsDevTokens = (production: boolean, auth: AuthConfig): boolean => !production && auth.hs256Secret === DEV_AUTH_HS256_SECRET;

/** Answers a POST to DEV_TOKEN_PATH; the caller checked mintsDevTokens. */
export async function answerDevToken(req: IncomingMessage, res: ServerResponse, auth: AuthConfig): Promise<void> {
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST {"scopes": [...]} to get a development token.' }, undefined, { allow: 'POST' });
  // A JSON body needs a CORS preflight from another origin: a page elsewhere cannot mint silently.
  if (!isJsonBody(req.headers['content-type'])) {
    req.resume();
    return sendJson(res, 415, { error: 'The body must be application/json.' });
  }
  const text = await readBody(req, 10_000);
  let scopes: unknown;
  try {
    scopes = (JSON.parse(text ?? '') as { scopes?: unknown }).scopes;
  } catch {
    return sendJson(res, 400, { error: 'The body must be {"scopes": [...]}.' });
  }
  const unknown = Array.isArray(scopes) ? scopes.filter((s) => !(SCOPES as readonly unknown[]).includes(s)) : null;
  if (!Array.isArray(scopes) || unknown === null) return sendJson(res, 400, { error: 'The body must be {"scopes": [...]}.' });
  if (unknown.length > 0) return sendJson(res, 400, { error: `Unknown scopes: ${unknown.map(String).join(', ')}. Known: ${SCOPES.join(', ')}.` });
  const token = await signDevToken(auth.hs256Secret!, { scopes: scopes as string[], subject: SUBJECT, clientId: 'graphiql', ttl: '1h', issuer: auth.issuer, audience: auth.audience });
  sendJson(res, 200, { token }, undefined, { 'cache-control': 'no-store' });
}
