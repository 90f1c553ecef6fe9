/** What the gateway knows about one incoming request while it is planned and executed. */
import type { Principal } from './auth/principal.ts';
import type { GraphQLResponseBody } from './authz/authorizer.ts';

export interface GatewayContext {
  requestId: string;
  /** The verified caller. */
  principal: Principal;
  /** The incoming headers that may be forwarded to subgraphs (an allowlist, see subgraph-data-source.ts). */
  incomingHeaders: Map<string, string>;
  /** The authorizer's final pass over the response Apollo is about to serialise (plugins/finish-response.ts). */
  finishResponse(body: GraphQLResponseBody): GraphQLResponseBody;
}
