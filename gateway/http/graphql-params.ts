/**
 * Reads the GraphQL request parameters from an HTTP request as GraphQL over HTTP defines them: POST
 * with a JSON object body, or GET with URL parameters. Anything else is refused with the status the
 * spec gives it (405, 413, 415, 400), before authentication and before anything is parsed.
 */
import type { IncomingMessage } from 'node:http';
import type { GraphQLError } from 'graphql';
import { codedError } from '../../schema/errors.ts';
import { readBody } from '../../subgraphs/shared/read-body.ts';
import type { GraphQLRequestParts } from '../authz/authorizer.ts';
import { isJsonBody } from './media-types.ts';

/** A request refused at the HTTP level: its status, extra headers, and the one error to send. */
export interface HttpRefusal {
  status: number;
  headers?: Record<string, string>;
  error: GraphQLError;
}

export type ReadParams = { params: GraphQLRequestParts } | { refusal: HttpRefusal };

const badRequest = (message: string): { refusal: HttpRefusal } => ({ refusal: { status: 400, error: codedError('BAD_USER_INPUT', message) } });

export async function readGraphQLParams(req: IncomingMessage, url: URL, maxBodyBytes: number): Promise<ReadParams> {
  if (req.method === 'GET') return fromSearch(url.searchParams);
  if (req.method !== 'POST') {
    return { refusal: { status: 405, headers: { allow: 'GET, POST' }, error: codedError('BAD_USER_INPUT', 'GraphQL is served over GET and POST only.') } };
  }
  if (!isJsonBody(req.headers['content-type'])) {
    req.resume();
    return { refusal: { status: 415, error: codedError('BAD_USER_INPUT', 'A POST body must be application/json in UTF-8.') } };
  }
  const text = await readBody(req, maxBodyBytes);
  if (text === null) return { refusal: { status: 413, headers: { connection: 'close' }, error: codedError('BAD_USER_INPUT', `The request body is larger than ${maxBodyBytes} bytes.`) } };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return badRequest('The request body is not valid JSON.');
  }
  if (Array.isArray(body)) return badRequest('Batched requests are not supported: send one operation per request.');
  if (typeof body !== 'object' || body === null) return badRequest('The request body must be a JSON object.');
  return checked(body as Record<string, unknown>);
}

function fromSearch(search: URLSearchParams): ReadParams {
  const raw: Record<string, unknown> = {};
  for (const name of ['query', 'operationName', 'variables', 'extensions']) {
    const values = search.getAll(name);
    if (values.length > 1) return badRequest(`The "${name}" parameter may be given only once.`);
    if (values.length === 0) continue;
    if (name === 'variables' || name === 'extensions') {
      try {
        raw[name] = JSON.parse(values[0]);
      } catch {
        return badRequest(`The "${name}" parameter is not valid JSON.`);
      }
    } else raw[name] = values[0];
  }
  return checked(raw);
}

/** The parameters with the types the spec requires: a query string, an object of variables and extensions, a string operationName. */
function checked(raw: Record<string, unknown>): ReadParams {
  const { query, operationName, variables, extensions } = raw;
  // Automatic persisted queries are off (gateway.ts); Apollo clients fall back to sending the text on this exact message.
  if (isObjectOrAbsent(extensions) && (extensions as Record<string, unknown> | null | undefined)?.persistedQuery !== undefined) return badRequest('PersistedQueryNotSupported');
  if (typeof query !== 'string' || query.trim() === '') return badRequest('The request has no "query" string.');
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return badRequest('"operationName" must be a string.');
  if (!isObjectOrAbsent(variables)) return badRequest('"variables" must be a JSON object.');
  if (!isObjectOrAbsent(extensions)) return badRequest('"extensions" must be a JSON object.');
  return { params: { query, operationName: operationName || null, variables: (variables as Record<string, unknown> | null) ?? null, extensions: (extensions as Record<string, unknown> | null) ?? null } };
}

const isObjectOrAbsent = (value: unknown) => value === undefined || value === null || (typeof value === 'object' && !Array.isArray(value));
