/**
 * Hive Gateway (the bench's second baseline, `npm run bench -- --peer hive`) loads the checked-in
 * supergraph as it is, and exposes the same public schema as @apollo/gateway's API schema.
 */
import { readFileSync } from 'node:fs';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { buildClientSchema, getIntrospectionQuery, isObjectType, isInputObjectType, isInterfaceType, isEnumType, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH } from '../../schema/compose.ts';
import { apiSchemaOf } from '../../gateway/authz/planning-supergraph.ts';

/**
 * Every named type outside introspection, with its fields (or enum values), sorted: "Customer.email".
 * Federation spec types ("requiresScopes__Scope", which Hive keeps for its own directive) are left out.
 */
function publicShape(schema: GraphQLSchema): string[] {
  return Object.values(schema.getTypeMap())
    .filter((type) => !type.name.includes('__'))
    .flatMap((type) => {
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) return Object.keys(type.getFields()).map((field) => `${type.name}.${field}`);
      if (isEnumType(type)) return type.getValues().map((value) => `${type.name}.${value.name}`);
      return [type.name];
    })
    .sort();
}

async function introspectHive(supergraph: string): Promise<{ status: number; body: { data?: IntrospectionQuery; errors?: unknown[] } }> {
  const runtime = createGatewayRuntime({ supergraph, logging: false });
  try {
    const res = await runtime.fetch('http://hive.invalid/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: getIntrospectionQuery() }),
    });
    return { status: res.status, body: await res.json() };
  } finally {
    await runtime.dispose();
  }
}

describe('the supergraph in Hive Gateway', () => {
  it('loads unchanged and exposes the public schema @apollo/gateway exposes', async () => {
    const supergraph = readFileSync(SUPERGRAPH_PATH, 'utf8');
    const { status, body } = await introspectHive(supergraph);
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    const hive = publicShape(buildClientSchema(body.data!));
    expect(hive).toEqual(publicShape(apiSchemaOf(supergraph)));
    expect(hive.filter((name) => /SourceRecord/.test(name) && !name.startsWith('SourceRecord'))).toEqual([]);
  });
});
