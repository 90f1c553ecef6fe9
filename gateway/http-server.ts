/**
 * The gateway's HTTP front door (node:http): GET /health, and GraphQL over HTTP at /graphql through
 * these stages, each refusing what it must before the next runs:
 *
 * 1. media types and parameters (406, 405, 415, 413, 400: gateway/http/);
 * 2. authentication (401);
 * 3. admission: a slot among the operations running at once, or 503 OVERLOADED with Retry-After
 *    (gateway/limits/admission/);
 * 4. the operation: parse, validate, shape limits, page sizes, cost (gateway/operation/);
 * 5. the caller's cost budget (429 with Retry-After: gateway/limits/cost-budget.ts);
 * 6. field authorization, execution through Apollo (the authorizer's finish on its response object,
 *    plugins/finish-response.ts), the response size cap, and the audit log.
 *
 * Assigns every request an id and a trace context (subgraphs/shared/logging/trace-context.ts), echoes
 * the id back, forwards both to the subgraphs, puts the id in every error the client sees, and logs one
 * line per request (request-log.ts).
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Logger } from './logger.ts';
import type { GatewayContext } from './context.ts';
import { FORWARDED_HEADERS } from './subgraph-data-source.ts';
import type { Authenticator } from './auth/authenticator.ts';
import { AuthenticationError, type Principal } from './auth/principal.ts';
import type { Authorizer, GraphQLRequestParts, GraphQLResponseBody, SensitiveAccess } from './authz/authorizer.ts';
import type { AuditLog } from './audit/audit-log.ts';
import { codedError } from '../schema/errors.ts';
import { formatGatewayError } from './format-error.ts';
import type { OperationPreparer } from './operation/prepare-operation.ts';
import type { CostBudget } from './limits/cost-budget.ts';
import type { AdmissionControl } from './limits/admission/admission-control.ts';
import { OVERLOADED_STATUS, overloadedError, overloadedHeaders } from './limits/admission/overloaded-error.ts';
import { readGraphQLParams } from './http/graphql-params.ts';
import { runKind } from './limits/admission/run-kind.ts';
import { sentToSubgraphs } from './subgraph-transport/subgraph-sends.ts';
import { responseMediaType, type ResponseMediaType } from './http/media-types.ts';
import { refusalOf, refusalStatus, sendErrors, sendJson } from './http/respond.ts';
import { runInScope, currentScope } from '../subgraphs/shared/logging/request-scope.ts';
import { traceIdentity } from '../subgraphs/shared/logging/trace-context.ts';
import { errorForLog } from '../subgraphs/shared/logging/sanitise-error.ts';
import { stampRequestId } from './request-log.ts';
import { logRequestLine } from '../subgraphs/shared/logging/request-line.ts';
import { introspectionRefusal } from './authz/introspection-access.ts';
import type { GraphiQLRoutes } from './graphiql/graphiql-routes.ts';
import type { InternalRoute } from './answer-cache/hear-changes.ts';

/** Bodies above this are refused before parsing. */
const MAX_BODY_BYTES = 1_000_000;

/** `observe` wraps the handler (gateway/observability: /metrics, /healthz, /readyz, request metrics). */
export function createHttpServer(apollo: ApolloServer<GatewayContext>, pipeline: RequestPipeline, logger: Logger, observe: (handler: RequestListener) => RequestListener = (h) => h): Server {
  return createServer(observe((req, res) => runInScope(traceIdentity(req.headers), (scope) => {
    const { requestId } = scope;
    res.setHeader('x-request-id', requestId);
    logRequestLine(logger, req, res, scope, refusalOf);
    // CORS headers on every answer; a preflight is answered here and goes no further.
    if (pipeline.cors(req, res)) return;
    route(apollo, pipeline, req, res, requestId).catch((err: unknown) => {
      logger.error({ requestId, err: errorForLog(err) }, 'request failed');
      if (!res.headersSent) sendErrors(res, 500, [codedError('INTERNAL_SERVER_ERROR', 'Internal error.')]);
    });
  })));
}

