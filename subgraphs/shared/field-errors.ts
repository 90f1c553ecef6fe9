/**
 * Field errors beside data: a resolver that can still return a meaningful value (an empty list, a
 * version token with a gap) reports the failure at its own path instead of throwing, so the field is
 * not nulled (and, for a non-null field, its parent with it). Errors are kept per request, keyed by the
 * request's context object, and the plugin appends them to the response's errors. The gateway maps
 * their `_entities` paths onto the client's paths like any other subgraph error.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, locatedError, responsePathAsArray as pathToArray, type GraphQLFormattedError, type GraphQLResolveInfo } from 'graphql';
import { codedError, type ErrorCode } from '../../schema/errors.ts';

const reported = new WeakMap<object, GraphQLError[]>();

/** The codes that mean "an upstream failed", for which a field may degrade instead of failing. */
const UPSTREAM_CODES: ReadonlySet<string> = new Set<ErrorCode>(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_ERROR']);

/** Whether `error` is an upstream failure (UPSTREAM_UNAVAILABLE or UPSTREAM_ERROR). */
export function isUpstreamFailure(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError && UPSTREAM_CODES.has(String(error.extensions?.code));
}

/**
 * Reports `error` at the path of the field being resolved, keeping its message and extensions; the
 * resolver then returns its value as usual. The error reaches the client only through fieldErrorsPlugin.
 */
export function reportFieldError(contextValue: object, info: GraphQLResolveInfo, error: unknown): void {
  const path = pathToArray(info.path);
  let located = locatedError(error, info.fieldNodes, path);
  // locatedError keeps an error that already has a path; this one belongs here.
  if (located.path !== path) {
    located = new GraphQLError(located.message, { nodes: info.fieldNodes, path, originalError: located.originalError ?? located, extensions: located.extensions });
  }
  const list = reported.get(contextValue);
  if (list) list.push(located);
  else reported.set(contextValue, [located]);
}

/** The errors reported so far for the request with this context (a copy). */
export function reportedFieldErrors(contextValue: object): GraphQLError[] {
  return [...(reported.get(contextValue) ?? [])];
}

/**
 * Runs `resolve`; when it fails with an upstream failure, reports the error at this field and returns
 * `fallback` instead. Any other error (a bad argument, a bug) is thrown as before.
 */
export async function degradeOnUpstreamFailure<T>(contextValue: object, info: GraphQLResolveInfo, fallback: T, resolve: () => Promise<T> | T): Promise<T> {
  try {
    return await resolve();
  } catch (error) {
    if (!isUpstreamFailure(error)) throw error;
    reportFieldError(contextValue, info, error);
    return fallback;
  }
}

/**
 * Runs `read`; an upstream failure gives `fallback` instead, without reporting anything. For the
 * inaccessible fields another subgraph @requires and reports on (sentinel sources, erpVersion, shop totals).
 */
export async function fallbackOnUpstreamFailure<T>(fallback: T, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isUpstreamFailure(error)) return fallback;
    throw error;
  }
}

/** Reports a new coded error at this field (for a value that is served but incomplete). */
export function reportFieldProblem(contextValue: object, info: GraphQLResolveInfo, code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): void {
  reportFieldError(contextValue, info, codedError(code, message, extensions));
}

/**
 * Appends the reported field errors to the response, formatted like every other error of the server
 * (`formatError` is the server's own). Apollo formats execution errors before willSendResponse, hence
 * the formatting here.
 */
export function fieldErrorsPlugin<Context extends BaseContext>(
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const errors = reported.get(contextValue);
          if (!errors?.length) return;
          reported.delete(contextValue);
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const formatted = errors.map((e) => formatError(e.toJSON(), e));
          result.errors = [...(result.errors ?? []), ...formatted];
        },
      };
    },
  };
}
