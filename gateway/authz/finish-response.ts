/**
 * The response pass: follows the response plan through `data` (lists element by element, only into
 * objects that exist and whose type matches a fragment's condition) to put every removed field back
 * as null with a FORBIDDEN error at its concrete path, then lists the audited fields served and the
 * customers they belong to, then strips the helper fields.
 *
 * A removed non-null field nulls its parent, as GraphQL's own null propagation would (a removed
 * mutation, `Mutation.createCustomer: CustomerPayload!`, leaves `data: null`).
 */
import { getNullableType, isAbstractType, isListType, isNonNullType, isObjectType, type GraphQLCompositeType, type GraphQLOutputType, type GraphQLSchema } from 'graphql';
import type { GraphQLResponseBody, SensitiveAccess } from './authorizer.ts';
import { stripHelperFields, type HelperFields } from './helper-fields.ts';
import type { ResponsePlan } from './response-plan.ts';
import { AUDITED_OWNER_TYPE } from './rewrite.ts';

type Path = (string | number)[];
type ResponseObject = Record<string, unknown>;

export function finishResponse(body: GraphQLResponseBody, plan: ResponsePlan, schema: GraphQLSchema, helpers: HelperFields): { body: GraphQLResponseBody; sensitive: SensitiveAccess } {
  const sensitive: SensitiveAccess = { fields: [], customerIds: [] };
  const data = body.data;
  // No data at all: the request never executed (nothing to say), or an error nulled it (the root
  // still held the removed root fields, so they are reported).
  if (data === undefined) return { body, sensitive };
  const errors: Record<string, unknown>[] = [];
  const errorPaths = new Set<string>();
  const applies = (object: ResponseObject, condition: GraphQLCompositeType | null) => {
    if (!condition) return true;
    const typename = object[helpers.typename];
    const type = typeof typename === 'string' ? schema.getType(typename) : undefined;
    return isObjectType(type) && (type === condition || (isAbstractType(condition) && schema.isSubType(condition, type)));
  };

  /** Nulls and reports the removed fields of one object; true when the object itself must become null. */
  const restore = (object: ResponseObject, plan: ResponsePlan, path: Path, seen: Set<ResponsePlan>): boolean => {
    let nullObject = false;
    for (const entry of plan.entries) {
      if (entry.kind === 'removed') {
        object[entry.key] = null;
        const at = [...path, entry.key];
        if (!errorPaths.has(JSON.stringify(at))) {
          errorPaths.add(JSON.stringify(at));
          errors.push({ message: entry.message, path: at, extensions: { code: 'FORBIDDEN' } });
        }
        nullObject ||= entry.nonNull;
      } else if (entry.kind === 'field') {
        if (!entry.child || object[entry.key] == null) continue;
        if (restoreValue(object[entry.key], entry.type, entry.child, [...path, entry.key])) {
          object[entry.key] = null;
          nullObject ||= isNonNullType(entry.type);
        }
      } else if (!seen.has(entry.plan) && applies(object, entry.typeCondition)) {
        seen.add(entry.plan);
        nullObject = restore(object, entry.plan, path, seen) || nullObject;
      }
    }
    return nullObject;
  };
  /** True when the value must become null. */
  const restoreValue = (value: unknown, type: GraphQLOutputType, plan: ResponsePlan, path: Path): boolean => {
    const nullable = getNullableType(type);
    if (value == null) return false;
    if (isListType(nullable)) {
      const items = value as unknown[];
      for (let i = 0; i < items.length; i += 1) {
        if (!restoreValue(items[i], nullable.ofType, plan, [...path, i])) continue;
        if (isNonNullType(nullable.ofType)) return true;
        items[i] = null;
      }
      return false;
    }
    return restore(value as ResponseObject, plan, path, new Set());
  };

  const fields = new Set<string>();
  const customers = new Set<string>();
  /** Records the audited fields served (non-null) in one object, and the nearest customer's id. */
  const audit = (object: ResponseObject, plan: ResponsePlan, customerId: unknown, seen: Set<ResponsePlan>): void => {
    for (const entry of plan.entries) {
      if (entry.kind === 'fragment') {
        if (!seen.has(entry.plan) && applies(object, entry.typeCondition)) {
          seen.add(entry.plan);
          audit(object, entry.plan, customerId, seen);
        }
      } else if (entry.kind === 'field' && object[entry.key] != null) {
        if (entry.audited) {
          fields.add(entry.audited);
          if (typeof customerId === 'string') customers.add(customerId);
        }
        if (entry.child) auditValue(object[entry.key], entry.child, customerId);
      }
    }
  };
  const auditValue = (value: unknown, plan: ResponsePlan, customerId: unknown): void => {
    if (Array.isArray(value)) for (const item of value) auditValue(item, plan, customerId);
    else if (typeof value === 'object' && value !== null) {
      const object = value as ResponseObject;
      const owner = plan.typeName === AUDITED_OWNER_TYPE || object[helpers.typename] === AUDITED_OWNER_TYPE;
      // The helper id, else the client's own unaliased id (the rewrite adds no helper then).
      audit(object, plan, object[helpers.id] ?? (owner ? object.id : undefined) ?? customerId, new Set());
    }
  };

  const root = data ?? {};
  const finishedData = restore(root, plan, [], new Set()) || data === null ? null : root;
  if (finishedData) audit(finishedData, plan, undefined, new Set());
  stripHelperFields(finishedData, helpers.prefix);
  sensitive.fields = [...fields];
  sensitive.customerIds = [...customers];
  const allErrors = [...(body.errors ?? []), ...errors];
  return { body: { ...body, data: finishedData, ...(allErrors.length > 0 && { errors: allErrors }) }, sensitive };
}
