import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kind, parse } from 'graphql';
import { Supergraph } from '@apollo/federation-internals';
import { SUPERGRAPH_PATH, readSubgraphSdl } from '../../schema/compose.ts';
import { SUBGRAPH_NAMES } from '../../schema/subgraphs.ts';
import { readScopeRules } from '../../gateway/authz/scope-rules.ts';
import { apiSchemaOf, supergraphForPlanning } from '../../gateway/authz/planning-supergraph.ts';
import { forbiddenMessage, satisfies } from '../../subgraphs/shared/scope-rule.ts';

const supergraph = readFileSync(SUPERGRAPH_PATH, 'utf8');

/** The contract's authorization table (the header of ../shared/contract/schema.graphql), field by field. */
const CONTRACT_RULES: Record<string, string> = {
  'Query.customer': 'customers:read',
  'Query.customers': 'customers:read',
  'Query.order': 'customers:read',
  'Query.orders': 'customers:read',
  'Query.product': 'customers:read',
  'Customer.email': 'pii:read',
  'Customer.phone': 'pii:read',
  'Customer.phoneExtension': 'pii:read',
  'Customer.address': 'pii:read',
  'Customer.birthDate': 'pii:read',
  'SocialProfile.displayName': 'pii:read',
  'SocialProfile.bio': 'pii:read',
  'Customer.account': 'finance:read',
  'Customer.lifetimeValue': 'finance:read',
  'Mutation.createCustomer': 'customers:write',
  'Mutation.updateCustomer': 'customers:write',
  'Mutation.cancelOrder': 'orders:write',
};

/**
 * Beyond the contract: the discrepancy report and sync monitoring (issue 5), a write's status (issue 11);
 * space-separated scopes are one AND-group, a list of such strings an OR of them.
 */
const SYNC_RULES: Record<string, string | string[]> = {
  'Query.discrepancies': 'sync:read',
  'Query.syncStatus': 'sync:read',
  'Customer.discrepancies': 'sync:read',
  'Discrepancy.customer': 'sync:read customers:read',
  'Discrepancy.order': 'sync:read customers:read',
  'Mutation.resolveDiscrepancy': 'customers:write',
  'Query.writeStatus': ['customers:write', 'orders:write'],
};
const ALL_RULES: Record<string, string | string[]> = { ...CONTRACT_RULES, ...SYNC_RULES };
const groups = (scopes: string | string[]) => (Array.isArray(scopes) ? scopes : [scopes]).map((group) => group.split(' '));

describe('readScopeRules', () => {
  it('reads every rule of the contract and of the sync report from the supergraph, and no other', () => {
    const rules = readScopeRules(supergraph);
    expect(Object.fromEntries(rules.fields)).toEqual(Object.fromEntries(Object.entries(ALL_RULES).map(([field, scopes]) => [field, groups(scopes)])));
    expect(rules.types.size).toBe(0);
  });

  it('covers every Query field of the API schema', () => {
    const query = apiSchemaOf(supergraph).getQueryType()!;
    expect(Object.keys(query.getFields()).map((f) => `Query.${f}`).filter((c) => !ALL_RULES[c])).toEqual([]);
  });

  it('follows a renamed @requiresScopes, and reads rules on types', () => {
    const sdl = `
      schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", as: "scopes", for: SECURITY) { query: Query }
      type Query { a: Secret @scopes(scopes: [["x", "y"], ["z"]]) b: String @requiresScopes(scopes: [["ignored"]]) }
      type Secret @scopes(scopes: [["s"]]) { v: String }`;
    const rules = readScopeRules(sdl);
    expect(Object.fromEntries(rules.fields)).toEqual({ 'Query.a': [['x', 'y'], ['z']] });
    expect(Object.fromEntries(rules.types)).toEqual({ Secret: [['s']] });
  });
});

describe('the subgraph SDLs', () => {
  it('annotate a field defined in several subgraphs the same way in each', () => {
    const seen = new Map<string, Map<string, string>>();
    for (const name of SUBGRAPH_NAMES) {
      for (const definition of parse(readSubgraphSdl(name)).definitions) {
        if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
        for (const field of definition.fields ?? []) {
          const rule = field.directives?.find((d) => d.name.value === 'requiresScopes');
          const coordinate = `${definition.name.value}.${field.name.value}`;
          seen.set(coordinate, (seen.get(coordinate) ?? new Map()).set(name, rule ? JSON.stringify(rule.arguments) : 'none'));
        }
      }
    }
    const inconsistent = [...seen].filter(([, bySubgraph]) => new Set(bySubgraph.values()).size > 1).map(([coordinate]) => coordinate);
    expect(inconsistent).toEqual([]);
  });
});

describe('supergraphForPlanning', () => {
  it('gives @apollo/gateway a supergraph it accepts: without the requiresScopes feature, the same API', () => {
    expect(() => Supergraph.build(supergraph)).toThrow('feature https://specs.apollo.dev/requiresScopes/v0.1 is for: SECURITY but is unsupported');
    const planned = supergraphForPlanning(supergraph);
    expect(planned).not.toMatch(/requiresScopes/);
    expect(() => Supergraph.build(planned)).not.toThrow();
    expect(readScopeRules(planned).fields.size).toBe(0);
  });
});

describe('scope rules', () => {
  it('are an OR of AND-groups', () => {
    const rule = [['a', 'b'], ['c']];
    expect(satisfies(rule, new Set(['a']))).toBe(false);
    expect(satisfies(rule, new Set(['a', 'b']))).toBe(true);
    expect(satisfies(rule, new Set(['c']))).toBe(true);
    expect(satisfies([], new Set(['a']))).toBe(false);
  });

  it('name the field and the scopes it needs when refused', () => {
    expect(forbiddenMessage('Customer.email', [['pii:read']], false)).toBe('Not authorized to read Customer.email: requires the scope pii:read.');
    expect(forbiddenMessage('Mutation.cancelOrder', [['a', 'b'], ['c']], true)).toBe('Not authorized to call Mutation.cancelOrder: requires the scopes a and b, or the scope c.');
  });
});
