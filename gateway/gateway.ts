/**
 * Builds and starts the gateway: Apollo Server 5 + @apollo/gateway over the checked-in supergraph,
 * reaching each subgraph at the URL from config (the supergraph's own URLs are placeholders).
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import type { GatewayConfig } from './config.ts';
import type { GatewayContext } from './context.ts';
import { SubgraphDataSource } from './subgraph-data-source.ts';
import { reusingInternalTokens } from '../subgraphs/shared/reused-internal-tokens.ts';
import { InFlightReads } from './subgraph-transport/in-flight-reads.ts';
import { AnswerCache } from './answer-cache/answer-cache.ts';
import { invalidationRoute, listenForChanges } from './answer-cache/hear-changes.ts';
import { createUnavailableResponder } from './subgraph-failure/unavailable-response.ts';
import { formatGatewayError } from './format-error.ts';
import { createHttpServer } from './http-server.ts';
import { openAcceptor, type Acceptor } from './acceptor/acceptor.ts';
import { oncePer } from './once-per.ts';
import { noticingOverload } from './limits/admission/overload-signal.ts';
import { overloadedAnswer } from './limits/admission/overloaded-error.ts';
import type { GatewayMetrics } from './observability/gateway-metrics.ts';
import { createAuthenticator } from './auth/authenticator.ts';
import { createInternalTokenSigner } from '../subgraphs/shared/internal-token-signer.ts';
import { authorizerFor } from './authz/authorizer.ts';
import { readScopeRules } from './authz/scope-rules.ts';
import { apiSchemaOf, supergraphForPlanning } from './authz/planning-supergraph.ts';
import { createOperationPreparer } from './operation/prepare-operation.ts';
import { createCostBudget } from './limits/cost-budget.ts';
import { createAdmissionControl } from './limits/admission/admission-control.ts';
import { watchEventLoop } from './limits/admission/event-loop-load.ts';
import { estimateCost, readCostRules } from './limits/cost/index.ts';
import { openGatewayState } from './database/gateway-state.ts';
import { startAuditRetention } from './audit/audit-retention.ts';
import { gracefulCloser } from '../subgraphs/shared/graceful-close.ts';
import { hideInternalErrorsPlugin } from './plugins/hide-internal-errors.ts';
import { finishResponsePlugin } from './plugins/finish-response.ts';
import { installCompiledShaping } from './result-shaping/install.ts';
import type { Logger } from './logger.ts';
import { errorForLog } from '../subgraphs/shared/logging/sanitise-error.ts';
import { createGatewayObservability } from './observability/index.ts';
import { createCorsHandler } from './http/cors.ts';
import { createGraphiQLRoutes } from './graphiql/graphiql-routes.ts';
import { currentScope } from '../subgraphs/shared/logging/request-scope.ts';
import type { SubgraphName } from '../schema/subgraphs.ts';
import { boundedDocumentStore } from './apollo-document-store.ts';

/** Apollo's query plans kept, in MiB of their JSON (its default, 30, is about twice that in the heap; a plan per rewritten document). */
const QUERY_PLAN_STORE_MIB = 8;

export interface RunningGateway {
  url: string;
  port: number;
  /** Stops accepting, lets the requests in flight finish (up to SHUTDOWN_GRACE_MS), then stops and closes the audit log and the database. */
  close(): Promise<void>;
}

/** While PostgreSQL is out every budget check falls back: one log line per this interval, not one per request. */
const BUDGET_FALLBACK_LOG_MS = 30_000;
/**
 * Connections the kernel holds for the gateway before it accepts them (capped by net.core.somaxconn).
 * Node's default, 511, overflows when a burst of new connections arrives while the loop is busy: the
 * kernel then drops their SYNs, and the clients send them again 1 s, 3 s, 7 s later, so a request that
 * admission would have refused in a millisecond is answered seconds late. Queued instead, it is read
 * (and refused or admitted) as soon as the loop gets to it.
 */
const LISTEN_BACKLOG = 4096;
/**
 * How many connections may wait for the gateway to take them in (one per turn of its loop) while it is
 * not refusing requests: a burst of new clients that large is taken in; past it new ones are refused at
 * once, as at the start of a flood, before admission control has refused anything (gateway/acceptor/).
 */
const ACCEPTOR_MAX_BURST = 64;

