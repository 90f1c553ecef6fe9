/**
 * Which requests sent anything to a subgraph, rather than being answered wholly from the gateway's
 * answer cache: the same document takes a few milliseconds from memory and tens through the subgraphs,
 * and admission control judges each run against its own sort (limits/admission/run-kind.ts).
 */
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { currentScope, type RequestScope } from '../../subgraphs/shared/logging/request-scope.ts';

type Fetcher = RemoteGraphQLDataSource['fetcher'];

const sent = new WeakSet<RequestScope>();

/** Wraps the fetcher beneath the answer cache: every call it makes is one the request sent. */
export function notingSends(fetcher: Fetcher): Fetcher {
  const noting = (...args: Parameters<Fetcher>) => {
    const scope = currentScope();
    if (scope) sent.add(scope);
    return fetcher(...args);
  };
  return noting as unknown as Fetcher;
}

/** Whether the request of `scope` sent a call to a subgraph (so far). */
export const sentToSubgraphs = (scope: RequestScope): boolean => sent.has(scope);
