/**
 * Reads and writes the stand-ins directly, in their own dialects, as a person editing HubSpot, Odoo
 * or Shopify by hand would: to check what a mutation wrote, and to change records behind the gateway's back.
 */
import type { Stack } from '../../upstreams/stack.ts';
import { DEV_CREDENTIALS } from '../../upstreams/stack.ts';

export async function hubspotContact(stack: Stack, id: string): Promise<{ properties: Record<string, string | null>; updatedAt: string }> {
  const props = 'firstname,lastname,email,phone,company,address,city,state,zip,country,lifecyclestage,erp_partner_id,shop_customer_id';
  const res = await fetch(`${stack.standIns.hubspot.url}/crm/v3/objects/contacts/${id}?properties=${props}`, { headers: { authorization: `Bearer ${DEV_CREDENTIALS.hubspot}` } });
  return res.json();
}

async function odoo(stack: Stack, model: string, method: string, body: unknown): Promise<any> {
  const res = await fetch(`${stack.standIns.odoo.url}/json/2/${model}/${method}`, {
    method: 'POST',
    headers: { authorization: `bearer ${DEV_CREDENTIALS.odoo}`, 'x-odoo-database': 'standin', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.json();
}

export const odooPartner = async (stack: Stack, id: number) =>
  (await odoo(stack, 'res.partner', 'read', { ids: [id], fields: ['name', 'email', 'phone', 'street', 'city', 'zip', 'country_id', 'write_date'] }))[0];

export const odooWritePartner = (stack: Stack, id: number, vals: Record<string, unknown>) => odoo(stack, 'res.partner', 'write', { ids: [id], vals });

export const odooWriteSaleOrder = (stack: Stack, id: number, vals: Record<string, unknown>) => odoo(stack, 'sale.order', 'write', { ids: [id], vals });

export const odooSaleOrder = async (stack: Stack, ref: string) =>
  (await odoo(stack, 'sale.order', 'search_read', { domain: [['client_order_ref', '=', ref]], fields: ['id', 'name', 'state', 'write_date'] }))[0];

/** A query to the shop, waiting out its rate limit as a person's admin session would (a pass may just have used the bucket up). */
export async function shopify(stack: Stack, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  for (;;) {
    const res = await fetch(`${stack.standIns.shopify.url}/admin/api/2025-10/graphql.json`, {
      method: 'POST',
      headers: { 'x-shopify-access-token': DEV_CREDENTIALS.shopify, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (!body.errors?.some((e: { extensions?: { code?: string } }) => e.extensions?.code === 'THROTTLED')) return body.data;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export const shopifyCustomer = async (stack: Stack, gid: string) => (await shopify(stack, `query($id: ID!) { customer(id: $id) {
  id firstName lastName updatedAt defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } defaultAddress { address1 city countryCodeV2 zip } } }`, { id: gid })).customer;

/** The upstream writes the stand-ins have counted: HubSpot PATCH/POST, Odoo write/create/action_cancel, Shopify mutations. */
export function upstreamWrites(stack: Stack): Record<string, number> {
  const isWrite = (key: string) => /^hubspot (PATCH|POST \/crm\/v3\/objects\/contacts$)|^odoo .*\/(write|create|action_cancel)$/.test(key);
  const counted = Object.entries(stack.upstreamCounters()).filter(([key]) => isWrite(key));
  const mutations = Object.entries(stack.standIns.shopify.rootFieldCounters())
    .filter(([field]) => /^(customerCreate|customerUpdate|orderCancel)$/.test(field)).map(([field, n]) => [`shopify ${field}`, n]);
  return Object.fromEntries([...counted, ...mutations]);
}

/** How many Odoo partners have this email (any case), archived ones left out as Odoo's search does. */
export const odooPartnerCount = (stack: Stack, email: string): Promise<number> =>
  odoo(stack, 'res.partner', 'search_count', { domain: [['email', '=ilike', email]] });

/** The gids of the shop customers Shopify's search finds for this email. */
export const shopifyCustomerIdsByEmail = async (stack: Stack, email: string): Promise<string[]> =>
  (await shopify(stack, 'query($q: String!) { customers(first: 10, query: $q) { nodes { id } } }', { q: `email:${email}` })).customers.nodes.map((n: { id: string }) => n.id);

/** The HubSpot contact with this email (HubSpot keeps emails unique), read by email rather than through its lagging search. */
export async function hubspotContactByEmail(stack: Stack, email: string): Promise<{ id: string; properties: Record<string, string | null> } | null> {
  const props = 'email,firstname,lastname,erp_partner_id,shop_customer_id';
  const res = await fetch(`${stack.standIns.hubspot.url}/crm/v3/objects/contacts/${encodeURIComponent(email)}?idProperty=email&properties=${props}`, { headers: { authorization: `Bearer ${DEV_CREDENTIALS.hubspot}` } });
  return res.status === 404 ? null : res.json();
}
