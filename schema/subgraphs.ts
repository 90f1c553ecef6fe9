/** The subgraphs of the graph, in composition order. */
export const SUBGRAPH_NAMES = ['crm', 'erp', 'commerce', 'social', 'sync'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];
