/**
 * The gateway's HTTP front door (node:http): POST/GET /graphql through Apollo Server, GET /health.
 * Assigns every request an id (kept from a well-formed x-request-id, else new) and echoes it back.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Logger } from './logger.ts';
import type { GatewayContext } from './context.ts';
import { FORWARDED_HEADERS } from './subgraph-data-source.ts';
import type { Authenticator } from './auth/authenticator.ts';
import { AuthenticationError, type Principal } from './auth/principal.ts';
import type { Authorizer, GraphQLRequestParts, GraphQLResponseBody } from './authz/authorizer.ts';
import type { AuditLog } from './audit/audit-log.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
/** Bodies above this are refused before parsing. */
const MAX_BODY_BYTES = 1_000_000;

export function createHttpServer(apollo: ApolloServer<GatewayContext>, pipeline: RequestPipeline, logger: Logger): Server {
  return createServer((req, res) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    const started = performance.now();
    res.on('finish', () => logger.info({ requestId, method: req.method, path: req.url?.split('?')[0], status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request'));
    route(apollo, pipeline, req, res, requestId).catch((err: unknown) => {
      logger.error({ requestId, err: err instanceof Error ? err.name : 'unknown' }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    });
  });
}

/** The per-request stages around Apollo: who is calling, what they may see, what gets audited. */
export interface RequestPipeline {
  authenticator: Authenticator;
  authorizer: Authorizer;
  audit: AuditLog;
}

async function route(apollo: ApolloServer<GatewayContext>, pipeline: RequestPipeline, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://gateway');
  if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
  if (url.pathname !== '/graphql') return sendJson(res, 404, { errors: [{ message: 'Not found. GraphQL is served at /graphql.', extensions: { code: 'NOT_FOUND' } }] });

  let body: Record<string, unknown> | undefined;
  if (req.method === 'POST') {
    const text = await readBody(req, MAX_BODY_BYTES);
    if (text === null) return sendJson(res, 413, { errors: [{ message: `The request body is larger than ${MAX_BODY_BYTES} bytes.`, extensions: { code: 'BAD_USER_INPUT' } }] });
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      return sendJson(res, 400, { errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_USER_INPUT' } }] });
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendJson(res, 400, { errors: [{ message: 'The request body must be a JSON object.', extensions: { code: 'BAD_USER_INPUT' } }] });
    }
  }

  let principal: Principal;
  try {
    principal = await pipeline.authenticator.authenticate(req.headers, url);
  } catch (err) {
    if (!(err instanceof AuthenticationError)) throw err;
    res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
    return sendJson(res, 401, { errors: [{ message: err.message, extensions: { code: 'UNAUTHENTICATED' } }] });
  }

  const authorized = pipeline.authorizer.authorize(body ?? fromSearch(url), principal);
  const search = body ? url.search : toSearch(url, authorized.request);
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(key, value);
  headers.set('x-request-id', requestId);

  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers, search, body: body && { ...body, ...authorized.request } },
    context: async () => ({ requestId, principal, incomingHeaders: forwardable(headers) }),
  });
  for (const [key, value] of result.headers) res.setHeader(key, value);
  res.statusCode = result.status ?? 200;
  let text = '';
  if (result.body.kind === 'complete') text = result.body.string;
  else for await (const chunk of result.body.asyncIterator) text += chunk;
  const finished = finish(text, authorized);
  if (finished) {
    if (finished.sensitive.fields.length > 0) pipeline.audit.record({ principal, requestId, ...finished.sensitive });
    text = JSON.stringify(finished.body);
    res.removeHeader('content-length');
  }
  res.end(text);
}

/** The authorizer's final touch on a JSON response; null when the body is not a GraphQL JSON object. */
function finish(text: string, authorized: ReturnType<Authorizer['authorize']>) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  return authorized.finish(parsed as GraphQLResponseBody);
}

/** A GET request's GraphQL parameters; malformed JSON is passed on for Apollo to refuse. */
function fromSearch(url: URL): GraphQLRequestParts {
  const json = (name: string) => {
    const raw = url.searchParams.get(name);
    try {
      return raw === null ? undefined : JSON.parse(raw);
    } catch {
      return undefined;
    }
  };
  return { query: url.searchParams.get('query') ?? undefined, operationName: url.searchParams.get('operationName'), variables: json('variables'), extensions: json('extensions') };
}

/** The GET search string carrying the authorized query in place of the client's. */
function toSearch(url: URL, request: GraphQLRequestParts): string {
  const params = new URLSearchParams(url.searchParams);
  if (request.query !== undefined) params.set('query', request.query);
  if (request.variables) params.set('variables', JSON.stringify(request.variables));
  return `?${params.toString()}`;
}

/** The allowlisted headers a subgraph may see. */
function forwardable(headers: HeaderMap): Map<string, string> {
  return new Map(FORWARDED_HEADERS.flatMap((name) => (headers.has(name) ? [[name, headers.get(name)!] as [string, string]] : [])));
}

/** The body as text, or null when it exceeds the limit. */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
