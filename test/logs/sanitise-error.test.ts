import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { errorForLog } from '../../subgraphs/shared/logging/sanitise-error.ts';
import { codedError } from '../../schema/errors.ts';

describe('errorForLog', () => {
  it("keeps a thrown error's class and stack frames, never its message", () => {
    const thrown = new TypeError('Cannot read properties of null (reading "ada@example.com")');
    const logged = errorForLog(thrown);
    expect(logged).toEqual({ name: 'TypeError', stack: expect.stringMatching(/^at .*sanitise-error\.test\.ts/) });
    expect(JSON.stringify(logged)).not.toContain('ada@example.com');
  });

  it('unwraps a located GraphQLError to the error a resolver threw', () => {
    const located = new GraphQLError('wrapped', { originalError: new RangeError('+33 6 12 34 56 78 is out of range'), path: ['customer'] });
    expect(errorForLog(located)).toMatchObject({ name: 'RangeError' });
    expect(JSON.stringify(errorForLog(located))).not.toContain('+33');
  });

  it("keeps a coded error's code, system and status, and follows its cause", () => {
    const cause = Object.assign(new Error('UNIQUE constraint failed: customers.email = grace@example.org'), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
    const coded = codedError('UPSTREAM_ERROR', 'HubSpot failed (HTTP 500).', { system: 'HubSpot', status: 500 });
    Object.assign(coded, { cause });
    expect(errorForLog(coded)).toMatchObject({ name: 'GraphQLError', code: 'UPSTREAM_ERROR', system: 'HubSpot', status: 500, cause: { name: 'Error', code: 'SQLITE_CONSTRAINT_UNIQUE' } });
    expect(JSON.stringify(errorForLog(coded))).not.toMatch(/grace@|HTTP 500/);
  });

  it('names what was thrown when it is not an Error, without its value', () => {
    expect(errorForLog('token eyJhbGciOi')).toEqual({ name: 'string' });
    expect(errorForLog({ email: 'ada@example.com' })).toEqual({ name: 'object' });
  });
});
