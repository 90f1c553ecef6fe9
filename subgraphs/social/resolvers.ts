/**
 * Resolvers of the social subgraph. Customer arrives as an entity representation carrying the CRM's
 * `links { mastodonAcct }` (@requires); Mastodon has no email, so the stored acct is the only link.
 * Resolvers only call loaders.
 */
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { GraphQLResolveInfo } from 'graphql';
import { degradeOnUpstreamFailure, fallbackOnUpstreamFailure } from '../shared/field-errors.ts';
import { selectedFieldArguments } from '../shared/look-ahead.ts';
import { checkFirst } from '../shared/pagination.ts';
import { DateTimeScalar } from '../shared/scalars.ts';
import { unavailableSource, type CustomerLinks, type SourceRecord } from '../shared/sources.ts';
import { MAX_STATUSES_PER_PAGE } from './client.ts';
import type { SocialLoaders } from './loaders.ts';
import { fromMastodonAccount, fromMastodonStatus, normalizeAcct, socialSourceOf } from './transforms.ts';
import type { MastodonAccount, SocialPost, SocialProfile } from './types.ts';

export interface SocialContext {
  loaders: SocialLoaders;
}

/** The Customer representation the gateway sends: the key and the required link data. */
interface CustomerRef {
  id: string;
  links?: Pick<CustomerLinks, 'mastodonAcct'> | null;
}

const DEFAULT_POSTS = 5;
const postsToRead = (first: number | null | undefined): number => checkFirst(first, MAX_STATUSES_PER_PAGE, DEFAULT_POSTS);

/**
 * The statuses the profile's recentPosts selections will ask for, started now when the acct's id is
 * known, so that they run beside the account request rather than after it.
 */
function prefetchRecentPosts(customer: CustomerRef, ctx: SocialContext, info: GraphQLResolveInfo): void {
  const acct = normalizeAcct(customer.links?.mastodonAcct);
  if (acct === null) return;
  for (const args of selectedFieldArguments(info, 'recentPosts')) {
    let first: number;
    try {
      first = postsToRead(args.first as number | null | undefined);
    } catch {
      continue; // recentPosts refuses it itself.
    }
    if (first > 0) ctx.loaders.prefetchStatuses(acct, first);
  }
}

/** The account the customer's stored acct names, or null when there is no acct or no such account. */
async function accountOf(customer: CustomerRef, ctx: SocialContext): Promise<{ acct: string; account: MastodonAccount } | null> {
  const acct = normalizeAcct(customer.links?.mastodonAcct);
  if (acct === null) return null;
  const account = await ctx.loaders.accountByAcct.load(acct);
  return account ? { acct, account } : null;
}

export const resolvers: GraphQLResolverMap<SocialContext> = {
  DateTime: DateTimeScalar,
  Customer: {
    __resolveReference: (ref: CustomerRef): CustomerRef => ref,
    /** For the CRM only: when Mastodon fails, the unavailable sentinel (the CRM reports it), not an error here. */
    socialSource: (customer: CustomerRef, _args: unknown, ctx: SocialContext): Promise<SourceRecord | null> =>
      fallbackOnUpstreamFailure(unavailableSource('SOCIAL'), async () => {
        const found = await accountOf(customer, ctx);
        return found && socialSourceOf(found.account);
      }),
    /** Non-null in the contract: when Mastodon fails, [] with the error at this field, so the customer survives. */
    socialProfiles: (customer: CustomerRef, _args: unknown, ctx: SocialContext, info: GraphQLResolveInfo): Promise<SocialProfile[]> =>
      degradeOnUpstreamFailure(ctx, info, [], async () => {
        prefetchRecentPosts(customer, ctx, info);
        const found = await accountOf(customer, ctx);
        return found ? [fromMastodonAccount(found.account, found.acct)] : [];
      }),
  },
  SocialProfile: {
    /** Non-null in the contract: when Mastodon fails, [] with the error at this field, so the profile survives. */
    recentPosts: async (profile: SocialProfile, args: { first?: number | null }, ctx: SocialContext, info: GraphQLResolveInfo): Promise<SocialPost[]> => {
      const first = postsToRead(args.first);
      if (first === 0) return [];
      return degradeOnUpstreamFailure(ctx, info, [], async () => {
        const statuses = await ctx.loaders.recentStatuses.load({ accountId: profile.accountId, limit: first });
        return statuses.map(fromMastodonStatus);
      });
    },
  },
};
