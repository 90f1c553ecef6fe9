/**
 * Everything the gateway checks about an operation before it is authorized, planned or fetched, in
 * one pass over the document: parse (bounded by maxTokens), validate (graphql-js's rules with the
 * shape limits, a bounded number of errors), select the operation, refuse mutations over GET, coerce
 * the variables, bound every page size, and estimate the cost against the limit. The parsed document
 * and coerced variables are handed on to the authorizer; Apollo parses the (rewritten) text once more,
 * from its document cache for a text it has seen.
 *
 * A document that parsed and validated is remembered with its selected operation (by text and
 * operation name, in a bounded LRU): the same text again is neither parsed nor validated. The variables
 * are coerced on every request; the page sizes and cost they decide are remembered with the document, by
 * the variables exactly as the client sent them (each walks the whole document with its types).
 */
import {
  getOperationAST, getVariableValues, GraphQLError, parse, specifiedRules, validate,
  type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type ValidationRule,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { codedError } from '../../schema/errors.ts';
import type { GraphQLRequestParts } from '../authz/authorizer.ts';
import { limitError } from '../limits/limit-error.ts';
import { limitRules } from '../limits/limit-rules.ts';
import { costError } from '../limits/cost/index.ts';
import type { OperationLimits } from '../limits/limits.ts';
import { largestDefaultPageSize, pageSizeError } from '../limits/page-size.ts';

export interface PreparedOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** The variables coerced to their declared types (defaults applied). */
  variables: Record<string, unknown>;
  /** The operation's estimated cost (gateway/limits/cost). */
  cost: number;
}

/**
 * Why an operation was refused: `invalid` (parse, validation, a limit, variables: a GraphQL request
 * error), `selection` (no single operation to run), `method` (a mutation over GET).
 */
export interface RefusedOperation {
  refused: 'invalid' | 'selection' | 'method';
  errors: GraphQLError[];
}

/** The estimated cost of one operation with its coerced variables. */
export type CostEstimator = (document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>) => number;

export type OperationPreparer = (params: GraphQLRequestParts, method: string) => PreparedOperation | RefusedOperation;

/**
 * Valid documents remembered, and the characters of their texts kept at most (keys included): a parsed
 * document takes about 80 bytes per character of its text (graphql-js keeps every token for its
 * locations), so 250,000 characters hold about 20 MB.
 */
const MAX_DOCUMENTS = 500;
const MAX_DOCUMENT_TEXT = 250_000;
/** Characters of keys (document number and variables as JSON) of page-size and cost outcomes kept at most. */
const MAX_CHECKED_TEXT = 500_000;

interface Selected {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Names this document (of this preparer) in the outcome keys. */
  serial: number;
}

/** What the page sizes and cost decided for one document and set of variables. */
interface Checked { pageError: GraphQLError | null; cost: number }

