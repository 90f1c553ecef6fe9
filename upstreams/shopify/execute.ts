/**
 * One Admin GraphQL request, from body to response, the way Shopify answers: a body without a query
 * is a 400; syntax and validation errors, throttling and field errors all come on a 200 with
 * `errors`; every answer carries `extensions.cost`.
 */
import { execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { StandInResponse } from '../shared/standin.ts';
import { estimateCost, type QueryCost, type Throttle } from './cost.ts';
import type { AdminContext } from './resolvers.ts';
import type { ShopifyStore } from './store.ts';

export interface Executor {
  schema: GraphQLSchema;
  store: ShopifyStore;
  throttle: Throttle;
  countRootField: (name: string) => void;
  /** The query texts already prepared against `schema` (preparedDocuments()). */
  prepared: LRUCache<string, Prepared>;
}

interface GraphQLBody {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

const isBody = (body: unknown): body is GraphQLBody =>
  typeof body === 'object' && body !== null && typeof (body as GraphQLBody).query === 'string';

/** A query text that parsed and validated, with its requested cost (which the document alone decides). */
export interface Prepared {
  document: DocumentNode;
  requested: number;
}

const MAX_PREPARED = 500;

/**
 * A stand-in's prepared query texts: clients send the same few documents again and again, and
 * validating each afresh was two fifths of this stand-in's CPU under the bench.
 */
export const preparedDocuments = (): LRUCache<string, Prepared> => new LRUCache({ max: MAX_PREPARED });

export async function executeAdminRequest(executor: Executor, body: unknown): Promise<StandInResponse> {
  if (!isBody(body)) return { status: 400, body: { errors: { query: 'Required parameter missing or invalid' } } };

  const cost = (requested: number, actual: number | null): QueryCost =>
    ({ requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: executor.throttle.status() });
  const refuse = (errors: readonly GraphQLError[]): StandInResponse =>
    ({ status: 200, body: { errors: errors.map((e) => e.toJSON()), extensions: { cost: cost(0, 0) } } });

  let prepared = executor.prepared.get(body.query);
  if (!prepared) {
    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (err) {
      return refuse([err as GraphQLError]);
    }
    const invalid = validate(executor.schema, document);
    if (invalid.length) return refuse(invalid);
    prepared = { document, requested: estimateCost(executor.schema, document) };
    executor.prepared.set(body.query, prepared);
  }
  const { document, requested } = prepared;
  if (!executor.throttle.take(requested)) {
    return {
      status: 200,
      body: {
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
        extensions: { cost: cost(requested, null) },
      },
    };
  }

  const context: AdminContext = { store: executor.store, searchWarnings: [], countRootField: executor.countRootField };
  const result = await execute({
    schema: executor.schema, document, contextValue: context,
    variableValues: body.variables ?? undefined, operationName: body.operationName ?? undefined,
  });
  return {
    status: 200,
    body: {
      ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}),
      data: result.data ?? null,
      extensions: { cost: cost(requested, requested), ...(context.searchWarnings.length ? { search: context.searchWarnings } : {}) },
    },
  };
}
