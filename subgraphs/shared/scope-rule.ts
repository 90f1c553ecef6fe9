/**
 * Federation's `@requiresScopes(scopes: [[String!]!]!)` rule, as the gateway and the subgraphs both
 * read it: an OR of AND-groups. `[["a", "b"], ["c"]]` is satisfied by a caller holding a and b, or c.
 */

export type ScopeRule = readonly (readonly string[])[];

export function satisfies(rule: ScopeRule, scopes: ReadonlySet<string>): boolean {
  return rule.some((group) => group.every((scope) => scopes.has(scope)));
}

/**
 * The FORBIDDEN message, the same from the gateway and from a subgraph:
 * `Not authorized to read Customer.email: requires the scope pii:read.` (`call` for a mutation).
 */
export function forbiddenMessage(coordinate: string, rule: ScopeRule, isMutation: boolean): string {
  return `Not authorized to ${isMutation ? 'call' : 'read'} ${coordinate}: requires ${needs(rule)}.`;
}

/**
 * The FORBIDDEN message for filtering or searching on an input field that discloses a field the
 * caller may not read (filter-disclosures.ts), the same from the gateway and from a subgraph:
 * `Not authorized to filter on CustomerFilter.email: requires the scope pii:read.`
 */
export function forbiddenFilterMessage(inputCoordinate: string, rule: ScopeRule): string {
  return `Not authorized to filter on ${inputCoordinate}: requires ${needs(rule)}.`;
}

const needs = (rule: ScopeRule) =>
  rule.map((group) => (group.length === 1 ? `the scope ${group[0]}` : `the scopes ${group.join(' and ')}`)).join(', or ');
