/**
 * The commerce subgraph's resolvers. They only call loaders; fields that need no work use the default
 * resolver, and each field stays its own resolver so that authorization can wrap them one by one.
 */
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { GraphQLResolveInfo } from 'graphql';
import { degradeOnUpstreamFailure, fallbackOnUpstreamFailure, reportFieldProblem } from '../shared/field-errors.ts';
import { decodeId } from '../shared/ids.ts';
import { checkFirst, decodeCursor } from '../shared/pagination.ts';
import { DateTimeScalar } from '../shared/scalars.ts';
import { unavailableSource, type CustomerLinks, type SourceRecord } from '../shared/sources.ts';
import { encodeVersion, UNAVAILABLE_MARKER } from '../shared/version.ts';
import type { Loaders } from './loaders.ts';
import { commerceSource, EMPTY_ORDER_PAGE } from './transforms.ts';
import type { Order, OrderFilter, OrderLine, OrderTotal, Product, ShopCustomerMatch } from './types.ts';

export interface CommerceContext {
  loaders: Loaders;
}

/** The largest page Query.orders and Customer.orders serve. */
const MAX_FIRST = 100;

/** A Customer as the gateway represents it to this subgraph: its key and the @required links. */
interface CustomerRepresentation {
  id: string;
  links?: Pick<CustomerLinks, 'email' | 'shopCustomerId'> | null;
}

/** An Order, plus the ERP's change marker when the gateway passes it for Order.version. */
type OrderEntity = Order & { erpVersion?: string | null };

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** The numeric shop id inside a public Order id; null when the id is malformed or another type's. */
function shopOrderId(id: string): string | null {
  const sourceId = decodeId('Order', id);
  return sourceId && /^\d+$/.test(sourceId) ? sourceId : null;
}

const loadOrder = (id: string, loaders: Loaders) => {
  const shopId = shopOrderId(id);
  return shopId ? loaders.order.load(shopId) : null;
};

function shopCustomerOf(customer: CustomerRepresentation, loaders: Loaders): Promise<ShopCustomerMatch | null> | null {
  const links = customer.links;
  return links && (links.shopCustomerId || links.email) ? loaders.shopCustomer.load(links) : null;
}

export const resolvers: GraphQLResolverMap<CommerceContext> = {
  DateTime: DateTimeScalar,

  Query: {
    order: (_: unknown, { id }: { id: string }, { loaders }: CommerceContext) => loadOrder(id, loaders),
    orders: (_: unknown, args: PageArgs & { filter?: OrderFilter | null }, { loaders }: CommerceContext) => {
      const first = checkFirst(args.first, MAX_FIRST);
      return loaders.listOrders({ first, after: decodeCursor(args.after), filter: args.filter ?? null });
    },
    product: (_: unknown, { sku }: { sku: string }, { loaders }: CommerceContext) => loaders.product.load(sku),
  },

  Order: {
    async __resolveReference(ref: { id: string; erpVersion?: string | null }, { loaders }: CommerceContext) {
      const order = await loadOrder(ref.id, loaders);
      return order && { ...order, erpVersion: ref.erpVersion };
    },
    /** erpVersion is UNAVAILABLE_MARKER when Odoo failed: the token then marks the ERP as unread, with an error here. */
    version: (order: OrderEntity, _: unknown, ctx: CommerceContext, info: GraphQLResolveInfo) => {
      if (order.erpVersion === UNAVAILABLE_MARKER) {
        reportFieldProblem(ctx, info, 'UPSTREAM_UNAVAILABLE', 'This version does not cover the ERP record, which could not be read.', { system: 'ERP' });
      }
      return encodeVersion({ ERP: order.erpVersion ?? null, COMMERCE: order.shopUpdatedAt });
    },
  },

  OrderLine: {
    product: (line: OrderLine) => (line.sku ? { sku: line.sku } : null),
  },

  Product: {
    __resolveReference: (ref: { sku: string }, { loaders }: CommerceContext) => loaders.product.load(ref.sku),
    // A line's product arrives as a bare { sku } reference; the loader serves (and caches) the rest.
    title: async (product: Pick<Product, 'sku'>, _: unknown, { loaders }: CommerceContext) => (await loaders.product.load(product.sku))?.title ?? null,
    price: async (product: Pick<Product, 'sku'>, _: unknown, { loaders }: CommerceContext) => (await loaders.product.load(product.sku))?.price ?? null,
  },

  Customer: {
    /** For the CRM only: when Shopify fails, the unavailable sentinel (the CRM reports it), not an error here. */
    commerceSource: (customer: CustomerRepresentation, _: unknown, { loaders }: CommerceContext): Promise<SourceRecord | null> =>
      fallbackOnUpstreamFailure(unavailableSource('COMMERCE'), async () => {
        const match = await shopCustomerOf(customer, loaders);
        return match && commerceSource(match);
      }),
    /** For the ERP's lifetimeValue only: null when Shopify fails (the ERP reports it), [] without a shop customer. */
    shopOrderTotals: (customer: CustomerRepresentation, _: unknown, { loaders }: CommerceContext): Promise<OrderTotal[] | null> =>
      fallbackOnUpstreamFailure<OrderTotal[] | null>(null, async () => {
        loaders.expectTotals();
        const match = await shopCustomerOf(customer, loaders);
        return match ? loaders.orderTotals.load(match.gid) : [];
      }),
    /** Non-null in the contract: when Shopify fails, an empty connection with the error at this field, so the customer survives. */
    orders: async (customer: CustomerRepresentation, args: PageArgs, ctx: CommerceContext, info: GraphQLResolveInfo) => {
      const first = checkFirst(args.first, MAX_FIRST);
      const after = decodeCursor(args.after);
      return degradeOnUpstreamFailure(ctx, info, EMPTY_ORDER_PAGE, async () => {
        ctx.loaders.expectOrders({ first, after });
        const match = await shopCustomerOf(customer, ctx.loaders);
        return match ? ctx.loaders.customerOrders.load({ gid: match.gid, first, after }) : EMPTY_ORDER_PAGE;
      });
    },
  },
};
