/** The refusal of a request admission control could not start soon: 503 with Retry-After and OVERLOADED. */
import type { GraphQLError } from 'graphql';
import { codedError } from '../../../schema/errors.ts';
import { OVERLOADED_RETRY_AFTER_S } from './admission-settings.ts';
import { formatGatewayError } from '../../format-error.ts';
import { APPLICATION_JSON } from '../../http/media-types.ts';
import type { RefusalAnswer } from '../../acceptor/acceptor-messages.ts';

export const OVERLOADED_STATUS = 503;

export const overloadedHeaders = (): Record<string, string> => ({ 'retry-after': String(OVERLOADED_RETRY_AFTER_S) });

export function overloadedError(): GraphQLError {
  return codedError('OVERLOADED', `The gateway is running all the operations it can and could not start this one soon; nothing was run. Retry after ${OVERLOADED_RETRY_AFTER_S} s.`, { retryAfter: OVERLOADED_RETRY_AFTER_S });
}

/** The same refusal as a whole HTTP answer, for the acceptor process to send itself (gateway/acceptor/). */
export function overloadedAnswer(): RefusalAnswer {
  return {
    status: OVERLOADED_STATUS,
    reason: 'Service Unavailable',
    headers: { 'content-type': `${APPLICATION_JSON}; charset=utf-8`, ...overloadedHeaders() },
    body: { errors: [formatGatewayError(overloadedError().toJSON())] },
  };
}
