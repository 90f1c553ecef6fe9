/**
 * An operation's estimated cost, before anything is fetched: Apollo Router's static estimate
 * ("demand control", after the IBM GraphQL Cost Directives draft) over the weights and list sizes
 * the subgraph SDLs declare. See README.md beside this file for the rules and a worked example.
 */
import { getNamedType, getNullableType, isAbstractType, isCompositeType, isListType, Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLObjectType, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { CostRules } from './cost-rules.ts';
import { collectFields, type Selection } from './collect-fields.ts';
import { expectedSize } from './list-size.ts';

/** What a mutation costs before its fields, as in Apollo Router: a write is never cheap. */
const MUTATION_BASE_COST = 10;
/** The size of a list whose field declares no `@listSize` (nor gets one from its connection). */
const DEFAULT_LIST_SIZE = 10;

/** The size a connection's `sizedFields` (its `edges`) take from the connection's slicing argument. */
interface SizedFields { fields: readonly string[]; size: number }

interface Walk extends Selection {
  rules: CostRules;
  /** Costs already computed, by parent type, field nodes and size: fragments spread many times are walked once. */
  memo: Map<string, number>;
  nodeIds: Map<FieldNode, number>;
}

/**
 * The estimated cost of `operation` (a validated operation of `document`, against the API schema) with
 * its coerced variables. An integer, at most Number.MAX_SAFE_INTEGER.
 */
export function estimateCost(
  schema: GraphQLSchema,
  rules: CostRules,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): number {
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const walk: Walk = { schema, fragments, variables, rules, memo: new Map(), nodeIds: new Map() };
  const base = operation.operation === 'mutation' ? MUTATION_BASE_COST : 0;
  return Math.min(base + selectionCost(walk, root, [operation.selectionSet], undefined), Number.MAX_SAFE_INTEGER);
}

/** The cost of a selection on `type`: on an interface or union, that of the costliest type it may be. */
function selectionCost(walk: Walk, type: GraphQLCompositeType, selectionSets: readonly (SelectionSetNode | undefined)[], sized: SizedFields | undefined): number {
  const sets = selectionSets.filter((set): set is SelectionSetNode => set !== undefined);
  const runtimeTypes = isAbstractType(type) ? walk.schema.getPossibleTypes(type) : [type];
  let costliest = 0;
  for (const runtimeType of runtimeTypes) {
    let cost = 0;
    for (const nodes of collectFields(walk, runtimeType, sets).values()) cost += fieldCost(walk, runtimeType, nodes, sized);
    costliest = Math.max(costliest, cost);
  }
  return costliest;
}

/**
 * items × (weight + the cost of the selection below it), where weight is the field's `@cost`, else its
 * type's, else 1 for an object, interface or union and 0 for a scalar or enum; items is 1 for a field
 * that is not a list. Introspection fields (`__typename`, `__schema`, `__type`) cost 0: the gateway
 * answers them without asking any subgraph.
 */
function fieldCost(walk: Walk, parent: GraphQLObjectType, nodes: readonly FieldNode[], sized: SizedFields | undefined): number {
  const field = parent.getFields()[nodes[0].name.value];
  if (!field) return 0;
  const key = `${parent.name}|${nodes.map((node) => idOf(walk, node)).join(',')}|${sized?.fields.includes(field.name) ? sized.size : ''}`;
  const known = walk.memo.get(key);
  if (known !== undefined) return known;
  const coordinate = `${parent.name}.${field.name}`;
  const type = getNamedType(field.type);
  const listSize = walk.rules.listSizes.get(coordinate);
  const size = sized?.fields.includes(field.name) ? sized.size : listSize && expectedSize(listSize, field, nodes[0], walk.variables);
  const items = isListType(getNullableType(field.type)) ? size ?? DEFAULT_LIST_SIZE : 1;
  const weight = walk.rules.fieldWeights.get(coordinate) ?? walk.rules.typeWeights.get(type.name) ?? (isCompositeType(type) ? 1 : 0);
  const below = items === 0 || !isCompositeType(type) ? 0
    : selectionCost(walk, type, nodes.map((node) => node.selectionSet), listSize?.sizedFields.length ? { fields: listSize.sizedFields, size: size ?? DEFAULT_LIST_SIZE } : undefined);
  const cost = items === 0 ? 0 : items * (weight + below);
  walk.memo.set(key, cost);
  return cost;
}

function idOf(walk: Walk, node: FieldNode): number {
  let id = walk.nodeIds.get(node);
  if (id === undefined) walk.nodeIds.set(node, (id = walk.nodeIds.size));
  return id;
}
