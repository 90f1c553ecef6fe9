/**
 * The answer a subgraph that cannot be reached would give if it could still say "my upstream is
 * down": the fetch's own operation is executed over the supergraph with every field the subgraph
 * should have resolved replaced by its fallback (fallback-values.ts), one UPSTREAM_UNAVAILABLE error
 * per such field, at the `_entities` or root path @apollo/gateway maps onto the client's response.
 * A field without a fallback is null and GraphQL nulls up to its nearest nullable parent (an entity,
 * or a nullable root field). A mutation is never answered as if it ran: each root field fails.
 */
import {
  defaultFieldResolver, executeSync, GraphQLError, Kind, locatedError, parse, responsePathAsArray,
  type DocumentNode, type GraphQLFieldResolver, type GraphQLFormattedError, type GraphQLResolveInfo, type GraphQLSchema,
} from 'graphql';
import { codedError } from '../../schema/errors.ts';
import { buildFailureSchema } from './failure-schema.ts';
import { fallbackFor } from './fallback-values.ts';
import { fetchPaths } from './fetch-paths.ts';
import type { SubgraphRequest, SubgraphResponse } from './types.ts';

/** Answers a failed fetch of `serviceName` (the same for every subgraph; build it once per supergraph). */
export type UnavailableResponder = (serviceName: string, request: SubgraphRequest) => SubgraphResponse;

export function createUnavailableResponder(supergraphSdl: string): UnavailableResponder {
  const schema = buildFailureSchema(supergraphSdl);
  return (serviceName, request) => unavailableResponse(schema, serviceName, request);
}

function unavailableResponse(schema: GraphQLSchema, serviceName: string, request: SubgraphRequest): SubgraphResponse {
  const unavailable = () => codedError('UPSTREAM_UNAVAILABLE', `The ${serviceName} subgraph is unavailable.`, { serviceName });
  const document = parseOrUndefined(request.query);
  const reported: GraphQLError[] = [];
  const result = document && executeSync({
    schema,
    document,
    operationName: request.operationName,
    variableValues: request.variables,
    fieldResolver: degradingResolver(isMutation(document, request.operationName), unavailable, reported),
    typeResolver: (value) => (value as { __typename?: string }).__typename,
  });
  if (!result?.data) {
    const error = unavailable();
    return { data: null, errors: fetchPaths(request).map((path) => ({ message: error.message, path, extensions: error.extensions })) };
  }
  return { data: result.data, errors: [...reported, ...(result.errors ?? [])].map(toSubgraphError) };
}

/**
 * `_entities` returns its representations; each field directly under it or under the root is
 * replaced (a mutation's fields always fail), except a key the representation already carries;
 * deeper fields read the fallback value as it is.
 */
function degradingResolver(mutation: boolean, unavailable: () => GraphQLError, reported: GraphQLError[]): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, context, info) => {
    if (!info.path.prev && info.fieldName === '_entities') return args.representations;
    if (!isFetchedField(info)) return defaultFieldResolver(source, args, context, info);
    if (info.path.prev && Object.hasOwn(source as object, info.fieldName)) return (source as Record<string, unknown>)[info.fieldName];
    const fallback = mutation ? undefined : fallbackFor(info.parentType, info.parentType.getFields()[info.fieldName]);
    if (!fallback) throw unavailable();
    if (fallback.report) reported.push(locatedError(unavailable(), info.fieldNodes, responsePathAsArray(info.path)));
    return fallback.value;
  };
}

/** A root field, or a field of an entity (path `_entities`, index, field). */
function isFetchedField({ path }: GraphQLResolveInfo): boolean {
  return !path.prev || (path.prev.prev?.key === '_entities' && !path.prev.prev.prev);
}

function isMutation(document: DocumentNode, operationName: string | undefined): boolean {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName));
  return operation?.kind === Kind.OPERATION_DEFINITION && operation.operation === 'mutation';
}

function parseOrUndefined(query: string | undefined): DocumentNode | undefined {
  try {
    return parse(query ?? '');
  } catch {
    return undefined;
  }
}

/** Message, path and extensions only: locations would point into the gateway's subgraph query. */
function toSubgraphError(error: GraphQLError): GraphQLFormattedError {
  return { message: error.message, ...(error.path && { path: error.path }), extensions: error.extensions };
}
