/**
 * Runs one Federation 2 subgraph over node:http: POST/GET /graphql and GET /health. Shared by the four
 * subgraphs so each entry point only wires its schema, resolvers and per-request context.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse } from 'graphql';
import { readBody } from './read-body.ts';
import { formatSubgraphError } from './format-error.ts';
import { fieldErrorsPlugin } from './field-errors.ts';
import { enforceScopes } from './scopes.ts';
import { createInternalTokenVerifier, InternalAuthError, withPrincipal, type InternalAuthConfig } from './internal-auth.ts';
import { DEFAULT_SHUTDOWN_GRACE_MS, gracefulCloser } from './graceful-close.ts';
import { createLogger, silentLogger, type Logger, type LogSettings } from './logging/logger.ts';
import { runInScope } from './logging/request-scope.ts';
import { answerHeaders } from './record-cache/answer-dependencies.ts';
import { withMetricsScope } from './observability/request-scope.ts';
import { traceIdentity } from './logging/trace-context.ts';
import { errorForLog } from './logging/sanitise-error.ts';
import { loggingFormatter, logSubgraphRequest, noteOperationName } from './logging/subgraph-request-log.ts';
import { observeSubgraph, type SubgraphObservability } from './observability/observe-subgraph.ts';

export interface SubgraphOptions<Context extends BaseContext> {
  name: string;
  sdl: string;
  resolvers: GraphQLResolverMap<Context>;
  /** Builds the per-request context (fresh DataLoaders) for one HTTP request. */
  context: (req: IncomingMessage) => Promise<Context> | Context;
  /**
   * Other HTTP endpoints of this process, by exact path (e.g. webhook receivers, which authenticate
   * by signature, not by the gateway's internal token). They get the raw body and answer themselves.
   */
  routes?: Record<string, RouteHandler>;
  /** Like routes, for other processes of this system only: the server checks the internal token first (401 without it). */
  internalRoutes?: Record<string, RouteHandler>;
  /** Metrics made by the service, readiness checks beyond the server's own (GET /metrics, /healthz, /readyz). */
  observability?: SubgraphObservability;
  /**
   * Work beside the requests (e.g. listening for other replicas' news), started with the server's
   * logger before it accepts requests; resolves to its stop, awaited by close().
   */
  background?: (logger: Logger) => Promise<() => Promise<void>>;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, rawBody: string) => Promise<void>;

export interface RunningSubgraph {
  name: string;
  url: string;
  port: number;
  /** Stops accepting, lets the requests in flight finish (up to the shutdown grace), then stops. */
  close(): Promise<void>;
}

/** Where to listen (port 0 and loopback by default) and the key of the gateway's internal tokens. */
export interface SubgraphListenOptions {
  port?: number;
  host?: string;
  internalAuth: InternalAuthConfig;
  /** How long close() waits for the requests in flight before cutting them. Default DEFAULT_SHUTDOWN_GRACE_MS. */
  shutdownGraceMs?: number;
  /** One line per request and every masked error (logging/); else one made from `log`; else silent. */
  logger?: Logger;
  log?: LogSettings;
}

