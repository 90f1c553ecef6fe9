/**
 * Apollo gateway's last step, result shaping (`computeResponse` in @apollo/gateway's resultShaping.js):
 * from the merged subgraph answers, the response the operation asked for (its fields in order, under
 * their aliases, helper fields dropped, `__typename` filled in, nulls propagated, invalid leaves
 * reported). The same algorithm, the same answers and errors, done with less work per value: Apollo's
 * walks the operation's selections anew for every object of the response, and for every field looks up
 * its @skip and @include directives (two filtered copies of the field's directives), its type and its
 * response name, and allocates a result object and the closures of its assertions. Here each selection
 * set is read once per request into a flat list (`compile`), and the walk over the data allocates only
 * the response itself. On a page of 50 customers with their orders Apollo's was the largest part of the
 * gateway's own work once the subgraphs had answered (README, Work per request in the gateway).
 * `test/gateway/result-shaping.test.ts` compares both on the same inputs.
 */
import {
  assert, ERRORS, isCompositeType, isListType, isNonNullType, isObjectType, isSubtype, isValidLeafValue, typenameFieldName, Variable,
  type CompositeType, type FieldSelection, type FragmentSelection, type Operation, type OutputType, type Schema, type Selection, type SelectionSet,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';

/** computeResponse's arguments and answer, as executeQueryPlan passes and reads them. */
export interface ShapingInput {
  operation: Operation;
  variables?: Record<string, unknown>;
  input: Record<string, unknown> | null | undefined;
  introspectionHandling: (selection: FieldSelection) => unknown;
}
export interface ShapingResult {
  data: Record<string, unknown> | null | undefined;
  errors: GraphQLError[];
}

/** An @skip or @include condition: its `if` as written (a literal, or a variable read per request). */
type Condition = boolean | Variable | undefined;

interface CompiledField {
  field: true;
  selection: FieldSelection;
  skip: Condition;
  include: Condition;
  responseName: string;
  isTypename: boolean;
  isIntrospection: boolean;
  type: OutputType;
  selectionSet: SelectionSet | undefined;
}

interface CompiledFragment {
  field: false;
  skip: Condition;
  include: Condition;
  typeCondition: CompositeType | undefined;
  selectionSet: SelectionSet;
  /** Whether the condition holds, by the object's __typename ('' for none), as learnt in this request. */
  applies: Map<string, boolean>;
}

type Compiled = CompiledField | CompiledFragment;

/** One request's walk: what it needs at every value, and the flags each value's update leaves. */
interface Walk {
  schema: Schema;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  introspectionHandling: (selection: FieldSelection) => unknown;
  compiled: Map<SelectionSet, Compiled[]>;
  /** Set by update(): the value is a null where a non-null was required (its parent must become null). */
  invalid: boolean;
  /** Set by update(): an error was recorded for the value (no second one for the same null). */
  hasErrors: boolean;
}

/** The NULL_BUBBLE_UP of Apollo's applySelectionSet: the object must become null. */
const NULL_BUBBLE_UP = false;

/** Apollo's computeResponse, with its signature and answers: the response's data (null when a null reached the root) and the errors found shaping it. */
export function computeResponse({ operation, variables, input, introspectionHandling }: ShapingInput): ShapingResult {
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const walk: Walk = {
    schema,
    variables: { __proto__: null, ...operation.collectDefaultedVariableValues(), ...variables } as Record<string, unknown>,
    errors: [],
    introspectionHandling,
    compiled: new Map(),
    invalid: false,
    hasErrors: false,
  };
  const data = Object.create(null) as Record<string, unknown>;
  const ok = applySelectionSet(walk, operation.selectionSet, input, data, [], schema.schemaDefinition.rootType(operation.rootKind)!);
  return { data: ok ? data : null, errors: walk.errors };
}

function compile(walk: Walk, selectionSet: SelectionSet): Compiled[] {
  let compiled = walk.compiled.get(selectionSet);
  if (!compiled) walk.compiled.set(selectionSet, (compiled = selectionSet.selections().map((selection) => compileSelection(walk.schema, selection))));
  return compiled;
}

function compileSelection(schema: Schema, selection: Selection): Compiled {
  const element = selection.element;
  const skip = element.appliedDirectivesOf(schema.skipDirective())[0]?.arguments().if as Condition;
  const include = element.appliedDirectivesOf(schema.includeDirective())[0]?.arguments().if as Condition;
  if (selection.kind === 'FieldSelection') {
    const field = selection.element;
    return {
      field: true, selection, skip, include,
      responseName: field.responseName(),
      isTypename: field.name === typenameFieldName,
      isIntrospection: field.definition.isSchemaIntrospectionField(),
      type: field.definition.type!,
      selectionSet: selection.selectionSet,
    };
  }
  const fragment = (selection as FragmentSelection).element;
  return { field: false, skip, include, typeCondition: fragment.typeCondition, selectionSet: selection.selectionSet!, applies: new Map() };
}

function ifValue(condition: boolean | Variable, variables: Record<string, unknown>): boolean {
  if (!(condition instanceof Variable)) return condition;
  const value = variables[condition.name];
  assert(value !== undefined && typeof value === 'boolean', () => `Unexpected value ${value} for variable ${condition}`);
  return value;
}

const skipped = (c: Compiled, variables: Record<string, unknown>) =>
  (c.skip !== undefined && ifValue(c.skip, variables)) || (c.include !== undefined && !ifValue(c.include, variables));

/** Fills `output` from `input` for the selections; false when the object must become null (NULL_BUBBLE_UP). */
function applySelectionSet(walk: Walk, selectionSet: SelectionSet, input: Record<string, unknown>, output: Record<string, unknown>, path: (string | number)[], parentType: CompositeType): boolean {
  for (const c of compile(walk, selectionSet)) {
    if (skipped(c, walk.variables)) continue;
    if (c.field) {
      const name = c.responseName;
      const outputValue = output[name];
      if (c.isIntrospection) {
        if (outputValue === undefined) output[name] = walk.introspectionHandling(c.selection);
        continue;
      }
      let inputValue = Object.prototype.hasOwnProperty.call(input, name) ? input[name] ?? null : null;
      if (c.isTypename) {
        if (outputValue === undefined) {
          if (inputValue === null && name !== typenameFieldName) inputValue = input[typenameFieldName] ?? null;
          const type = inputValue !== null && typeof inputValue === 'string' ? walk.schema.type(inputValue) ?? parentType : parentType;
          if (!isObjectType(type)) return NULL_BUBBLE_UP;
          output[name] = type.name;
        }
        continue;
      }
      path.push(name);
      output[name] = update(walk, outputValue, c.type, inputValue, c.selectionSet, path, parentType);
      path.pop();
      if (walk.invalid) return NULL_BUBBLE_UP;
    } else {
      const typename = input[typenameFieldName];
      if (typename && typeof typename !== 'string') assert(false, () => `Got unexpected value for __typename: ${typename}`);
      if (fragmentApplies(walk, c, typename as string | undefined, parentType)
        && !applySelectionSet(walk, c.selectionSet, input, output, path, c.typeCondition ?? parentType)) return NULL_BUBBLE_UP;
    }
  }
  return true;
}

function fragmentApplies(walk: Walk, c: CompiledFragment, typename: string | undefined, parentType: CompositeType): boolean {
  const condition = c.typeCondition;
  if (!condition) return true;
  if (!typename) return isSubtype(condition, parentType);
  let applies = c.applies.get(typename);
  if (applies === undefined) {
    const type = walk.schema.type(typename);
    c.applies.set(typename, (applies = !!type && isSubtype(condition, type)));
  }
  return applies;
}

/** Apollo's updateOutputValue: the value to put in the response; sets walk.invalid and walk.hasErrors as its answer's flags. */
function update(walk: Walk, outputValue: unknown, type: OutputType, inputValue: unknown, selectionSet: SelectionSet | undefined, path: (string | number)[], parentType: CompositeType): unknown {
  if (inputValue === undefined) assert(false, 'Should not pass undefined for `inputValue` to this method');
  walk.invalid = false;
  walk.hasErrors = false;
  if (outputValue === null || (outputValue !== undefined && !selectionSet)) return outputValue;
  if (isNonNullType(type)) {
    const updated = update(walk, outputValue, type.ofType, inputValue, selectionSet, path, parentType);
    if (updated !== null) {
      // Apollo's answer here carries no flags, whatever the value's own were.
      walk.invalid = false;
      walk.hasErrors = false;
      return updated;
    }
    if (!walk.hasErrors) walk.errors.push(ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${describeLast(path, type.ofType, parentType)}.`, { path: Array.from(path) }));
    walk.invalid = true;
    walk.hasErrors = true;
    return null;
  }
  if (inputValue === null) return null;
  if (isListType(type)) return updateList(walk, outputValue, type, inputValue, selectionSet, path, parentType);
  if (isCompositeType(type)) return updateObject(walk, outputValue, type, inputValue, selectionSet, path, parentType);
  if (outputValue !== undefined) assert(false, () => `Excepted output to be undefined but got ${type} for type ${type}`);
  const valid = isValidLeafValue(walk.schema, inputValue, type as Parameters<typeof isValidLeafValue>[2]);
  if (!valid) walk.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${describeLast(path, type, parentType)}.`, { path: Array.from(path) }));
  walk.hasErrors = !valid;
  return valid ? inputValue : null;
}

function updateList(walk: Walk, outputValue: unknown, type: OutputType & { ofType: OutputType }, inputValue: unknown, selectionSet: SelectionSet | undefined, path: (string | number)[], parentType: CompositeType): unknown {
  if (!Array.isArray(inputValue)) assert(false, () => `Invalid non-list value ${inputValue} returned by subgraph for list type ${type}`);
  if (outputValue !== undefined && !Array.isArray(outputValue)) assert(false, () => `Invalid non-list value ${outputValue} returned by subgraph for list type ${type}`);
  const inputs = inputValue as unknown[];
  const outputs = outputValue as unknown[] | undefined;
  if (outputs && outputs.length !== inputs.length) assert(false, () => `[${inputs}].length (${inputs.length}) !== [${outputs}].length (${outputs.length})`);
  const updated = new Array<unknown>(inputs.length);
  let nullify = false;
  let hasErrors = false;
  for (let i = 0; i < inputs.length; i++) {
    path.push(i);
    updated[i] = update(walk, outputs?.[i], type.ofType, inputs[i], selectionSet, path, parentType);
    path.pop();
    nullify ||= walk.invalid;
    hasErrors ||= walk.hasErrors;
  }
  walk.invalid = false;
  walk.hasErrors = hasErrors;
  return nullify ? null : updated;
}

function updateObject(walk: Walk, outputValue: unknown, type: CompositeType, inputValue: unknown, selectionSet: SelectionSet | undefined, path: (string | number)[], parentType: CompositeType): unknown {
  if (!selectionSet) assert(false, () => `Invalid empty selection set for composite type ${type}`);
  if (typeof inputValue !== 'object') assert(false, () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${type}`);
  if (outputValue !== undefined && typeof outputValue !== 'object') assert(false, () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${type}`);
  const input = inputValue as Record<string, unknown>;
  const inputTypename = input[typenameFieldName];
  if (inputTypename !== undefined && typeof inputTypename !== 'string') assert(false, () => `Invalid non-string value ${inputTypename} for __typename at ${path}`);
  let objectType = type;
  if (inputTypename) {
    const typenameType = walk.schema.type(inputTypename as string);
    if (!typenameType || !isCompositeType(typenameType)) {
      walk.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${describeLast(path, type, parentType)}.`, { path: Array.from(path) }));
      walk.invalid = false;
      walk.hasErrors = true;
      return null;
    }
    objectType = typenameType;
  }
  const output = (outputValue ?? Object.create(null)) as Record<string, unknown>;
  const ok = applySelectionSet(walk, selectionSet!, input, output, path, objectType);
  walk.invalid = false;
  walk.hasErrors = !ok;
  return ok ? output : null;
}

/** Apollo's pathLastElementDescription, for the errors' messages. */
function describeLast(path: (string | number)[], currentType: OutputType, parentType: CompositeType): string {
  const element = path[path.length - 1];
  assert(element !== undefined, 'Should not have been called on an empty path');
  return typeof element === 'string' ? `field ${parentType}.${element}` : `array element of type ${currentType} at index ${element}`;
}
