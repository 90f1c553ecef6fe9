/**
 * The bench's second baseline (`--peer hive`), run as its own process: Hive Gateway's runtime (the one
 * its `hive-gateway supergraph` command serves) over the same supergraph, with its defaults. The
 * supergraph's placeholder URLs (`http://<name>.subgraph.invalid/graphql`) are pointed at
 * <NAME>_SUBGRAPH_URL, and each subgraph call carries an internal token (every scope) signed per call,
 * as the other two gateways do. No field authorization, limits or audit. PORT as for gateway/main.ts.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createInternalTokenSigner } from '../../../subgraphs/shared/internal-token-signer.ts';
import { readInternalAuthConfig } from '../../../subgraphs/shared/config.ts';
import { stopOnSignal } from '../../../subgraphs/shared/stop-on-signal.ts';
import { ALL_SCOPES } from '../../support/dev-token.ts';

const sign = createInternalTokenSigner(readInternalAuthConfig(process.env));
const principal = { subject: 'bench-hive', clientId: 'bench-hive', scopes: new Set(ALL_SCOPES) };
const PLACEHOLDER = /^http:\/\/(\w+)\.subgraph\.invalid\/graphql$/;

/** Points each subgraph call at the real subgraph and signs its internal token. */
const internalTokens: GatewayPlugin = {
  onFetch: async ({ url, setURL, options, setOptions }) => {
    const name = PLACEHOLDER.exec(url)?.[1];
    if (!name) return;
    setURL(process.env[`${name.toUpperCase()}_SUBGRAPH_URL`]!);
    const headers = new Headers(options.headers as HeadersInit);
    headers.set('authorization', `Bearer ${await sign(principal, name)}`);
    setOptions({ ...options, headers: Object.fromEntries(headers) });
  },
};

const runtime = createGatewayRuntime({
  supergraph: readFileSync(fileURLToPath(new URL('../../../schema/supergraph.graphql', import.meta.url)), 'utf8'),
  // Its error log would quote subgraph requests (with their variables) between the figures; the bench counts errors itself.
  logging: false,
  graphiql: false,
  plugins: () => [internalTokens],
});
const server = createServer(runtime);
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
stopOnSignal(async () => {
  server.close();
  server.closeAllConnections();
  await runtime.dispose();
});
