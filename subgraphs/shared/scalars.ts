/** The DateTime scalar every subgraph declares: canonical UTC ISO-8601 with milliseconds. */
import { GraphQLScalarType, Kind } from 'graphql';
import { toDateTime } from './datetime.ts';
import { codedError } from '../../schema/errors.ts';

function canonical(value: unknown): string {
  const result = typeof value === 'string' || typeof value === 'number' ? toDateTime(value) : null;
  if (result === null) throw codedError('BAD_USER_INPUT', `DateTime cannot represent "${String(value)}".`);
  return result;
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant, always serialized in UTC as ISO-8601 with milliseconds: 2026-11-20T09:15:00.000Z.',
  serialize: canonical,
  parseValue: canonical,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw codedError('BAD_USER_INPUT', 'DateTime must be a string.');
    return canonical(ast.value);
  },
});
