/** How many items a list field is expected to return, from its `@listSize`. */
import { valueFromAST, type FieldNode, type GraphQLField } from 'graphql';
import type { ListSize } from './cost-rules.ts';

/**
 * The largest value among the slicing arguments (the schema's default when the operation gives none,
 * negative values as 0), else `assumedSize`; undefined when neither says.
 * `requireOneSlicingArgument` is not enforced here: argument bounds are checked by the limits and the subgraphs.
 */
export function expectedSize(listSize: ListSize, field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Readonly<Record<string, unknown>>): number | undefined {
  const sizes = listSize.slicingArguments
    .map((name) => slicingValue(field, node, name, variables))
    .filter((value): value is number => typeof value === 'number');
  return sizes.length > 0 ? Math.max(0, ...sizes) : listSize.assumedSize;
}

function slicingValue(field: GraphQLField<unknown, unknown>, node: FieldNode, name: string, variables: Readonly<Record<string, unknown>>): unknown {
  const definition = field.args.find((a) => a.name === name);
  if (!definition) return undefined;
  const argument = node.arguments?.find((a) => a.name.value === name);
  // A variable without a value, or an explicit null, leaves the argument to its default (as the subgraphs read it).
  return (argument && valueFromAST(argument.value, definition.type, variables)) ?? definition.defaultValue;
}
