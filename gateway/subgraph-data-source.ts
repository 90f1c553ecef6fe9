/**
 * How the gateway reaches a subgraph: RemoteGraphQLDataSource over Node's fetch (keep-alive by
 * default) with a per-request timeout, an allowlist of forwarded headers, the gateway's internal token
 * in place of the caller's (see auth/internal-token.ts), and transport failures turned into per-field
 * UPSTREAM_UNAVAILABLE errors that name the subgraph but never its URL.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { codedError } from '../schema/errors.ts';
import type { GatewayContext } from './context.ts';
import type { InternalTokenSigner } from './auth/internal-token.ts';

/**
 * Request headers that may travel from the client to a subgraph; everything else stays at the gateway,
 * `authorization` above all: subgraphs get the gateway's internal token instead.
 */
export const FORWARDED_HEADERS = ['x-request-id', 'idempotency-key'];

export class SubgraphDataSource extends RemoteGraphQLDataSource {
  constructor(readonly serviceName: string, url: string, timeoutMs: number, private readonly internalToken: InternalTokenSigner) {
    super({ url });
    this.fetcher = timedFetcher(timeoutMs);
  }

  /** Without a verified principal (never the case for a client's request) no token is sent and the subgraph refuses. */
  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions): Promise<void> {
    const { incomingHeaders, principal } = context as Partial<GatewayContext>;
    for (const name of FORWARDED_HEADERS) {
      const value = incomingHeaders?.get(name);
      if (value) request.http?.headers.set(name, value);
    }
    if (principal) request.http?.headers.set('authorization', `Bearer ${await this.internalToken(principal, this.serviceName)}`);
  }

  /**
   * A subgraph that cannot be reached (refused, timed out, non-2xx) answers, in effect, with an error
   * for every field it was asked for; the gateway maps these paths onto the client's response.
   */
  override async process(options: GraphQLDataSourceProcessOptions): ReturnType<RemoteGraphQLDataSource['process']> {
    try {
      return await super.process(options);
    } catch {
      const error = codedError('UPSTREAM_UNAVAILABLE', `The ${this.serviceName} subgraph is unavailable.`, { serviceName: this.serviceName });
      return { data: null, errors: failedPaths(options).map((path) => ({ message: error.message, path, extensions: error.extensions })) };
    }
  }
}

/** The paths of everything a failed fetch should have returned: each entity, or each root field. */
function failedPaths({ request }: GraphQLDataSourceProcessOptions): (string | number)[][] {
  const representations = request.variables?.representations;
  if (Array.isArray(representations)) return representations.map((_, i) => ['_entities', i]);
  try {
    const operation = parse(request.query ?? '').definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    return (operation?.selectionSet.selections ?? [])
      .flatMap((s) => (s.kind === Kind.FIELD ? [[(s.alias ?? s.name).value]] : []));
  } catch {
    return [[]];
  }
}

/** Node's global fetch with a timeout on every request. Never retries: mutations must not be repeated blindly. */
function timedFetcher(timeoutMs: number): RemoteGraphQLDataSource['fetcher'] {
  return ((url: string, init?: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as unknown as RemoteGraphQLDataSource['fetcher'];
}
