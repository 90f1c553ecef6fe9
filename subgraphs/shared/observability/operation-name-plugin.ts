/** An Apollo plugin that tells the HTTP observer (request-scope.ts) which operation a request ran. */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { currentRequest } from './request-scope.ts';

export function operationNamePlugin<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName }) {
          const record = currentRequest();
          if (record) record.operation = operationName ?? 'anonymous';
        },
      };
    },
  };
}
