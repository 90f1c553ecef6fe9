import { parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readsSchema } from '../../gateway/authz/introspection-access.ts';

const reads = (query: string) => {
  const document = parse(query);
  return readsSchema(document, document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!);
};

describe('readsSchema', () => {
  it('finds __schema and __type at the root, in inline fragments and in named fragments', () => {
    expect(reads('{ __schema { queryType { name } } }')).toBe(true);
    expect(reads('{ customers(first: 1) { edges { cursor } } __type(name: "Customer") { name } }')).toBe(true);
    expect(reads('{ ... on Query { __schema { types { name } } } }')).toBe(true);
    expect(reads('query { ...A } fragment A on Query { ...B } fragment B on Query { __type(name: "Order") { name } }')).toBe(true);
  });

  it('leaves __typename and ordinary fields alone', () => {
    expect(reads('{ __typename customers(first: 1) { edges { node { __typename id } } } }')).toBe(false);
    expect(reads('query { ...A } fragment A on Query { customers(first: 1) { edges { cursor } } }')).toBe(false);
  });
});
