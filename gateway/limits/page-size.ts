/**
 * Bounds on every list's page size: each `first` or `last` argument anywhere in the operation (any
 * field, fragments included, values from variables and defaults) must be from 1 to the limit. The
 * subgraphs check their own connections too; this covers every list at the door, before any fetch.
 */
import { getArgumentValues, getNamedType, isInterfaceType, isObjectType, Kind, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { codedError } from '../../schema/errors.ts';

const PAGE_ARGUMENTS = new Set(['first', 'last']);

/** The first page-size argument out of 1..max, as a BAD_USER_INPUT error naming it; null when all are in range. */
export function pageSizeError(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>, max: number): GraphQLError | null {
  const typeInfo = new TypeInfo(schema);
  let error: GraphQLError | null = null;
  const check = visitWithTypeInfo(typeInfo, {
    Field(node) {
      const field = typeInfo.getFieldDef();
      const parent = typeInfo.getParentType();
      if (error || !field || !parent || !field.args.some((a) => PAGE_ARGUMENTS.has(a.name) && getNamedType(a.type).name === 'Int')) return;
      const values = getArgumentValues(field, node, variables);
      for (const name of PAGE_ARGUMENTS) {
        const value = values[name];
        if (typeof value !== 'number' || (value >= 1 && value <= max)) continue;
        error = codedError('BAD_USER_INPUT', `Argument "${name}" of ${parent.name}.${field.name} must be from 1 to ${max}: ${value}.`, { argument: name, field: `${parent.name}.${field.name}` });
        return;
      }
    },
  });
  // The operation and the fragments it may spread (validation has refused unused fragments).
  for (const definition of document.definitions) {
    if (definition === operation || definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition, check);
  }
  return error;
}

/** The largest default of any `first`/`last` in the schema: a smaller limit would refuse operations that never set one. */
export function largestDefaultPageSize(schema: GraphQLSchema): number {
  let largest = 0;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      for (const arg of field.args) {
        if (PAGE_ARGUMENTS.has(arg.name) && typeof arg.defaultValue === 'number') largest = Math.max(largest, arg.defaultValue);
      }
    }
  }
  return largest;
}
