/** Where a fetch's answer goes in the subgraph's response: the paths the gateway maps onto the client's. */
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import type { SubgraphRequest } from './types.ts';

/** The paths of everything a fetch should have returned: each entity, or each root field. */
export function fetchPaths(request: SubgraphRequest): (string | number)[][] {
  const representations = request.variables?.representations;
  if (Array.isArray(representations)) return representations.map((_, i) => ['_entities', i]);
  try {
    const operation = parse(request.query ?? '').definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    return (operation?.selectionSet.selections ?? [])
      .flatMap((s) => (s.kind === Kind.FIELD ? [[(s.alias ?? s.name).value]] : []));
  } catch {
    return [[]];
  }
}