export async function startSubgraph<Context extends BaseContext>(
  options: SubgraphOptions<Context>, listen: SubgraphListenOptions,
): Promise<RunningSubgraph> {
  const verifyInternalToken = createInternalTokenVerifier(options.name, listen.internalAuth);
  const logger = listen.logger ?? (listen.log ? createLogger({ service: options.name, ...listen.log }) : silentLogger());
  const formatError = loggingFormatter(logger, formatSubgraphError);
  const observability = observeSubgraph<Context>(options.name, options.observability);
  // enforceScopes: the SDL's @requiresScopes rules, checked against the internal token's caller (scopes.ts).
  const schema = enforceScopes(buildSubgraphSchema({ typeDefs: parse(options.sdl), resolvers: options.resolvers as GraphQLResolverMap<unknown> }));
  const apollo = new ApolloServer<Context>({
    schema,
    // fieldErrorsPlugin: errors resolvers report beside a value (see field-errors.ts). Cache control off:
    // no type carries a hint, so every answer was `no-store` anyway (the gateway reads a missing header the
    // same way), and its per-field hook made Apollo wrap every resolver of the schema.
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginLandingPageDisabled(), fieldErrorsPlugin<Context>(formatError), observability.plugin],
    includeStacktraceInErrorResponses: false,
    formatError,
    // The entry points own SIGINT/SIGTERM and close the HTTP server too; Apollo's own handlers would
    // stop only Apollo and then re-raise the signal, killing the process before that (exit 143).
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  // observability.wrap serves /metrics, /healthz and /readyz and counts the rest; each request runs in its trace scope.
  const server: Server = createServer(observability.wrap((req, res) => runInScope(traceIdentity(req.headers), async (scope) => {
    res.setHeader('x-request-id', scope.requestId);
    logSubgraphRequest(logger, req, res, scope);
    const url = new URL(req.url ?? '/', 'http://subgraph');
    if (url.pathname === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', subgraph: options.name }));
      return;
    }
    const internalRoute = options.internalRoutes?.[url.pathname];
    if (internalRoute && !(await verifyInternalToken(req.headers.authorization).then(() => true, () => false))) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'This route serves only the gateway\'s own services: no valid internal token.' }));
      return;
    }
    const route = internalRoute ?? options.routes?.[url.pathname];
    if (route) {
      // A body the sender aborted or sent malformed must not reject out of the request handler (an
      // unhandled rejection ends the process, and webhook routes face the internet).
      const rawBody = await readBody(req, MAX_BODY_BYTES).catch((err: unknown) => {
        logger.warn({ requestId: scope.requestId, path: url.pathname, err: errorForLog(err) }, 'request body unreadable');
        return undefined;
      });
      if (rawBody === undefined) {
        if (!res.headersSent && !res.destroyed) res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'The request body could not be read.' }));
        return;
      }
      if (rawBody === null) return tooLarge(res);
      await route(req, res, rawBody).catch((err: unknown) => {
        logger.error({ requestId: scope.requestId, path: url.pathname, err: errorForLog(err) }, 'route failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Internal error.' }));
      });
      return;
    }
    if (url.pathname !== '/graphql') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Not found' }));
      return;
    }
    let principal;
    try {
      principal = await verifyInternalToken(req.headers.authorization);
    } catch (err) {
      const message = err instanceof InternalAuthError ? err.message : 'The internal token could not be verified.';
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] }));
      return;
    }
    try {
      const text = req.method === 'POST' ? await readBody(req, MAX_BODY_BYTES) : '';
      if (text === null) return tooLarge(res);
      const body = req.method === 'POST' ? JSON.parse(text || '{}') : undefined;
      noteOperationName(body ?? Object.fromEntries(url.searchParams));
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(key, value);
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => withPrincipal(await options.context(req), principal),
      });
      for (const [key, value] of result.headers) res.setHeader(key, value);
      res.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        // What the answer was made from, for the gateway's answer cache (record-cache/answer-dependencies.ts).
        for (const [key, value] of Object.entries(answerHeaders(scope.answer))) res.setHeader(key, value);
        res.end(result.body.string);
      }
      else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_USER_INPUT' } }] }));
    }
  })));
  const closeGracefully = gracefulCloser(server);
  // In the server's metrics scope, so that what it counts lands in this server's registry.
  const stopBackground = await withMetricsScope({ metrics: observability.metrics }, async () => options.background?.(logger));
  server.keepAliveTimeout = 65_000;
  // A port already in use rejects here (with EADDRINUSE) instead of crashing the process.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, listen.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err) => {
    await stopBackground?.();
    throw err;
  });
  const { port } = server.address() as AddressInfo;
  return {
    name: options.name,
    url: `http://${listen.host ?? '127.0.0.1'}:${port}/graphql`,
    port,
    close: async () => {
      await closeGracefully(listen.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
      await Promise.all([apollo.stop(), stopBackground?.()]);
    },
  };
}

/** Request bodies above this are refused with 413 before they are held in memory. */
const MAX_BODY_BYTES = 1_000_000;

const tooLarge = (res: ServerResponse) =>
  res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: `The request body is larger than ${MAX_BODY_BYTES} bytes.`, extensions: { code: 'BAD_USER_INPUT' } }] }));