/** `onLookup` is told of each request whether its document was remembered (for the metrics). */
export function createOperationPreparer(schema: GraphQLSchema, limits: OperationLimits, estimateCost: CostEstimator, onLookup: (hit: boolean) => void = () => {}): OperationPreparer {
  const defaultPageSize = largestDefaultPageSize(schema);
  if (limits.maxPageSize < defaultPageSize) throw new Error(`MAX_PAGE_SIZE must be at least the schema's largest default page size (${defaultPageSize}): ${limits.maxPageSize}`);
  const rules: ValidationRule[] = [...specifiedRules, ...limitRules(limits)];
  const selected = new LRUCache<string, Selected>({
    max: MAX_DOCUMENTS, maxSize: MAX_DOCUMENT_TEXT, sizeCalculation: (_value, key) => Math.max(1, key.length),
  });
  const checked = new LRUCache<string, Checked>({ maxSize: MAX_CHECKED_TEXT, sizeCalculation: (_value, key) => Math.max(1, key.length) });
  let serial = 0;
  /** The document and its operation to run, parsed, validated and selected, or what refused it. */
  const select = (params: GraphQLRequestParts): Selected | RefusedOperation => {
    // The name as JSON (no raw newline in it), so no name and text can pass for another pair.
    const key = `${JSON.stringify(params.operationName ?? null)}\n${params.query ?? ''}`;
    const remembered = selected.get(key);
    onLookup(remembered !== undefined);
    if (remembered) return remembered;
    const parsed = parseBounded(params.query ?? '', limits.maxTokens);
    if (parsed instanceof GraphQLError) return { refused: 'invalid', errors: [parsed] };
    const invalid = validate(schema, parsed, rules, { maxErrors: limits.maxValidationErrors });
    if (invalid.length > 0) return { refused: 'invalid', errors: invalid.map(withValidationCode) };
    const operation = getOperationAST(parsed, params.operationName ?? undefined);
    if (!operation) return { refused: 'selection', errors: [codedError('BAD_USER_INPUT', selectionMessage(parsed, params.operationName))] };
    if (operation.operation === 'subscription') return { refused: 'selection', errors: [codedError('BAD_USER_INPUT', 'Subscriptions are not supported.')] };
    const valid = { document: parsed, operation, serial: serial++ };
    selected.set(key, valid);
    return valid;
  };
  return (params, method) => {
    const found = select(params);
    if ('refused' in found) return found;
    const { document: parsed, operation } = found;
    if (operation.operation === 'mutation' && method === 'GET') return { refused: 'method', errors: [codedError('BAD_USER_INPUT', 'Mutations must be sent with POST.')] };

    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], params.variables ?? {}, { maxErrors: limits.maxValidationErrors });
    if (coerced.errors) return { refused: 'invalid', errors: coerced.errors.map((e) => withCode(e, 'BAD_USER_INPUT')) };
    const variables = coerced.coerced;

    // Coercion is a function of the variables sent (JSON, so always serialisable) and the document.
    const sent = `${found.serial}\n${JSON.stringify(params.variables ?? {})}`;
    let outcome = checked.get(sent);
    if (!outcome) {
      const pageError = pageSizeError(schema, parsed, operation, variables, limits.maxPageSize);
      outcome = { pageError, cost: pageError ? 0 : estimateCost(parsed, operation, variables) };
      checked.set(sent, outcome);
    }
    const { pageError, cost } = outcome;
    if (pageError) return { refused: 'invalid', errors: [pageError] };
    if (cost > limits.maxCost) return { refused: 'invalid', errors: [costError(cost, limits.maxCost)] };
    return { document: parsed, operation, variables, cost };
  };
}

/** The document, or the error that stopped parsing (QUERY_TOO_COMPLEX past maxTokens, else GRAPHQL_PARSE_FAILED). */
function parseBounded(query: string, maxTokens: number): DocumentNode | GraphQLError {
  try {
    return parse(query, { maxTokens });
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    // graphql-js says so in words only: "Document contains more than N tokens. Parsing aborted."
    if (error.message.includes('tokens. Parsing aborted')) {
      return limitError('tokens', maxTokens, `The document has more than ${maxTokens} tokens.`);
    }
    return withCode(error, 'GRAPHQL_PARSE_FAILED');
  }
}

function selectionMessage(document: DocumentNode, operationName: string | null | undefined): string {
  if (operationName) return `Unknown operation named "${operationName}".`;
  return document.definitions.some((d) => d.kind === 'OperationDefinition')
    ? 'The document has several operations: send the one to run as operationName.'
    : 'The document has no operation to run.';
}

/** Validation errors keep a code the limit rules set (QUERY_TOO_COMPLEX); graphql-js's own get GRAPHQL_VALIDATION_FAILED. */
const withValidationCode = (error: GraphQLError) => (error.extensions.code ? error : withCode(error, 'GRAPHQL_VALIDATION_FAILED'));

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
}
