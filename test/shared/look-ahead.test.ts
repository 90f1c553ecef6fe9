/** selectsPath: what the operation selects a few levels below the field being resolved. */
import { buildSchema, graphql, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { selectsPath } from '../../subgraphs/shared/look-ahead.ts';

const schema = buildSchema(`
  type Links { contactId: ID }
  type Customer { name: String links: Links }
  type Edge { node: Customer }
  type Connection { edges: [Edge] }
  type Query { customers: Connection }
`);

/** Whether customers' resolver sees edges.node.links selected in `query`. */
async function seesLinks(query: string, variableValues: Record<string, unknown> = {}): Promise<boolean> {
  let seen: boolean | undefined;
  const result = await graphql({
    schema, source: query, variableValues,
    rootValue: { customers: (_: unknown, __: unknown, info: GraphQLResolveInfo) => { seen = selectsPath(info, ['edges', 'node', 'links']); return { edges: [] }; } },
  });
  expect(result.errors).toBeUndefined();
  return seen!;
}

describe('selectsPath', () => {
  it('finds a field selected below the current one, through aliases and fragments', async () => {
    expect(await seesLinks('{ customers { edges { node { links { contactId } } } } }')).toBe(true);
    expect(await seesLinks('{ customers { all: edges { node { l: links { contactId } } } } }')).toBe(true);
    expect(await seesLinks('{ customers { edges { ...E } } } fragment E on Edge { node { ... on Customer { links { contactId } } } }')).toBe(true);
  });

  it('does not find a field that is not selected, or skipped', async () => {
    expect(await seesLinks('{ customers { edges { node { name } } } }')).toBe(false);
    expect(await seesLinks('query($no: Boolean!) { customers { edges { node { name links @include(if: $no) { contactId } } } } }', { no: false })).toBe(false);
    expect(await seesLinks('{ customers { edges @skip(if: true) { node { links { contactId } } } } }')).toBe(false);
  });
});