export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  // @apollo/gateway otherwise sends usage metrics to Apollo and probes cloud metadata endpoints
  // (AWS, GCP, Azure) at construction; a gateway in front of personal data phones nobody. It reads
  // only this env variable, so it is set here rather than left to each deployment.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const supergraphSdl = readFileSync(config.supergraphPath, 'utf8');
  const internalToken = reusingInternalTokens(createInternalTokenSigner(config.internalAuth));
  const whenUnavailable = createUnavailableResponder(supergraphSdl);
  // Built before anything starts: a limit the schema cannot live with refuses to start here.
  const apiSchema = apiSchemaOf(supergraphSdl);
  const costRules = readCostRules(supergraphSdl);
  const observability = createGatewayObservability();
  const prepare = createOperationPreparer(apiSchema, config.limits, (document, operation, variables) => estimateCost(apiSchema, costRules, document, operation, variables),
    (hit) => observability.metrics.cacheLookup('document', hit));
  const reads = new InFlightReads((joined) => observability.metrics.cacheLookup('subgraph_in_flight', joined));
  const answers = new AnswerCache(config.answerCache, (hit) => observability.metrics.cacheLookup('subgraph_answer', hit), () => reads.writeSettled());
  installCompiledShaping();
  const gateway = new ApolloGateway({
    // Without the @requiresScopes rules, which the authorizer enforces before planning.
    supergraphSdl: supergraphForPlanning(supergraphSdl),
    buildService: ({ name }) => new SubgraphDataSource(name, config.subgraphUrls[name as SubgraphName], config.subgraphTimeoutMs, internalToken, whenUnavailable, reads, config.answerCache.ttlMs > 0 ? answers : null),
    logger: { debug: () => {}, info: (m) => logger.info(String(m)), warn: (m) => logger.warn(String(m)), error: (m) => logger.error(String(m)) },
    experimental_approximateQueryPlanStoreMiB: QUERY_PLAN_STORE_MIB,
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    documentStore: boundedDocumentStore(),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      observability.plugin,
      // Errors at paths through @inaccessible fields (fetched only for @requires) never reach clients.
      hideInternalErrorsPlugin<GatewayContext>(supergraphSdl, (error) =>
        logger.warn({ requestId: currentScope()?.requestId, path: error.path, code: error.extensions?.code, serviceName: error.extensions?.serviceName }, 'error at an internal field hidden from the client')),
      // Last: the authorizer finishes the response every other plugin left.
      finishResponsePlugin(),
    ],
    includeStacktraceInErrorResponses: false,
    // A masked error leaves one line saying what failed (its class, code, path and stack; never its
    // message, which may quote personal data), under the request id the client got, so
    // INTERNAL_SERVER_ERROR is never a dead end. One a subgraph masked was logged by that subgraph.
    formatError: (formatted, error) => {
      const shaped = formatGatewayError(formatted);
      if (shaped.extensions?.code === 'INTERNAL_SERVER_ERROR' && !maskedBySubgraph(formatted)) {
        logger.error({ requestId: shaped.extensions.requestId, path: formatted.path, code: formatted.extensions?.code, serviceName: formatted.extensions?.serviceName, err: errorForLog(error) }, 'masked an internal error');
      }
      return shaped;
    },
    // Introspection stays on for GraphiQL and tooling; the front door lets only tokens with schema:read
    // run it (gateway/authz/introspection-access.ts).
    introspection: true,
    // Off: a hash-only request would run a stored query text the authorizer never saw, and a
    // rewritten query no longer matches the client's hash. Clients fall back to sending the query.
    persistedQueries: false,
    // The front door already refuses what a cross-site "simple" request can be: a POST body that is not
    // application/json is 415, and nothing runs without an Authorization header, which a browser only
    // sends cross-site after a CORS preflight. Apollo's own check would also refuse plain GET queries
    // (after their cost was spent), so it is off.
    csrfPrevention: false,
    // main.ts owns SIGINT/SIGTERM and closes the HTTP server before Apollo.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  // The supergraph is loaded once Apollo has started; readiness says so until close() begins.
  let stopping = false;
  let state;
  try {
    state = await openGatewayState(config, {
      flushIntervalMs: config.auditFlushMs,
      onError: (err) => logger.error({ err: errorForLog(err) }, 'writing audit records failed; they are kept and tried again'),
    }, oncePer(BUDGET_FALLBACK_LOG_MS, () => logger.warn('the cost budget store in PostgreSQL failed or was late: this replica counts budgets in its own memory meanwhile')));
  } catch (err) {
    await apollo.stop();
    throw err;
  }
  const { audit } = state;
  const stopListening = config.databaseUrl && config.answerCache.ttlMs > 0 ? listenForChanges(answers, config.databaseUrl, logger) : async () => {};
  const auditRetention = startAuditRetention(audit, config.auditRetentionMs, (err) => logger.error({ err: errorForLog(err) }, 'pruning the audit log failed'), Date.now, logger);
  const loop = watchEventLoop();
  // With an acceptor, it hears (once started) when admission refuses: it then refuses connections the gateway would take in late.
  let overloaded = () => {};
  const ownAdmission = createAdmissionControl(config.admission, loop);
  const admission = config.acceptor ? noticingOverload(ownAdmission, () => overloaded()) : ownAdmission;
  observability.metrics.watchAdmission(admission.state);
  const server = createHttpServer(apollo, {
    authenticator: observability.authenticator(createAuthenticator(config.auth)),
    admission,
    prepare,
    budget: createCostBudget(config.costBudgets, state.budgetCounter),
    authorizer: authorizerFor(apiSchema, readScopeRules(supergraphSdl), (hit) => observability.metrics.cacheLookup('authorization', hit)),
    audit,
    maxResponseBytes: config.limits.maxResponseBytes,
    cors: createCorsHandler(config.cors),
    graphiql: config.graphiql ? createGraphiQLRoutes({ production: config.production, auth: config.auth }) : null,
    internal: invalidationRoute(answers, config.internalAuth),
  }, logger, observability.wrap({ supergraphLoaded: () => !stopping, audit, subgraphUrls: config.subgraphUrls }));
  const closeGracefully = gracefulCloser(server);
  server.keepAliveTimeout = 65_000;
  // A port already in use rejects here (with EADDRINUSE) instead of crashing the process.
  let listening: Listening;
  try {
    if (config.acceptor) {
      const acceptor = await acceptFrom(server, config, observability.metrics, logger);
      overloaded = acceptor.overloaded;
      listening = acceptor;
    } else listening = await listen(server, config);
  } catch (err) {
    loop.stop();
    await Promise.all([apollo.stop(), auditRetention.stop(), stopListening()]);
    await state.close();
    throw err;
  }
  const { port } = listening;
  return {
    url: `http://${config.host}:${port}/graphql`,
    port,
    close: async () => {
      stopping = true;
      // No new connections first (those the acceptor took are handed over), then the requests in flight.
      await listening.close();
      await closeGracefully(config.shutdownGraceMs);
      loop.stop();
      await apollo.stop();
      await auditRetention.stop();
      await stopListening();
      await state.close();
    },
  };
}

