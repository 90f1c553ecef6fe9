/**
 * The mutations the gateway's write path uses. As in Shopify, a value the shop refuses is reported in
 * the payload's userErrors on a 200 response, not as a GraphQL error; only a malformed id is one.
 */
import { randomUUID } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { ShopifyCustomer } from '../dataset/types.ts';
import { idOfType } from './gid.ts';
import { orderCreate } from './order-create.ts';
import type { AdminContext } from './resolvers.ts';
import type { CustomerFields, ShopifyStore } from './store.ts';

interface UserError {
  field: string[] | null;
  message: string;
}

interface MailingAddressInput {
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  provinceCode?: string | null;
  countryCode?: string | null;
  zip?: string | null;
}

interface CustomerInput {
  id?: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  tags?: string[] | null;
  addresses?: MailingAddressInput[] | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const blank = (value: string | null | undefined): string | null => value?.trim() || null;

/** Checks an input against the shop's rules; the fields to write, or the userErrors that refuse it. */
function customerFields(input: CustomerInput, store: ShopifyStore, current: ShopifyCustomer | null): { fields: CustomerFields; errors: UserError[] } {
  const errors: UserError[] = [];
  const others = [...store.customers.values()].filter((c) => c !== current);
  // Only the keys the input names are written; an explicit null or '' clears the field.
  const fields: CustomerFields = {};
  for (const key of ['firstName', 'lastName', 'email'] as const) if (input[key] !== undefined) fields[key] = blank(input[key]);
  if (input.addresses !== undefined) {
    const [a] = input.addresses ?? [];
    fields.address = a
      ? { address1: blank(a.address1), address2: blank(a.address2), city: blank(a.city), provinceCode: blank(a.provinceCode), countryCodeV2: a.countryCode ?? null, zip: blank(a.zip) }
      : null;
  }
  if (input.tags !== undefined) fields.tags = input.tags ?? [];
  if (fields.email) {
    if (!EMAIL.test(fields.email)) errors.push({ field: ['email'], message: 'Email is invalid' });
    else if (others.some((c) => c.email?.toLowerCase() === fields.email!.toLowerCase())) errors.push({ field: ['email'], message: 'Email has already been taken' });
  }
  const phone = input.phone === undefined ? undefined : blank(input.phone);
  if (phone) {
    // Shopify stores phones in E.164, reading a national number in the address's country.
    const country = (fields.address ?? current?.address)?.countryCodeV2 ?? undefined;
    const parsed = parsePhoneNumberFromString(phone, country as CountryCode | undefined);
    if (!parsed?.isValid()) errors.push({ field: ['phone'], message: 'Phone is invalid' });
    else if (others.some((c) => c.phone === parsed.number)) errors.push({ field: ['phone'], message: 'Phone has already been taken' });
    else fields.phone = parsed.number;
  } else if (phone === null) fields.phone = null;
  return { fields, errors };
}

const hasIdentity = (c: Pick<ShopifyCustomer, 'firstName' | 'lastName' | 'email' | 'phone'>) => Boolean(c.firstName || c.lastName || c.email || c.phone);

function cancelledFinancialStatus(current: string, refund: boolean): string {
  if (current === 'PENDING' || current === 'AUTHORIZED') return 'VOIDED';
  if (refund && ['PAID', 'PARTIALLY_PAID', 'PARTIALLY_REFUNDED'].includes(current)) return 'REFUNDED';
  return current;
}

export const mutationResolvers = {
  orderCreate,
  customerCreate(_: unknown, { input }: { input: CustomerInput }, { store }: AdminContext) {
    const { fields, errors } = customerFields(input, store, null);
    const merged = { firstName: null, lastName: null, email: null, phone: null, ...fields };
    if (!errors.length && !hasIdentity(merged)) errors.push({ field: null, message: 'Customer must have a name, phone number or email address' });
    if (errors.length) return { customer: null, userErrors: errors };
    return { customer: store.createCustomer(fields), userErrors: [] };
  },
  customerUpdate(_: unknown, { input }: { input: CustomerInput }, { store }: AdminContext) {
    const id = input.id === undefined ? null : idOfType(input.id, 'Customer');
    const customer = id === null ? undefined : store.customers.get(id);
    if (!customer) return { customer: null, userErrors: [{ field: ['id'], message: 'Customer does not exist' }] };
    const { fields, errors } = customerFields(input, store, customer);
    if (!errors.length && !hasIdentity({ ...customer, ...fields })) {
      errors.push({ field: null, message: 'Customer must have a name, phone number or email address' });
    }
    if (errors.length) return { customer: null, userErrors: errors };
    return { customer: store.updateCustomer(customer, fields), userErrors: [] };
  },
  orderCancel(_: unknown, args: { orderId: string; reason: string; refund?: boolean | null }, { store }: AdminContext) {
    const id = idOfType(args.orderId, 'Order');
    const order = id === null ? undefined : store.orders.get(id);
    const refuse = (message: string, code: string) => ({
      job: null,
      orderCancelUserErrors: [{ field: ['orderId'], message, code }],
      userErrors: [{ field: ['orderId'], message }],
    });
    if (!order) return refuse('Order does not exist', 'NOT_FOUND');
    if (order.cancelledAt !== null) return refuse('Order has already been cancelled', 'INVALID');
    store.cancelOrder(order, args.reason, cancelledFinancialStatus(order.displayFinancialStatus, args.refund ?? false));
    // Shopify cancels in a background job; the stand-in has already done it when it answers.
    return { job: { id: `gid://shopify/Job/${randomUUID()}`, done: true }, orderCancelUserErrors: [], userErrors: [] };
  },
};
