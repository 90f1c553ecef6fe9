/**
 * Where, in the response to the operation the client sent, the authorizer has work to do: the
 * removed fields (to put back as null with a FORBIDDEN error) and the audited fields served, each
 * with the path of response keys that leads to it. Compiled from the client's own document, following
 * fragments, with @skip/@include evaluated on the request's variables (a field the client skipped
 * would not have appeared, so it gets no error). Only branches that lead to such fields are kept.
 */
import {
  getDirectiveValues, getNamedType, GraphQLIncludeDirective, GraphQLSkipDirective, isCompositeType, isObjectType, Kind,
  doTypesOverlap,
  type DocumentNode, type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLOutputType, type OperationDefinitionNode, type SelectionNode, type SelectionSetNode,
} from 'graphql';
import type { FieldAccess } from './field-access.ts';

/** The work at one level of the response (one object). */
export interface ResponsePlan {
  /** The type of the selection: the field's type, or the fragment's condition. */
  typeName: string;
  entries: PlanEntry[];
}

export type PlanEntry =
  /** A field the caller may not see: null at `key`, and an error. */
  | { kind: 'removed'; key: string; coordinate: string; message: string; nonNull: boolean }
  /** A field served: audited when `audited` names it, and with work below when `child` is set. */
  | { kind: 'field'; key: string; type: GraphQLOutputType; audited: string | null; child: ResponsePlan | null }
  /** A fragment on this object; `typeCondition` is checked at run time (null: it always applies). */
  | { kind: 'fragment'; typeCondition: GraphQLCompositeType | null; plan: ResponsePlan };

/** The plan for `operation`, with @skip/@include evaluated on its coerced variables. */
export function compileResponsePlan(document: DocumentNode, operation: OperationDefinitionNode, access: FieldAccess, variables: Record<string, unknown>): ResponsePlan {
  const schema = access.schema;
  const rootType = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (!rootType) return { typeName: '', entries: [] };
  const included = (node: SelectionNode) =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true && getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const fragmentPlans = new Map<FragmentDefinitionNode, ResponsePlan>();

  const compile = (set: SelectionSetNode, parentType: GraphQLCompositeType): ResponsePlan => {
    const entries: PlanEntry[] = [];
    const onFragment = (condition: GraphQLCompositeType, plan: ResponsePlan) => {
      if (plan.entries.length === 0) return;
      // On an object type the condition is decided now; on an interface or union, per object.
      if (!isObjectType(parentType)) entries.push({ kind: 'fragment', typeCondition: condition, plan });
      else if (doTypesOverlap(schema, condition, parentType)) entries.push({ kind: 'fragment', typeCondition: null, plan });
    };
    for (const selection of set.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const field = access.fieldDef(parentType, selection.name.value);
        if (!field) continue;
        const key = (selection.alias ?? selection.name).value;
        const decision = access.decide(parentType, field, selection);
        if (!decision.allowed) {
          entries.push({ kind: 'removed', key, coordinate: decision.coordinate, message: decision.message, nonNull: decision.nonNull });
          continue;
        }
        const named = getNamedType(field.type);
        const child = selection.selectionSet && isCompositeType(named) ? compile(selection.selectionSet, named) : null;
        const audited = decision.sensitive ? decision.coordinate : null;
        if (audited || child?.entries.length) entries.push({ kind: 'field', key, type: field.type, audited, child: child?.entries.length ? child : null });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
        if (condition && isCompositeType(condition)) onFragment(condition, compile(selection.selectionSet, condition));
      } else {
        const fragment = fragments.get(selection.name.value);
        const condition = fragment && schema.getType(fragment.typeCondition.name.value);
        if (!fragment || !condition || !isCompositeType(condition)) continue;
        let plan = fragmentPlans.get(fragment);
        if (!plan) {
          plan = compile(fragment.selectionSet, condition);
          fragmentPlans.set(fragment, plan);
        }
        onFragment(condition, plan);
      }
    }
    return { typeName: parentType.name, entries };
  };
  return compile(operation.selectionSet, rootType);
}
