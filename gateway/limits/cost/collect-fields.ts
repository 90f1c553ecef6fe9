/**
 * The fields a selection selects on one object type, merged by response key as execution merges them
 * (CollectFields in the GraphQL spec): fragments followed when their type condition applies, fields
 * under a false @include or a true @skip left out.
 *
 * Unlike graphql-js's own (internal) collectFields, this never throws on a variable without a value
 * (variables that do not coerce): such a condition counts the field in, the costlier reading.
 */
import { isAbstractType, Kind, typeFromAST, type FieldNode, type FragmentDefinitionNode, type GraphQLObjectType, type GraphQLSchema, type NamedTypeNode, type SelectionNode, type SelectionSetNode, type ValueNode } from 'graphql';

export interface Selection {
  schema: GraphQLSchema;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  variables: Readonly<Record<string, unknown>>;
}

/** The field nodes selected on `type` by these selection sets (one per response key, in order). */
export function collectFields(selection: Selection, type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[]): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const spread = new Set<string>();
  const applies = (condition: NamedTypeNode | undefined) => {
    if (!condition) return true;
    const conditionType = typeFromAST(selection.schema, condition);
    return conditionType === type || (isAbstractType(conditionType) && selection.schema.isSubType(conditionType, type));
  };
  const visit = (selectionSet: SelectionSetNode) => {
    for (const node of selectionSet.selections) {
      if (!included(node, selection.variables)) continue;
      if (node.kind === Kind.FIELD) {
        const key = node.alias?.value ?? node.name.value;
        fields.set(key, [...(fields.get(key) ?? []), node]);
      } else if (node.kind === Kind.INLINE_FRAGMENT) {
        if (applies(node.typeCondition)) visit(node.selectionSet);
      } else if (!spread.has(node.name.value)) {
        spread.add(node.name.value);
        const fragment = selection.fragments.get(node.name.value);
        if (fragment && applies(fragment.typeCondition)) visit(fragment.selectionSet);
      }
    }
  };
  for (const selectionSet of selectionSets) visit(selectionSet);
  return fields;
}

/** False under `@skip(if: true)` or `@include(if: false)`; a condition without a value includes. */
function included(node: SelectionNode, variables: Readonly<Record<string, unknown>>): boolean {
  const condition = (name: string) => {
    const value = node.directives?.find((d) => d.name.value === name)?.arguments?.find((a) => a.name.value === 'if')?.value;
    return value && booleanValue(value, variables);
  };
  return condition('skip') !== true && condition('include') !== false;
}

function booleanValue(value: ValueNode, variables: Readonly<Record<string, unknown>>): boolean | undefined {
  if (value.kind === Kind.BOOLEAN) return value.value;
  const bound = value.kind === Kind.VARIABLE ? variables[value.name.value] : undefined;
  return typeof bound === 'boolean' ? bound : undefined;
}
