/**
 * Filters and searches follow field authorization: a field whose arguments filter on data the caller
 * may not read (`customers(filter: { email: … })` without pii:read) is refused as a whole, like a
 * field the caller may not select. Which input fields disclose which output fields is the one table in
 * subgraphs/shared/filter-disclosures.ts; the scopes come from the output fields' rules.
 *
 * The arguments are read as the gateway will execute them (literals, variables, nested input
 * objects, lists), so neither variables nor aliases nor fragments get around the check.
 */
import {
  getArgumentValues, getNamedType, isCompositeType, Kind,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import { FILTER_DISCLOSURES, forbiddenFilter, inputFieldsUsed } from '../../subgraphs/shared/filter-disclosures.ts';
import { rulesFor, type ScopeRule, type ScopeRules } from './scope-rules.ts';

/** Field nodes of one operation refused for their arguments, each with its FORBIDDEN message. */
export type ForbiddenFilters = ReadonlyMap<FieldNode, string>;

/**
 * The fields of `operation` (following its fragments) whose arguments, with the request's coerced
 * variables, filter on a field `scopes` may not read. The document must be valid against `schema`.
 */
export function forbiddenFilters(
  schema: GraphQLSchema, rules: ScopeRules, document: DocumentNode, operation: OperationDefinitionNode,
  variables: Record<string, unknown>, scopes: ReadonlySet<string>, table: ReadonlyMap<string, readonly string[]> = FILTER_DISCLOSURES,
): ForbiddenFilters {
  const forbidden = new Map<FieldNode, string>();
  const rootType = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (!rootType) return forbidden;
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const visited = new Set<FragmentDefinitionNode>();
  const rulesOf = (coordinate: string) => outputRules(schema, rules, coordinate);

  const check = (set: SelectionSetNode, parentType: GraphQLCompositeType): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = 'getFields' in parentType ? parentType.getFields()[selection.name.value] : undefined;
        if (!field) continue;
        const message = selection.arguments?.length
          ? forbiddenFilter(inputFieldsUsed(field.args, getArgumentValues(field, selection, variables)), scopes, rulesOf, table)
          : undefined;
        if (message) forbidden.set(selection, message);
        else if (selection.selectionSet) check(selection.selectionSet, getNamedType(field.type) as GraphQLCompositeType);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        check(selection.selectionSet, compositeType(schema, selection.typeCondition?.name.value) ?? parentType);
      } else {
        const fragment = fragments.get(selection.name.value);
        const type = compositeType(schema, fragment?.typeCondition.name.value);
        if (!fragment || !type || visited.has(fragment)) continue;
        visited.add(fragment);
        check(fragment.selectionSet, type);
      }
    }
  };
  check(operation.selectionSet, rootType);
  return forbidden;
}

/**
 * Checks that every output field the table names exists in `schema` (when the input type it belongs
 * to does), so that a renamed field cannot leave a filter unguarded.
 */
export function checkDisclosures(schema: GraphQLSchema, rules: ScopeRules, table: ReadonlyMap<string, readonly string[]> = FILTER_DISCLOSURES): void {
  for (const [input, outputs] of table) {
    if (!schema.getType(input.split('.')[0])) continue;
    for (const output of outputs) outputRules(schema, rules, output);
  }
}

/** Every rule reading `Type.field` must satisfy; throws for a field the schema does not have. */
function outputRules(schema: GraphQLSchema, rules: ScopeRules, coordinate: string): ScopeRule[] {
  const [typeName, fieldName] = coordinate.split('.');
  const type = schema.getType(typeName);
  const field = type && isCompositeType(type) && 'getFields' in type ? type.getFields()[fieldName] : undefined;
  if (!type || !field) throw new Error(`The filter disclosure table names ${coordinate}, which the API schema does not have.`);
  return rulesFor(schema, rules, type as GraphQLCompositeType, field);
}

function compositeType(schema: GraphQLSchema, name: string | undefined): GraphQLCompositeType | undefined {
  const type = name === undefined ? undefined : schema.getType(name);
  return type && isCompositeType(type) ? type : undefined;
}
