/**
 * Every scope a client token may carry. The read and write scopes guard fields (`@requiresScopes` in the
 * subgraph SDLs); `schema:read` guards introspection (gateway/authz/introspection-access.ts).
 */
export const SCOPES = ['customers:read', 'pii:read', 'finance:read', 'customers:write', 'orders:write', 'sync:read', 'schema:read'] as const;

export type Scope = (typeof SCOPES)[number];

/** Introspection (`__schema`, `__type`): GraphiQL's docs and other tooling. */
export const SCHEMA_READ_SCOPE: Scope = 'schema:read';