/** The per-request stages around Apollo: who is calling, what they may run and see, what they spend, what gets audited. */
export interface RequestPipeline {
  authenticator: Authenticator;
  /** Operations running at once and the short wait for a slot (gateway/limits/admission/). */
  admission: AdmissionControl;
  prepare: OperationPreparer;
  budget: CostBudget;
  authorizer: Authorizer;
  audit: AuditLog;
  /** Largest response body sent; a larger one is replaced by RESPONSE_TOO_LARGE. */
  maxResponseBytes: number;
  /** Sets CORS headers; true when it answered a preflight itself (gateway/http/cors.ts). */
  cors: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** GraphiQL's page, files and dev-token endpoint; null when GRAPHIQL is off. */
  graphiql: GraphiQLRoutes | null;
  /** Routes for the gateway's own services (the answer cache's invalidation), checking an internal token. */
  internal?: InternalRoute;
}

async function route(apollo: ApolloServer<GatewayContext>, pipeline: RequestPipeline, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://gateway');
  if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
  if (pipeline.graphiql && await pipeline.graphiql(req, res, url)) return;
  if (pipeline.internal && await pipeline.internal(req, res, url)) return;
  if (url.pathname !== '/graphql') return sendErrors(res, 404, [codedError('NOT_FOUND', 'Not found. GraphQL is served at /graphql.')]);

  const mediaType = responseMediaType(req.headers.accept);
  if (!mediaType) {
    req.resume();
    return sendErrors(res, 406, [codedError('BAD_USER_INPUT', 'The Accept header allows neither application/graphql-response+json nor application/json.')]);
  }
  // Decided at the door, before the body is read and the token checked: under overload the cheapest
  // answer is the best one, and one given late is a timeout by another name.
  const arrival = pipeline.admission.arrive();
  if (!arrival) {
    req.resume();
    return sendErrors(res, OVERLOADED_STATUS, [overloadedError()], mediaType, overloadedHeaders());
  }
  let caller: Caller | null;
  try {
    caller = await readCaller(pipeline, req, res, url, mediaType);
  } catch (err) {
    arrival.leave();
    throw err;
  }
  if (!caller) return arrival.leave();

  // The slot itself is taken after the checks that cost next to nothing (media type, a body read to its
  // cap, the token) and before the ones that cost CPU (parse, validation, cost) and the budget: a refusal
  // here parses nothing and spends nothing, and a client trickling its body never holds a slot.
  const slot = await arrival.admit(() => req.socket.destroyed);
  if ('refused' in slot) {
    if (slot.refused === 'gone') return;
    return sendErrors(res, OVERLOADED_STATUS, [overloadedError()], mediaType, overloadedHeaders());
  }
  let operation: object | undefined;
  try {
    operation = await operate(apollo, pipeline, req, res, requestId, mediaType, caller.params, caller.principal);
  } finally {
    slot.release(operation && runKind(operation, sentToSubgraphs(currentScope()!)));
  }
}

interface Caller {
  params: GraphQLRequestParts;
  principal: Principal;
}

