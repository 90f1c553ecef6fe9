/** The social subgraph (Mastodon): Customer.socialSource and Customer.socialProfiles. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SubgraphOptions } from '../shared/server.ts';
import { createAcctCache } from './acct-cache.ts';
import { createMastodonClient } from './client.ts';
import { createStatusesCache } from './statuses-cache.ts';
import type { SocialConfig } from './config.ts';
import { createLoaders } from './loaders.ts';
import { resolvers, type SocialContext } from './resolvers.ts';

const SDL_PATH = fileURLToPath(new URL('../../schema/social.graphql', import.meta.url));

/**
 * The subgraph's schema, resolvers and per-request context. The acct → id and statuses caches are created
 * here, once per subgraph, and shared by every request (see acct-cache.ts, statuses-cache.ts); DataLoaders
 * are fresh per request.
 */
export function socialSubgraph(
  config: Pick<SocialConfig, 'mastodon' | 'concurrency' | 'acctCache'> & Partial<Pick<SocialConfig, 'statusesCache'>>,
): SubgraphOptions<SocialContext> {
  const client = createMastodonClient(config.mastodon);
  const acctCache = createAcctCache(config.acctCache);
  const statusesCache = createStatusesCache(config.statusesCache);
  return {
    name: 'social',
    sdl: readFileSync(SDL_PATH, 'utf8'),
    resolvers,
    context: () => ({ loaders: createLoaders(client, acctCache, statusesCache, { concurrency: config.concurrency }) }),
  };
}
