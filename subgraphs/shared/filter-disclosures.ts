/**
 * Filtering on a field discloses it as reading it does: `filter: { email: "x@y" }` answers whether a
 * customer has that email, and a full-text search over phone numbers recovers a number digit by
 * digit. So an input field that filters or searches needs every scope that reading the fields it
 * matches against needs. The gateway's authorizer (before planning) and the CRM subgraph (before
 * calling HubSpot) both enforce it from this one table, deriving the scopes from the same
 * `@requiresScopes` rules that guard the output fields; neither keeps a list of scopes of its own.
 */
import { forbiddenFilterMessage, satisfies, type ScopeRule } from './scope-rule.ts';

/**
 * Input field (`Input.field`) → the output fields (`Type.field`) whose values it matches against.
 * Every input field of an input type that a query argument takes is listed, those disclosing nothing
 * guarded with [] (a test keeps the list complete, so a new filter field must be classified here).
 * Scalar filter arguments (`discrepancies(system:, kind:, resolved:)`, `Customer.discrepancies(resolved:)`)
 * match fields that the field carrying them already needs the scope of.
 */
export const FILTER_DISCLOSURES: ReadonlyMap<string, readonly string[]> = new Map([
  ['CustomerFilter.email', ['Customer.email']],
  // HubSpot's full-text `query` matches names, email, company and phone (subgraphs/crm/client.ts).
  ['CustomerFilter.search', ['Customer.name', 'Customer.firstName', 'Customer.lastName', 'Customer.company', 'Customer.email', 'Customer.phone']],
  ['CustomerFilter.lifecycleStage', ['Customer.lifecycleStage']],
  ['CustomerFilter.updatedSince', ['Customer.updatedAt']],
  ['OrderFilter.status', ['Order.status']],
  ['OrderFilter.placedAfter', ['Order.placedAt']],
  ['OrderFilter.placedBefore', ['Order.placedAt']],
]);

/** A field argument or input field as graphql-js describes it (structural: the subgraphs' schema may come from another graphql realm). */
interface InputValueDef {
  name: string;
  type: unknown;
}

/**
 * The input fields (`Input.field`) given a non-null value in a field's coerced arguments, at any
 * depth (nested input objects, lists of them). A null or absent input field filters on nothing.
 */
export function inputFieldsUsed(argumentDefs: readonly InputValueDef[], values: object): string[] {
  const used = new Set<string>();
  const walk = (type: unknown, value: unknown): void => {
    const named = namedType(type);
    // Only input objects filter on fields; a scalar's or enum's value is not walked, however deep its JSON.
    if (value === null || value === undefined || !hasFields(named)) return;
    if (Array.isArray(value)) {
      for (const item of value) walk(named, item);
      return;
    }
    if (typeof value !== 'object') return;
    const fields = named.getFields();
    for (const [name, fieldValue] of Object.entries(value)) {
      if (fieldValue === null || fieldValue === undefined || !fields[name]) continue;
      used.add(`${named.name}.${name}`);
      walk(fields[name].type, fieldValue);
    }
  };
  for (const arg of argumentDefs) walk(arg.type, (values as Record<string, unknown>)[arg.name]);
  return [...used];
}

/**
 * The FORBIDDEN message for the first input field used whose disclosed fields' rules the caller's
 * scopes do not satisfy, or undefined when they satisfy all. `rulesOf` gives every rule that reading
 * an output field (`Type.field`) must satisfy.
 */
export function forbiddenFilter(
  used: readonly string[], scopes: ReadonlySet<string>, rulesOf: (outputCoordinate: string) => readonly ScopeRule[],
  table: ReadonlyMap<string, readonly string[]> = FILTER_DISCLOSURES,
): string | undefined {
  for (const input of used) {
    for (const output of table.get(input) ?? []) {
      const unmet = rulesOf(output).find((rule) => !satisfies(rule, scopes));
      if (unmet) return forbiddenFilterMessage(input, unmet);
    }
  }
  return undefined;
}

interface NamedInputType {
  name: string;
  getFields(): Record<string, { type: unknown }>;
}

function namedType(type: unknown): unknown {
  return typeof type === 'object' && type !== null && 'ofType' in type ? namedType(type.ofType) : type;
}

function hasFields(type: unknown): type is NamedInputType {
  return typeof type === 'object' && type !== null && 'getFields' in type;
}
