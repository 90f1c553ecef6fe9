/**
 * The crm subgraph's resolvers. They only call loaders. Each Customer field has its own resolver so
 * that fields can be protected one by one.
 */
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { GraphQLResolveInfo } from 'graphql';
import { reportFieldProblem } from '../shared/field-errors.ts';
import { selectsPath } from '../shared/look-ahead.ts';
import { decodeId } from '../shared/ids.ts';
import { checkFirst } from '../shared/pagination.ts';
import { DateTimeScalar } from '../shared/scalars.ts';
import { isUnavailableSource, type SourceRecord, type SourceSystem } from '../shared/sources.ts';
import { emptyToNull } from '../shared/text.ts';
import { encodeVersion, UNAVAILABLE_MARKER } from '../shared/version.ts';
import { offsetFromCursor, toCustomerConnection } from './connection.ts';
import { assertFilterScopes } from './filter-scopes.ts';
import type { CrmLoaders, ShopCustomerRef } from './loaders.ts';
import type { CrmCustomer, LifecycleStage } from './transforms.ts';

export interface CrmContext {
  loaders: CrmLoaders;
}

/** A customer with the other subgraphs' source records, which the gateway passes in through @requires. */
export type CustomerParent = CrmCustomer & {
  erpSource?: SourceRecord | null;
  commerceSource?: SourceRecord | null;
  socialSource?: SourceRecord | null;
};

type CustomerReference = { id: string } & Pick<CustomerParent, 'erpSource' | 'commerceSource' | 'socialSource'>;

interface CustomersArgs {
  first?: number | null;
  after?: string | null;
  filter?: { search?: string | null; email?: string | null; lifecycleStage?: LifecycleStage | null; updatedSince?: string | null } | null;
}

const MAX_FIRST = 100;

/** How messages name each system's record. */
const RECORD_NAME: Record<SourceSystem, string> = { CRM: 'CRM', ERP: 'ERP', COMMERCE: 'commerce', SOCIAL: 'social' };

/** A source's change marker for the version token: UNAVAILABLE_MARKER when it could not be read, null without a record. */
const markerOf = (source: SourceRecord | null | undefined): string | null =>
  (isUnavailableSource(source) ? UNAVAILABLE_MARKER : source?.version ?? null);

/**
 * The version token over the CRM, ERP and commerce records. A source that could not be read still
 * gives a token (marked "unavailable" for that system, so it equals no token of real records), with
 * an error at this field saying which record it does not cover.
 */
function customerVersion(c: CustomerParent, ctx: CrmContext, info: GraphQLResolveInfo): string {
  for (const source of [c.erpSource, c.commerceSource]) {
    if (source && isUnavailableSource(source)) {
      reportFieldProblem(ctx, info, 'UPSTREAM_UNAVAILABLE',
        `This version does not cover the ${RECORD_NAME[source.system]} record, which could not be read.`, { system: source.system });
    }
  }
  return encodeVersion({ CRM: c.crmSource.version, ERP: markerOf(c.erpSource), COMMERCE: markerOf(c.commerceSource) });
}

/**
 * The CRM contact first, then whichever other records the other subgraphs found. A source whose
 * system could not be read is left out, with an error at this field naming it.
 */
function customerSources(c: CustomerParent, ctx: CrmContext, info: GraphQLResolveInfo): SourceRecord[] {
  const out: SourceRecord[] = [];
  for (const source of [c.crmSource, c.erpSource, c.commerceSource, c.socialSource]) {
    if (!source) continue;
    if (isUnavailableSource(source)) {
      reportFieldProblem(ctx, info, 'UPSTREAM_UNAVAILABLE',
        `The ${RECORD_NAME[source.system]} record could not be read; sources omits it.`, { system: source.system });
    } else {
      out.push(source);
    }
  }
  return out;
}

const loadCustomer = (id: string, { loaders }: CrmContext) => {
  const contactId = decodeId('Customer', id);
  return contactId ? loaders.customer.load(contactId) : null;
};

export const resolvers: GraphQLResolverMap<CrmContext> = {
  DateTime: DateTimeScalar,

  Query: {
    customer: (_: unknown, { id }: { id: string }, ctx: CrmContext) => loadCustomer(id, ctx),
    customers: async (_: unknown, args: CustomersArgs, ctx: CrmContext, info: GraphQLResolveInfo) => {
      assertFilterScopes(args, ctx, info);
      const { first, after, filter } = args;
      const limit = checkFirst(first, MAX_FIRST);
      const offset = offsetFromCursor(after);
      const page = await ctx.loaders.customerPage.load({
        limit: Math.max(limit, 1),
        offset,
        search: emptyToNull(filter?.search),
        email: emptyToNull(filter?.email),
        lifecycleStage: filter?.lifecycleStage ?? null,
        updatedSince: filter?.updatedSince ?? null,
      });
      const connection = toCustomerConnection(page, offset, limit);
      // The gateway comes back for these customers when it asks other subgraphs for them (they require
      // links), and asks for sources and version last, after those subgraphs' dependent fetches: a read by
      // id started now (not a search result: HubSpot's index lags writes) is then in flight or kept.
      if (selectsPath(info, ['edges', 'node', 'links'])) ctx.loaders.readAhead(connection.edges.map((e) => e.node.links.contactId));
      return connection;
    },
  },

  Customer: {
    __resolveReference: async (ref: CustomerReference, ctx: CrmContext): Promise<CustomerParent | null> => {
      const customer = await loadCustomer(ref.id, ctx);
      return customer && { ...customer, erpSource: ref.erpSource, commerceSource: ref.commerceSource, socialSource: ref.socialSource };
    },
    id: (c: CustomerParent) => c.id,
    version: (c: CustomerParent, _: unknown, ctx: CrmContext, info: GraphQLResolveInfo) => customerVersion(c, ctx, info),
    name: (c: CustomerParent) => c.name,
    firstName: (c: CustomerParent) => c.firstName,
    lastName: (c: CustomerParent) => c.lastName,
    company: (c: CustomerParent) => c.company,
    email: (c: CustomerParent) => c.email,
    phone: (c: CustomerParent) => c.phone,
    phoneExtension: (c: CustomerParent) => c.phoneExtension,
    address: (c: CustomerParent) => c.address,
    birthDate: (c: CustomerParent) => c.birthDate,
    lifecycleStage: (c: CustomerParent) => c.lifecycleStage,
    createdAt: (c: CustomerParent) => c.createdAt,
    updatedAt: (c: CustomerParent) => c.updatedAt,
    sources: (c: CustomerParent, _: unknown, ctx: CrmContext, info: GraphQLResolveInfo) => customerSources(c, ctx, info),
    links: (c: CustomerParent) => c.links,
  },

  Order: {
    customer: (order: { shopCustomer?: ShopCustomerRef | null }, _: unknown, { loaders }: CrmContext) =>
      (order.shopCustomer?.id ? loaders.customerByShopCustomer.load(order.shopCustomer) : null),
  },
};
