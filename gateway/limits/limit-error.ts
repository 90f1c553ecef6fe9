/** The error of an operation over one of the front door's limits: QUERY_TOO_COMPLEX naming the measure. */
import type { GraphQLError } from 'graphql';
import { codedError } from '../../schema/errors.ts';

/** What was measured: `tokens`, `depth`, `aliases`, `rootFields`, `directives` or `cost`. */
export type LimitMeasure = 'tokens' | 'depth' | 'aliases' | 'rootFields' | 'directives' | 'cost';

export function limitError(measure: LimitMeasure, limit: number, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return codedError('QUERY_TOO_COMPLEX', message, { measure, limit, ...extensions });
}
