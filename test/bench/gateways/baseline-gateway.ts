/**
 * The bench's baseline, run as its own process: a plain @apollo/gateway + @apollo/server over the same
 * supergraph and subgraphs, with no plugins, no cache, no limits, no audit and no field authorization.
 * It does sign the internal token each subgraph requires (every scope, one token per subgraph call, as
 * the project's gateway does), since the subgraphs refuse calls without one. Like the project's gateway
 * it plans over the supergraph without its @requiresScopes rules: @apollo/gateway refuses that linked
 * feature (UNSUPPORTED_LINKED_FEATURE; it is enforced by Apollo Router). PORT and
 * <NAME>_SUBGRAPH_URL as for gateway/main.ts.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { readBody } from '../../../subgraphs/shared/read-body.ts';
import { createInternalTokenSigner } from '../../../subgraphs/shared/internal-token-signer.ts';
import { readInternalAuthConfig } from '../../../subgraphs/shared/config.ts';
import { stopOnSignal } from '../../../subgraphs/shared/stop-on-signal.ts';
import { supergraphForPlanning } from '../../../gateway/authz/planning-supergraph.ts';
import { ALL_SCOPES } from '../../support/dev-token.ts';

process.env.APOLLO_TELEMETRY_DISABLED = 'true';
const sign = createInternalTokenSigner(readInternalAuthConfig(process.env));
const principal = { subject: 'bench-baseline', clientId: 'bench-baseline', scopes: new Set(ALL_SCOPES) };

const gateway = new ApolloGateway({
  supergraphSdl: supergraphForPlanning(readFileSync(fileURLToPath(new URL('../../../schema/supergraph.graphql', import.meta.url)), 'utf8')),
  buildService: ({ name }) => new RemoteGraphQLDataSource({
    url: process.env[`${name.toUpperCase()}_SUBGRAPH_URL`],
    willSendRequest: async ({ request }) => {
      request.http?.headers.set('authorization', `Bearer ${await sign(principal, name)}`);
    },
  }),
});
const apollo = new ApolloServer({ gateway });
await apollo.start();

// startStandaloneServer would do; a bare handler keeps the HTTP layer as thin as the project's own.
const server = createServer(async (req, res) => {
  if (req.url === '/health') return void res.writeHead(200).end('ok');
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(key, value);
  const body = await readBody(req, 1_000_000);
  const answer = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'POST', headers, search: new URL(req.url ?? '/', 'http://x').search, body: body ? JSON.parse(body) : undefined },
    context: async () => ({}),
  });
  res.writeHead(answer.status ?? 200, Object.fromEntries(answer.headers));
  if (answer.body.kind === 'complete') return void res.end(answer.body.string);
  for await (const chunk of answer.body.asyncIterator) res.write(chunk);
  res.end();
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
stopOnSignal(async () => {
  server.close();
  server.closeAllConnections();
  await apollo.stop();
});
