/**
 * The authorizer's finish (removed fields put back as null with FORBIDDEN errors, helper fields
 * stripped, the audited fields noted) on Apollo's response object, before Apollo serialises it: the
 * response is serialised once, instead of serialised, parsed back and serialised again. Registered last,
 * so that it sees the response every other plugin left.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.ts';
import type { GraphQLResponseBody } from '../authz/authorizer.ts';

export function finishResponsePlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          // Only single results: the gateway's executor delivers nothing incrementally.
          if (response.body.kind !== 'single') return;
          // The same JSON object either way: Apollo types its errors as formatted errors, the authorizer as plain records.
          type SingleResult = typeof response.body.singleResult;
          response.body.singleResult = contextValue.finishResponse(response.body.singleResult as GraphQLResponseBody) as SingleResult;
        },
      };
    },
  };
}
