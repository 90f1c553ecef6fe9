/**
 * Resolvers of the ERP subgraph. Entities resolve to their representation (what the gateway sent,
 * including the @requires fields); each field then asks the per-request loaders, so a batch of N
 * entities costs a constant number of Odoo requests. Every field is its own resolver so that
 * authorization can wrap fields one by one.
 */
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { GraphQLResolveInfo } from 'graphql';
import { DateTimeScalar } from '../shared/scalars.ts';
import { selectsAny } from '../shared/look-ahead.ts';
import { checkFirst } from '../shared/pagination.ts';
import type { Money } from '../shared/money.ts';
import { fallbackOnUpstreamFailure } from '../shared/field-errors.ts';
import { unavailableSource, type CustomerLinks, type SourceRecord } from '../shared/sources.ts';
import { UNAVAILABLE_MARKER } from '../shared/version.ts';
import { codedError } from '../../schema/errors.ts';
import type { ErpLoaders } from './loaders.ts';
import type { PartnerKey, PartnerMatch } from './partner-match.ts';
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
  /** Invoices searched beside the partner (a superset: this partner's are those with its id), when balance or invoices is selected. */
  covering?: Promise<ErpInvoice[]>;
}

/** The partner's invoices, newest first: from the search begun beside the partner's when there is one. */
async function invoicesOf({ partner, covering }: AccountParent, ctx: ErpContext): Promise<ErpInvoice[]> {
  return covering ? (await covering).filter((i) => i.partnerId === partner.id) : ctx.loaders.invoices.load(partner.id);
}

const MAX_INVOICES = 100;

const partnerKeyOf = (ref: CustomerRef): PartnerKey => ({ erpPartnerId: ref.links?.erpPartnerId ?? null, email: ref.links?.email ?? null });

const partnerOf = (ref: CustomerRef, ctx: ErpContext): Promise<PartnerMatch | null> => ctx.loaders.partner.load(partnerKeyOf(ref));

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
    account: async (ref: CustomerRef, _args, ctx: ErpContext, info: GraphQLResolveInfo): Promise<AccountParent | null> => {
      // The invoices are searched by the same stored id and email now, not once the partner is known.
      const covering = selectsAny(info, ['balance', 'invoices']) ? ctx.loaders.invoicesCovering.load(partnerKeyOf(ref)) : undefined;
      covering?.catch(() => undefined); // Read (and reported) by balance or invoices; unread when the partner is missing.
      const match = await partnerOf(ref, ctx);
      return match && { partner: match.partner, covering };
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
    balance: async (parent: AccountParent, _args, ctx: ErpContext) => {
      const [invoices, table] = await Promise.all([invoicesOf(parent, ctx), ctx.loaders.rateTable()]);
      return openBalance(invoices, table);
    },
    paymentTerms: ({ partner }: AccountParent) => partner.paymentTerms,
    invoices: async (parent: AccountParent, { first }: { first?: number | null }, ctx: ErpContext) => {
      const count = checkFirst(first, MAX_INVOICES);
      return (await invoicesOf(parent, ctx)).slice(0, count);
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
