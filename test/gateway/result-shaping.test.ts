/**
 * The gateway's compiled result shaping (gateway/result-shaping/compiled-shaping.ts) against
 * @apollo/gateway's own computeResponse, which it replaces: on the same operation and the same merged
 * subgraph answers, the same data, the same errors and the same thrown assertion. Inputs are generated
 * from each operation's selections with a seeded random source, including what a faulty subgraph could
 * send: nulls in non-null fields, missing fields, leaves of the wrong type, unknown __typenames, extra
 * helper fields, lists of any length. A gateway started over the stand-ins shapes with it (checked).
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  buildSchema, isCompositeType, isEnumType, isListType, isNonNullType, operationFromDocument, Supergraph,
  type NamedType, type Operation, type OutputType, type Schema, type SelectionSet,
} from '@apollo/federation-internals';
import { computeResponse, type ShapingInput, type ShapingResult } from '../../gateway/result-shaping/compiled-shaping.ts';
import { supergraphForPlanning } from '../../gateway/authz/planning-supergraph.ts';
import { UNIFIED_CUSTOMER_FIELDS } from '../load/queries.ts';

const require = createRequire(import.meta.url);
const SHAPING_MODULE = '@apollo/gateway/dist/resultShaping.js';

/** Apollo's own computeResponse, from a fresh copy of its module (the loaded one may have been replaced by the installer). */
function apolloComputeResponse(): (input: ShapingInput) => ShapingResult {
  const path = require.resolve(SHAPING_MODULE);
  const loaded = require.cache[path];
  delete require.cache[path];
  try {
    return (require(SHAPING_MODULE) as { computeResponse: (input: ShapingInput) => ShapingResult }).computeResponse;
  } finally {
    if (loaded) require.cache[path] = loaded;
  }
}
const apollo = apolloComputeResponse();

