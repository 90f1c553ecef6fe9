/** The request a subgraph fetch sends and the answer it gives, as @apollo/gateway's data sources see them. */
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';

export type SubgraphRequest = GraphQLDataSourceProcessOptions['request'];
export type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;
