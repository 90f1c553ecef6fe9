/**
 * A subgraph that answers a non-2xx status with a GraphQL response (Apollo Server answers 400 for a
 * variable it cannot coerce or a document it does not validate) has refused the request, not failed: its
 * errors keep their code and reach the client like any other subgraph error. Only a body that is not
 * a GraphQL response (a proxy's 502 page, nothing at all) counts as the subgraph being unavailable.
 */
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { SubgraphResponse } from './types.ts';

type Path = (string | number)[];
type FetcherResponse = Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0];

/** Thrown from errorFromResponse (which must give a GraphQLError) so that process() can tell a refusal from a failure. */
export class SubgraphRefusal extends GraphQLError {
  constructor(readonly body: { data?: Record<string, unknown> | null; errors: GraphQLFormattedError[] }) {
    super('The subgraph refused the request.');
  }

  /** The subgraph's answer; an error without a path (a request error) is given each of `fetchPaths`. */
  response(fetchPaths: Path[]): SubgraphResponse {
    const errors = this.body.errors
      .flatMap((error) => (error.path ? [error] : fetchPaths.map((path) => ({ ...error, path }))));
    return { data: this.body.data ?? null, errors };
  }
}

/**
 * The refusal in `response`, or undefined when it is none. A 401 is never one: the subgraph refused
 * the gateway's own internal token, which is nothing the client can fix.
 */
export async function refusalIn(response: FetcherResponse): Promise<SubgraphRefusal | undefined> {
  const type = response.headers.get('content-type') ?? '';
  if (response.status === 401 || !/^application\/(graphql-response\+)?json\b/.test(type)) return undefined;
  const body: unknown = await response.json().catch(() => undefined);
  return isGraphQLErrorBody(body) ? new SubgraphRefusal(body) : undefined;
}

function isGraphQLErrorBody(body: unknown): body is SubgraphRefusal['body'] {
  const errors = (body as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every((e) => typeof e?.message === 'string');
}
