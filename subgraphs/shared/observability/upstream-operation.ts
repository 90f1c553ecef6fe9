/**
 * A bounded name for one upstream call, for metric labels: the GraphQL operation's name for a GraphQL
 * API (Shopify: "query customers"), else the method and the path with record ids replaced
 * ("GET /api/v1/accounts/:id/statuses"). Never the query string, which may hold personal data.
 */
const GRAPHQL_PATH = /\/graphql(\.json)?$/;
/** The operation keyword and name at the start of a GraphQL document. */
const OPERATION = /^\s*(query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)/;
/** A path segment that is a record id: digits (more than one: Odoo's "/json/2/" is a version), or a long hex/uuid. */
const ID_SEGMENT = /^(\d{2,}|[0-9a-fA-F-]{16,})$/;

export function upstreamOperation(url: string, init: { method?: string; body?: unknown }): string {
  const path = new URL(url).pathname;
  if (GRAPHQL_PATH.test(path)) return graphqlOperation(init.body);
  const method = (init.method ?? 'GET').toUpperCase();
  return `${method} ${path.split('/').map((s) => (ID_SEGMENT.test(s) ? ':id' : s)).join('/')}`;
}

function graphqlOperation(body: unknown): string {
  if (typeof body !== 'string') return 'graphql';
  try {
    const query = (JSON.parse(body) as { query?: unknown }).query;
    const match = typeof query === 'string' ? OPERATION.exec(query) : null;
    return match ? `${match[1]} ${match[2]}` : 'graphql anonymous';
  } catch {
    return 'graphql';
  }
}
