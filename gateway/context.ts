/** What the gateway knows about one incoming request while it is planned and executed. */
export interface GatewayContext {
  requestId: string;
  /** The incoming headers that may be forwarded to subgraphs (an allowlist, see subgraph-data-source.ts). */
  incomingHeaders: Map<string, string>;
}
