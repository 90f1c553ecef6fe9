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

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
/** Bodies above this are refused before parsing. */
const MAX_BODY_BYTES = 1_000_000;

export function createHttpServer(apollo: ApolloServer<GatewayContext>, logger: Logger): Server {
  return createServer((req, res) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    const started = performance.now();
    res.on('finish', () => logger.info({ requestId, method: req.method, path: req.url?.split('?')[0], status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request'));
    route(apollo, req, res, requestId).catch((err: unknown) => {
      logger.error({ requestId, err: err instanceof Error ? err.name : 'unknown' }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    });
  });
}

async function route(apollo: ApolloServer<GatewayContext>, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://gateway');
  if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
  if (url.pathname !== '/graphql') return sendJson(res, 404, { errors: [{ message: 'Not found. GraphQL is served at /graphql.', extensions: { code: 'NOT_FOUND' } }] });

  let body: unknown;
  if (req.method === 'POST') {
    const text = await readBody(req, MAX_BODY_BYTES);
    if (text === null) return sendJson(res, 413, { errors: [{ message: `The request body is larger than ${MAX_BODY_BYTES} bytes.`, extensions: { code: 'BAD_USER_INPUT' } }] });
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      return sendJson(res, 400, { errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_USER_INPUT' } }] });
    }
  }
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(key, value);
  headers.set('x-request-id', requestId);

  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
    context: async () => ({ requestId, incomingHeaders: forwardable(headers) }),
  });
  for (const [key, value] of result.headers) res.setHeader(key, value);
  res.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    res.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
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
