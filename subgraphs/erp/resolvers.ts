/**
 * Resolvers of the ERP subgraph. Entities resolve to their representation (what the gateway sent,
 * including the @requires fields); each field then asks the per-request loaders, so a batch of N
 * entities costs a constant number of Odoo requests. Every field is its own resolver so that
 * authorization can wrap fields one by one.
 */
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { DateTimeScalar } from '../shared/scalars.ts';
import { checkFirst } from '../shared/pagination.ts';
import type { Money } from '../shared/money.ts';
import { fallbackOnUpstreamFailure } from '../shared/field-errors.ts';
import { unavailableSource, type CustomerLinks, type SourceRecord } from '../shared/sources.ts';
import { UNAVAILABLE_MARKER } from '../shared/version.ts';
import { codedError } from '../../schema/errors.ts';
import type { ErpLoaders } from './loaders.ts';
import type { PartnerMatch } from './partner-match.ts';
import { accountNumber, creditLimit, toErpSource, type ErpPartner } from './transform-partner.ts';
import { openBalance, type ErpInvoice } from './transform-invoice.ts';
import type { ErpSaleOrder } from './transform-fulfillment.ts';
import { available } from './transform-stock.ts';
import { checkCurrencyArgument, checkKnownCurrency, convertMoney, sumInCurrency, type OrderTotal } from './convert.ts';

export interface ErpContext {
  loaders: ErpLoaders;
}

/** The Customer representation: its key and the @requires fields the gateway adds. */
interface CustomerRef {
  id: string;
  links?: Partial<CustomerLinks>;
  /** Null when commerce could not read them. */
  shopOrderTotals?: OrderTotal[] | null;
}

interface OrderRef {
  id: string;
  number?: string;
  total?: Money;
  placedAt?: string;
}

interface AccountParent {
  partner: ErpPartner;
}

const MAX_INVOICES = 100;

const partnerOf = (ref: CustomerRef, ctx: ErpContext): Promise<PartnerMatch | null> =>
  ctx.loaders.partner.load({ erpPartnerId: ref.links?.erpPartnerId ?? null, email: ref.links?.email ?? null });

const saleOrderOf = (ref: OrderRef, ctx: ErpContext): Promise<ErpSaleOrder | null> =>
  ref.number ? ctx.loaders.saleOrder.load(ref.number) : Promise.resolve(null);

export const resolvers: GraphQLResolverMap<ErpContext> = {
  DateTime: DateTimeScalar,

  Customer: {
    __resolveReference: (ref: CustomerRef) => ref,
    /** For the CRM only: when Odoo fails, the unavailable sentinel (the CRM reports it), not an error here. */
    erpSource: (ref: CustomerRef, _args, ctx: ErpContext): Promise<SourceRecord | null> => fallbackOnUpstreamFailure(unavailableSource('ERP'), async () => {
      const match = await partnerOf(ref, ctx);
      return match && toErpSource(match.partner, match.linkedBy);
    }),
    account: async (ref: CustomerRef, _args, ctx: ErpContext): Promise<AccountParent | null> => {
      const match = await partnerOf(ref, ctx);
      return match && { partner: match.partner };
    },
    lifetimeValue: async (ref: CustomerRef, { currency }: { currency?: string | null }, ctx: ErpContext) => {
      if (ref.shopOrderTotals === null) throw codedError('UPSTREAM_UNAVAILABLE', 'Order totals from commerce are unavailable.');
      const totals = ref.shopOrderTotals ?? [];
      if (!currency) {
        // The shop's totals share its currency, which only they tell: with no orders the value is still
        // known (zero), and is given in the account currency, the ERP company's.
        const shopCurrency = totals[0]?.currency;
        if (!shopCurrency) return sumInCurrency([], await ctx.loaders.companyCurrency(), null);
        const mixed = totals.some((t) => t.currency !== shopCurrency);
        return sumInCurrency(totals, shopCurrency, mixed ? await ctx.loaders.rateTable() : null);
      }
      checkCurrencyArgument(currency);
      const table = await ctx.loaders.rateTable();
      checkKnownCurrency(table, currency);
      return sumInCurrency(totals, currency, table);
    },
  },

  CustomerAccount: {
    number: ({ partner }: AccountParent) => accountNumber(partner),
    currency: (_parent: AccountParent, _args, ctx: ErpContext) => ctx.loaders.companyCurrency(),
    creditLimit: async ({ partner }: AccountParent, _args, ctx: ErpContext) => creditLimit(partner, await ctx.loaders.companyCurrency()),
    balance: async ({ partner }: AccountParent, _args, ctx: ErpContext) => {
      const [invoices, table] = await Promise.all([ctx.loaders.invoices.load(partner.id), ctx.loaders.rateTable()]);
      return openBalance(invoices, table);
    },
    paymentTerms: ({ partner }: AccountParent) => partner.paymentTerms,
    invoices: async ({ partner }: AccountParent, { first }: { first?: number | null }, ctx: ErpContext) => {
      const count = checkFirst(first, MAX_INVOICES);
      return (await ctx.loaders.invoices.load(partner.id)).slice(0, count);
    },
  },

  Invoice: {
    orderNumber: (invoice: ErpInvoice, _args, ctx: ErpContext) =>
      invoice.saleOrderName ? ctx.loaders.orderNumberOfSaleOrder.load(invoice.saleOrderName) : null,
  },

  Order: {
    __resolveReference: (ref: OrderRef) => ref,
    /** For commerce's Order.version only: UNAVAILABLE_MARKER when Odoo fails (commerce reports it); null without a sales order. */
    erpVersion: (ref: OrderRef, _args, ctx: ErpContext) => fallbackOnUpstreamFailure<string | null>(UNAVAILABLE_MARKER, async () => (await saleOrderOf(ref, ctx))?.writeDate ?? null),
    fulfillment: (ref: OrderRef, _args, ctx: ErpContext) => saleOrderOf(ref, ctx),
    totalIn: async (ref: OrderRef, { currency }: { currency: string }, ctx: ErpContext) => {
      checkCurrencyArgument(currency);
      if (!ref.total || !ref.placedAt) throw new Error('The gateway sent an Order without the total and placedAt totalIn requires.');
      const table = await ctx.loaders.rateTable();
      checkKnownCurrency(table, currency);
      return convertMoney(table, ref.total, currency, ref.placedAt);
    },
  },

  Fulfillment: {
    invoiceNumber: (order: ErpSaleOrder, _args, ctx: ErpContext) =>
      order.firstInvoiceId === null ? null : ctx.loaders.invoiceName.load(order.firstInvoiceId),
  },

  Product: {
    __resolveReference: (ref: { sku: string }) => ref,
    stock: (ref: { sku: string }, _args, ctx: ErpContext) => ctx.loaders.stock.load(ref.sku),
    available: async (ref: { sku: string }, _args, ctx: ErpContext) => available(await ctx.loaders.stock.load(ref.sku)),
  },
};