const apiSchema = Supergraph.build(supergraphForPlanning(readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'))).apiSchema();

/** A schema with what the API schema lacks: an interface, a union, non-null lists, an enum. */
const abstractSchema = buildSchema(`
  type Query { items: [Item!]! results(kind: String): [Result] one: Item first: Item! }
  interface Item { id: ID! name: String }
  type Book implements Item { id: ID! name: String pages: Int! tags: [String!] }
  type Film implements Item { id: ID! name: String minutes: Float kind: Kind }
  union Result = Book | Film
  enum Kind { SHORT LONG }
`);

/** What each implementation did: its answer, or the message of what it threw. */
function outcome(shape: (input: ShapingInput) => ShapingResult, input: ShapingInput): unknown {
  try {
    const { data, errors } = shape(input);
    return { data: JSON.parse(JSON.stringify(data ?? null)), errors: errors.map((e) => ({ message: e.message, path: e.path, code: e.extensions?.code })) };
  } catch (err) {
    return { threw: (err as Error).message };
  }
}

const introspectionHandling = (selection: { element: { responseName(): string } }) => ({ introspected: selection.element.responseName() });

/** Random merged subgraph answers for `selectionSet`: mostly well-formed, sometimes what a faulty subgraph would send. */
function generator(schema: Schema, seed: string) {
  const random = seedrandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const objectTypes = schema.objectTypes().filter((t) => !t.name.startsWith('__') && t !== schema.schemaDefinition.rootType('query'));

  const leaf = (type: NamedType): unknown => {
    const roll = random();
    if (roll < 0.05) return pick([true, 1.5, 'text', 7, {}]);
    if (isEnumType(type)) return pick(type.values.map((v) => v.name));
    switch (type.name) {
      case 'Int': return Math.floor(random() * 100);
      case 'Float': return random() * 100;
      case 'Boolean': return random() < 0.5;
      default: return `v${Math.floor(random() * 1000)}`;
    }
  };
  const value = (type: OutputType, selectionSet: SelectionSet | undefined, depth: number): unknown => {
    const roll = random();
    if (roll < 0.06) return null;
    if (isNonNullType(type)) return value(type.ofType, selectionSet, depth);
    if (isListType(type)) return Array.from({ length: Math.floor(random() * (depth > 3 ? 2 : 4)) }, () => value(type.ofType, selectionSet, depth + 1));
    if (isCompositeType(type)) return object(selectionSet!, type.name, depth + 1);
    return leaf(type);
  };
  const object = (selectionSet: SelectionSet, typeName: string, depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const roll = random();
    if (roll < 0.03) out.__typename = 'NoSuchType';
    else if (roll < 0.5) out.__typename = objectTypes.some((t) => t.name === typeName) ? typeName : pick(objectTypes).name;
    if (random() < 0.2) out.__helper_key = 'kept for a key';
    fill(selectionSet, out, depth);
    return out;
  };
  const fill = (selectionSet: SelectionSet, out: Record<string, unknown>, depth: number) => {
    for (const selection of selectionSet.selections()) {
      if (selection.kind === 'FragmentSelection') {
        fill(selection.selectionSet, out, depth);
        continue;
      }
      const field = selection.element;
      if (random() < 0.04) continue;
      if (field.name === '__typename') {
        if (random() < 0.5) out[field.responseName()] = pick([...objectTypes.map((t) => t.name), 'NoSuchType']);
        continue;
      }
      if (field.definition.isSchemaIntrospectionField()) continue;
      out[field.responseName()] = value(field.definition.type!, selection.selectionSet, depth);
    }
  };
  return (operation: Operation) => object(operation.selectionSet, operation.selectionSet.parentType.name, 0);
}

function compare(schema: Schema, query: string, variableSets: Record<string, unknown>[], seed: string, runs: number): number {
  const operation = operationFromDocument(schema, parse(query));
  const generate = generator(schema, seed);
  let errorsSeen = 0;
  for (let i = 0; i < runs; i++) {
    const variables = variableSets[i % variableSets.length];
    const input = { operation, variables, input: generate(operation), introspectionHandling } as unknown as ShapingInput;
    const ours = outcome(computeResponse, input);
    expect(ours, `run ${i} of ${seed}`).toEqual(outcome(apollo, input));
    if ((ours as { errors?: unknown[] }).errors?.length || 'threw' in (ours as object)) errorsSeen += 1;
  }
  return errorsSeen;
}

describe('compiled result shaping', () => {
  it("answers as Apollo's computeResponse on the unified customer page, faulty answers included", () => {
    const query = `query Page($skipPosts: Boolean!, $withOrders: Boolean = true) { customers(first: 50) { edges { node {
      ${UNIFIED_CUSTOMER_FIELDS.replace('recentPosts(first: 1)', 'recentPosts(first: 1) @skip(if: $skipPosts)').replace('orders(first: 2)', 'orders(first: 2) @include(if: $withOrders)')}
      kind: __typename alias: name ...on Customer { email who: id } } } } }`;
    const errorsSeen = compare(apiSchema, query, [{ skipPosts: false }, { skipPosts: true, withOrders: false }], 'page', 300);
    // The generated answers do exercise the error paths (nulls in non-null fields, invalid leaves, unknown types).
    expect(errorsSeen).toBeGreaterThan(30);
  });

  it('answers as Apollo on interfaces, unions, inline and named fragments, literal conditions and introspection', () => {
    const query = `query { __typename
      items { __typename id ... on Book { pages tags } ... on Film { minutes kind } ... on Item { name } }
      results { ... on Book { id pages } ... on Film { id kind } ... on Item { name } t: __typename }
      one { id name @skip(if: true) ... @include(if: false) { id } ... on Book { pages @include(if: true) } }
      first { id ... on Film { minutes } ...BookParts @include(if: true) }
      schemaName: __schema { queryType { name } } }
      fragment BookParts on Book { pages name tags }`;
    const errorsSeen = compare(abstractSchema, query, [{}], 'abstract', 400);
    expect(errorsSeen).toBeGreaterThan(30);
  });

  it('answers as Apollo for a mutation, with no data, and with an empty object', () => {
    const query = 'mutation($id: ID!, $v: String!, $phone: String!) { updateCustomer(id: $id, expectedVersion: $v, input: { phone: $phone }) { customer { id version phone } } }';
    const operation = operationFromDocument(apiSchema, parse(query));
    for (const input of [null, undefined, {}, { updateCustomer: null }, { updateCustomer: { customer: { id: '1', version: 'v', phone: null, extra: 1 } } }]) {
      const shaping = { operation, variables: {}, input, introspectionHandling } as unknown as ShapingInput;
      expect(outcome(computeResponse, shaping)).toEqual(outcome(apollo, shaping));
    }
    expect(compare(apiSchema, query, [{ id: '1', v: 'v', phone: '+1' }], 'mutation', 100)).toBeGreaterThan(0);
  });
});