/** Where the gateway takes its connections from: its own listening socket, or an acceptor process. */
type Listening = Pick<Acceptor, 'port' | 'close'>;

/** The server listens on the configured port itself. */
function listen(server: Server, config: GatewayConfig): Promise<Listening> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      // Closed by the graceful closer, with the connections.
      resolve({ port: (server.address() as AddressInfo).port, close: async () => {} });
    });
  });
}

/** An acceptor process listens on the configured port and hands the server the connections it can take in soon (gateway/acceptor/). */
async function acceptFrom(server: Server, config: GatewayConfig, metrics: GatewayMetrics, logger: Logger): Promise<Acceptor> {
  // What listening would have set up: the tracking of connections that enforces the server's header and request timeouts.
  server.emit('listening');
  return openAcceptor(server, {
    host: config.host, port: config.port, backlog: LISTEN_BACKLOG, refusal: overloadedAnswer(),
    maxWaitMs: config.admission.maxWaitMs, maxBurstWaitMs: config.subgraphTimeoutMs, maxBurstWaiting: ACCEPTOR_MAX_BURST,
  }, {
    refused: (count) => {
      metrics.refused('connections', count);
      logger.warn({ refused: count }, 'the acceptor refused connections (503 OVERLOADED): the gateway took connections in too slowly');
    },
    restarted: (err) => {
      if (err) logger.error({ err: errorForLog(err) }, 'the acceptor process died and could not be started again: no new connections reach the gateway');
      else logger.error('the acceptor process died and was started again');
    },
  });
}

/** An error a subgraph masked itself (and logged, under the same request id). */
const maskedBySubgraph = (formatted: { extensions?: Record<string, unknown> }): boolean =>
  formatted.extensions?.code === 'INTERNAL_SERVER_ERROR' && typeof formatted.extensions.serviceName === 'string';
