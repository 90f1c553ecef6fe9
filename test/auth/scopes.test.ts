import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH } from '../../schema/compose.ts';
import { readScopeRules } from '../../gateway/authz/scope-rules.ts';
import { SCHEMA_READ_SCOPE, SCOPES } from '../../gateway/auth/scopes.ts';

describe('SCOPES', () => {
  it('lists exactly the scopes the supergraph requires, and schema:read for introspection', () => {
    const { fields, types } = readScopeRules(readFileSync(SUPERGRAPH_PATH, 'utf8'));
    const required = new Set([...fields.values(), ...types.values()].flat(2));
    expect(new Set(SCOPES)).toEqual(new Set([...required, SCHEMA_READ_SCOPE]));
  });
});
