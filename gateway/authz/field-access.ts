/**
 * What one caller may select: for each field of the API schema, whether the caller's scopes satisfy
 * its rules, and whether it is personal or financial data (for the audit log); and for each field
 * node of the operation, whether its arguments filter on data the caller may not read
 * (filter-access.ts), which refuses that selection like a field the caller may not see.
 */
import { isNonNullType, SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef, type FieldNode, type GraphQLCompositeType, type GraphQLField, type GraphQLSchema } from 'graphql';
import { rulesFor, type ScopeRules } from './scope-rules.ts';
import type { ForbiddenFilters } from './filter-access.ts';
import { forbiddenMessage, satisfies } from '../../subgraphs/shared/scope-rule.ts';

/** Scopes whose fields are audited when served. */
export const SENSITIVE_SCOPES: ReadonlySet<string> = new Set(['pii:read', 'finance:read']);

/**
 * Fields audited whenever served although no schema rule names a sensitive scope: they mirror personal
 * fields for some rows only (a discrepancy's phone or address), which the sync subgraph guards row by
 * row, so the gateway cannot tell from the schema. Auditing every value served errs on the safe side.
 */
export const ALWAYS_AUDITED: ReadonlySet<string> = new Set(['Discrepancy.canonicalValue', 'Discrepancy.sourceValue']);

export type FieldDecision =
  | { allowed: true; coordinate: string; sensitive: boolean }
  | { allowed: false; coordinate: string; message: string; nonNull: boolean };

export interface FieldAccess {
  readonly schema: GraphQLSchema;
  /** The field definition selected as `name` on `parentType` (meta-fields included), or undefined. */
  fieldDef(parentType: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined;
  /** Whether the caller may select `field` on `parentType`, at `node` of the client's document when given (its arguments). */
  decide(parentType: GraphQLCompositeType, field: GraphQLField<unknown, unknown>, node?: FieldNode): FieldDecision;
}

const NO_FORBIDDEN_FILTERS: ForbiddenFilters = new Map();

/** The decisions for a caller with `scopes`; `filters` are the operation's field nodes refused for their arguments. */
export function fieldAccess(schema: GraphQLSchema, rules: ScopeRules, scopes: ReadonlySet<string>, filters: ForbiddenFilters = NO_FORBIDDEN_FILTERS): FieldAccess {
  const decisions = new Map<string, FieldDecision>();
  const decideField = (parentType: GraphQLCompositeType, field: GraphQLField<unknown, unknown>): FieldDecision => {
    const coordinate = `${parentType.name}.${field.name}`;
    let decision = decisions.get(coordinate);
    if (!decision) {
      const applying = rulesFor(schema, rules, parentType, field);
      const unmet = applying.find((rule) => !satisfies(rule, scopes));
      decision = unmet
        ? { allowed: false, coordinate, message: forbiddenMessage(coordinate, unmet, parentType === schema.getMutationType()), nonNull: isNonNullType(field.type) }
        : { allowed: true, coordinate, sensitive: ALWAYS_AUDITED.has(coordinate) || applying.some((rule) => rule.some((group) => group.some((s) => SENSITIVE_SCOPES.has(s)))) };
      decisions.set(coordinate, decision);
    }
    return decision;
  };
  // The field's own rules first: without the scope to read it at all, that is the message.
  const decide = (parentType: GraphQLCompositeType, field: GraphQLField<unknown, unknown>, node?: FieldNode): FieldDecision => {
    const decision = decideField(parentType, field);
    const filter = node && decision.allowed ? filters.get(node) : undefined;
    return filter ? { allowed: false, coordinate: decision.coordinate, message: filter, nonNull: isNonNullType(field.type) } : decision;
  };
  return { schema, fieldDef: (parentType, name) => fieldDef(schema, parentType, name), decide };
}

/** As graphql-js resolves a field name: the meta-fields first, then the type's own fields. */
function fieldDef(schema: GraphQLSchema, parentType: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parentType === schema.getQueryType() && name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
  if (parentType === schema.getQueryType() && name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  return 'getFields' in parentType ? parentType.getFields()[name] : undefined;
}
