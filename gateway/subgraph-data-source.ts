/**
 * How the gateway reaches a subgraph: RemoteGraphQLDataSource over node:http with keep-alive and a
 * per-request timeout (subgraph-transport/http-fetcher.ts), an allowlist of forwarded headers, and the gateway's internal
 * token in place of the caller's (see subgraphs/shared/internal-token-signer.ts). A subgraph's refusal (a non-2xx GraphQL
 * answer) keeps its errors; a subgraph that cannot be reached costs only its own fields
 * (subgraph-failure/), with errors that name it but never its URL. Given `reads`, identical reads for
 * queries in flight at once are sent once where the subgraph allows it (subgraph-transport/in-flight-reads.ts);
 * given `answers`, answers the subgraph lets the gateway keep are served from memory (answer-cache/).
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from './context.ts';
import type { InternalTokenSigner } from '../subgraphs/shared/internal-token-signer.ts';
import { propagate } from '../subgraphs/shared/logging/request-scope.ts';
import { fetchPaths } from './subgraph-failure/fetch-paths.ts';
import { keepAliveFetcher } from './subgraph-transport/http-fetcher.ts';
import { notingSends } from './subgraph-transport/subgraph-sends.ts';
import { SHARE_SCOPES_HEADER, SHARED_READ_SUBGRAPHS, shareScopesValue, type InFlightReads } from './subgraph-transport/in-flight-reads.ts';
import { refusalIn, SubgraphRefusal } from './subgraph-failure/subgraph-refusal.ts';
import type { UnavailableResponder } from './subgraph-failure/unavailable-response.ts';
import type { AnswerCache } from './answer-cache/answer-cache.ts';
import type { SubgraphName } from '../schema/subgraphs.ts';

/**
 * Request headers that may travel from the client to a subgraph; everything else stays at the gateway,
 * `authorization` above all: subgraphs get the gateway's internal token instead. The request id and
 * traceparent are the request scope's (validated or new), set for each call by `propagate`.
 */
export const FORWARDED_HEADERS = ['idempotency-key'];

/**
 * How long the gateway will wait for this subgraph's answer, in ms from sending, so the subgraph can
 * finish (or answer what it has done) in time. Always the gateway's own value, never a client's.
 */
export const DEADLINE_HEADER = 'x-deadline-ms';

type FetcherResponse = Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0];
type SubgraphRequest = GraphQLDataSourceProcessOptions['request'];
type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

export class SubgraphDataSource extends RemoteGraphQLDataSource {
  /** Whether this subgraph's calls for queries may join identical ones in flight (SHARED_READ_SUBGRAPHS). */
  private readonly sharesReads: boolean;

  constructor(
    readonly serviceName: string, url: string, private readonly timeoutMs: number,
    private readonly internalToken: InternalTokenSigner, private readonly whenUnavailable: UnavailableResponder,
    /** The reads in flight, shared by every subgraph's data source; told of every settled call for a mutation. */
    private readonly reads: InFlightReads | null = null,
    /** The kept answers, in front of the reads in flight; also told what a mutation's answer says it changed. */
    answers: AnswerCache | null = null,
  ) {
    super({ url });
    this.sharesReads = reads !== null && SHARED_READ_SUBGRAPHS.has(serviceName as SubgraphName);
    // Beneath the answer cache: a call sent or joined to one in flight is noted as the request's (admission's run kinds).
    const fetcher = notingSends(this.sharesReads ? reads!.sharing(keepAliveFetcher(timeoutMs)) : keepAliveFetcher(timeoutMs));
    this.fetcher = answers ? answers.keeping(fetcher) : fetcher;
    // RemoteGraphQLDataSource declares sendRequest private: replaced on the instance, not overridden.
    Object.assign(this, { sendRequest: this.send });
  }

  /**
   * RemoteGraphQLDataSource's sendRequest less the node-fetch Request it builds only to hand to hooks we do
   * not override (didEncounterError, which rethrows, and parseBody, which ignores it): parsing its URL and
   * checking its headers again, for every call, was a tenth of the gateway's CPU on views answered from
   * its answer cache. The same contract: a non-2xx answer throws errorFromResponse's error, a body that
   * is not a JSON object throws.
   */
  private readonly send = async (request: SubgraphRequest): Promise<SubgraphResponse> => {
    const { http, ...withoutHttp } = request;
    if (!http) throw new Error('Internal error: Only \'http\' requests are supported.');
    const init = { method: http.method, headers: headerRecord(http.headers), body: JSON.stringify(withoutHttp) };
    const response = await this.fetcher(http.url, init);
    if (!response.ok) throw await this.errorFromResponse(response);
    const body = await this.parseBody(response);
    if (typeof body !== 'object' || body === null) throw new Error(`Expected JSON response body, but received: ${body}`);
    return { ...body, http: response };
  };

  /** Without a verified principal (never the case for a client's request) no token is sent and the subgraph refuses. */
  override async willSendRequest(options: GraphQLDataSourceProcessOptions): Promise<void> {
    const { request, context } = options;
    const { incomingHeaders, principal } = context as Partial<GatewayContext>;
    for (const name of FORWARDED_HEADERS) {
      const value = incomingHeaders?.get(name);
      if (value) request.http?.headers.set(name, value);
    }
    // The request id and a traceparent with a new span for this call; counted for the request's log line.
    for (const [name, value] of Object.entries(propagate(this.serviceName))) request.http?.headers.set(name, value);
    // The fetch's timeout starts as it is sent, right after this hook.
    request.http?.headers.set(DEADLINE_HEADER, String(this.timeoutMs));
    if (principal) request.http?.headers.set('authorization', `Bearer ${await this.internalToken(principal, this.serviceName)}`);
    // A call for a query (never a mutation, whose later reads must see its writes) may join an identical one.
    if (principal && this.sharesReads && operationOf(options) === 'query') {
      request.http?.headers.set(SHARE_SCOPES_HEADER, shareScopesValue(principal.scopes));
    }
  }

  /** A non-2xx answer: the subgraph's refusal when it is one, else a failure (whose details are not kept). */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    return (await refusalIn(response)) ?? new GraphQLError(`The ${this.serviceName} subgraph answered HTTP ${response.status}.`);
  }

  /** A refusal is passed on; anything else thrown (refused connection, timeout, no GraphQL answer) degrades. */
  override async process(options: GraphQLDataSourceProcessOptions): ReturnType<RemoteGraphQLDataSource['process']> {
    try {
      return await super.process(options);
    } catch (error) {
      if (error instanceof SubgraphRefusal) return error.response(fetchPaths(options.request));
      return this.whenUnavailable(this.serviceName, options.request);
    } finally {
      // Whatever it wrote is now readable: reads in flight from before are no longer joined.
      if (this.reads && operationOf(options) === 'mutation') this.reads.writeSettled();
    }
  }
}

/** The call's headers as one record, names in lower case (node-fetch's Headers, as process() builds them, without sorting them first). */
function headerRecord(headers: NonNullable<SubgraphRequest['http']>['headers']): Record<string, string> {
  const raw = (headers as { raw?: () => Record<string, string[]> }).raw?.();
  if (!raw) return Object.fromEntries(headers);
  const record: Record<string, string> = {};
  for (const name in raw) record[name.toLowerCase()] = raw[name].join(', ');
  return record;
}

/** The kind of the incoming operation a call is made for; undefined for the gateway's own calls (health checks, loading). */
const operationOf = (options: GraphQLDataSourceProcessOptions) =>
  ('incomingRequestContext' in options ? options.incomingRequestContext.operation?.operation : undefined);
