/** The social subgraph (Mastodon): Customer.socialSource and Customer.socialProfiles. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SubgraphOptions } from '../shared/server.ts';
import { createAcctCache } from './acct-cache.ts';
import { createMastodonClient, type MastodonClient } from './client.ts';
import { createStatusesCache, DEFAULT_STATUSES_CACHE } from './statuses-cache.ts';
import { boundAnswerTtl, namedRead } from '../shared/record-cache/answer-dependencies.ts';
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
  const client = readsKeptFor(createMastodonClient(config.mastodon));
  const acctCache = createAcctCache(config.acctCache);
  const statusesCache = createStatusesCache(config.statusesCache);
  // Mastodon is never written by this gateway: an answer may be kept as long as its posts already are
  // (MASTODON_STATUSES_TTL_MS; 0: not at all), its accounts too (answer-dependencies.ts).
  const answerTtlMs = (config.statusesCache ?? DEFAULT_STATUSES_CACHE).ttlMs;
  return {
    name: 'social',
    sdl: readFileSync(SDL_PATH, 'utf8'),
    resolvers,
    context: () => {
      boundAnswerTtl(answerTtlMs);
      return { loaders: createLoaders(client, acctCache, statusesCache, { concurrency: config.concurrency }) };
    },
  };
}

/** The client whose every read is a named one: what it reads is bounded by the answer's TTL instead of by record keys. */
const readsKeptFor = (client: MastodonClient): MastodonClient => ({
  lookupAccount: (acct) => namedRead(() => client.lookupAccount(acct)),
  accountsById: (ids) => namedRead(() => client.accountsById(ids)),
  accountStatuses: (id, limit) => namedRead(() => client.accountStatuses(id, limit)),
});