/** The request's parameters and who sends it; null once it has been refused (the answer is sent). */
async function readCaller(pipeline: RequestPipeline, req: IncomingMessage, res: ServerResponse, url: URL, mediaType: ResponseMediaType): Promise<Caller | null> {
  const read = await readGraphQLParams(req, url, MAX_BODY_BYTES);
  if ('refusal' in read) {
    sendErrors(res, read.refusal.status, [read.refusal.error], mediaType, read.refusal.headers);
    return null;
  }
  try {
    return { params: read.params, principal: await pipeline.authenticator.authenticate(req.headers, url) };
  } catch (err) {
    if (!(err instanceof AuthenticationError)) throw err;
    sendErrors(res, 401, [codedError('UNAUTHENTICATED', err.message)], mediaType, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return null;
  }
}

/** An admitted operation, from its parse to its answer; its kind (the parsed operation) when it ran, for admission control's run times. */
async function operate(apollo: ApolloServer<GatewayContext>, pipeline: RequestPipeline, req: IncomingMessage, res: ServerResponse, requestId: string, mediaType: ResponseMediaType, params: GraphQLRequestParts, principal: Principal): Promise<object | undefined> {
  const prepared = pipeline.prepare(params, req.method ?? 'GET');
  if ('refused' in prepared) {
    const { status, headers } = refusalStatus(prepared.refused, mediaType);
    sendErrors(res, status, prepared.errors, mediaType, headers);
    return undefined;
  }
  const introspection = introspectionRefusal(prepared.document, prepared.operation, principal);
  if (introspection) {
    sendErrors(res, 403, [introspection], mediaType);
    return undefined;
  }
  const spent = await pipeline.budget.spend(principal, prepared.cost);
  // The caller's budget on every answer (IETF RateLimit header fields), and what this operation cost.
  res.setHeader('ratelimit-limit', spent.budget);
  res.setHeader('ratelimit-remaining', spent.remaining);
  res.setHeader('ratelimit-reset', spent.resetSeconds);
  res.setHeader('x-query-cost', prepared.cost);
  if (!spent.allowed) {
    const error = codedError('RATE_LIMITED', `This operation costs ${prepared.cost} points and ${spent.remaining} of this caller's ${spent.budget} per minute are left; retry in ${spent.resetSeconds} s.`, { cost: prepared.cost, retryAfter: spent.resetSeconds });
    sendErrors(res, 429, [error], mediaType, { 'retry-after': String(spent.resetSeconds) });
    return undefined;
  }

  // Always set: createServer runs every request inside its scope.
  const scope = currentScope()!;
  scope.operationName = prepared.operation.name?.value;
  const authorized = pipeline.authorizer.authorize(params, principal, prepared);
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(key, value);
  headers.set('x-request-id', requestId);
  // Handed to Apollo as a JSON POST whatever the client used: the door has read, checked and authorized
  // the request (a GET's content type or form encoding means nothing past this point).
  headers.set('content-type', 'application/json');
  // What the authorizer's finish found served that the audit must record (set once Apollo's response is finished).
  const served: { sensitive?: SensitiveAccess } = {};
  const finishResponse = (body: GraphQLResponseBody) => {
    const finished = authorized.finish(body);
    served.sensitive = finished.sensitive;
    return stampRequestId(finished.body, scope);
  };
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers, search: '', body: authorized.request },
    context: async () => ({ requestId, principal, incomingHeaders: forwardable(headers), finishResponse }),
  });
  for (const [key, value] of result.headers) res.setHeader(key, value);
  res.statusCode = result.status ?? 200;
  let text = '';
  if (result.body.kind === 'complete') text = result.body.string;
  else for await (const chunk of result.body.asyncIterator) text += chunk;
  // A response over the cap is never sent (nor audited: nothing of it was served).
  if (Buffer.byteLength(text) > pipeline.maxResponseBytes) {
    const error = codedError('RESPONSE_TOO_LARGE', `The response is larger than ${pipeline.maxResponseBytes} bytes: ask for fewer records or fields.`);
    sendJson(res, 200, { data: null, errors: [formatGatewayError(error.toJSON())] }, mediaType);
    return prepared.operation;
  }
  // With AUDIT_FLUSH_MS=0 this waits for the write: nothing audited is sent before it is on record.
  if (served.sensitive && served.sensitive.fields.length > 0) await pipeline.audit.record({ principal, requestId, ...served.sensitive });
  res.removeHeader('content-length');
  res.end(text);
  return prepared.operation;
}

/** The allowlisted headers a subgraph may see. */
function forwardable(headers: HeaderMap): Map<string, string> {
  return new Map(FORWARDED_HEADERS.flatMap((name) => (headers.has(name) ? [[name, headers.get(name)!] as [string, string]] : [])));
}
