/**
 * The generated dataset, held in each upstream's own storage shape. Each stand-in takes its slice,
 * copies it, and serves it in its dialect (see ../../../shared/UPSTREAMS.md).
 */

/** HubSpot stores every property as a string or null. */
export interface HubSpotContact {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

/** An Odoo record as `read` returns it: `false` for empty, many2one as `[id, name]`, naive UTC datetimes, float money. */
export type OdooValue = string | number | boolean | null | [number, string] | number[];
export type OdooRecord = { id: number } & Record<string, OdooValue>;

export interface OdooData {
  'res.partner': OdooRecord[];
  'res.country': OdooRecord[];
  'res.currency': OdooRecord[];
  'res.currency.rate': OdooRecord[];
  'sale.order': OdooRecord[];
  'account.move': OdooRecord[];
  'product.product': OdooRecord[];
  'stock.quant': OdooRecord[];
  'stock.warehouse': OdooRecord[];
  'account.payment.term': OdooRecord[];
}

/** A Shopify money pair as decimal strings (MoneyBag). */
export interface ShopMoneyBag {
  shopMoney: { amount: string; currencyCode: string };
  presentmentMoney: { amount: string; currencyCode: string };
}

export interface ShopifyCustomer {
  id: number;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  address: {
    address1: string | null;
    address2: string | null;
    city: string | null;
    provinceCode: string | null;
    countryCodeV2: string | null;
    zip: string | null;
  } | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

export interface ShopifyLineItem {
  sku: string | null;
  title: string;
  quantity: number;
  originalUnitPriceSet: ShopMoneyBag;
}

export interface ShopifyOrder {
  id: number;
  name: string;
  customerId: number | null;
  createdAt: string;
  processedAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  displayFinancialStatus: string;
  displayFulfillmentStatus: string;
  currencyCode: string;
  presentmentCurrencyCode: string;
  subtotalPriceSet: ShopMoneyBag;
  totalTaxSet: ShopMoneyBag;
  totalPriceSet: ShopMoneyBag;
  lineItems: ShopifyLineItem[];
}

export interface ShopifyVariant {
  id: number;
  sku: string;
  title: string;
  price: string;
  updatedAt: string;
}

export interface ShopifyData {
  shopCurrency: string;
  customers: ShopifyCustomer[];
  orders: ShopifyOrder[];
  variants: ShopifyVariant[];
}

export interface MastodonAccount {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  note: string;
  url: string;
  avatar: string;
  followers_count: number;
  following_count: number;
  statuses_count: number;
  last_status_at: string | null;
  created_at: string;
  fields: { name: string; value: string; verified_at: string | null }[];
}

export interface MastodonStatus {
  id: string;
  account_id: string;
  created_at: string;
  content: string;
  url: string;
  favourites_count: number;
  reblogs_count: number;
  replies_count: number;
  visibility: string;
}

export interface MastodonData {
  domain: string;
  accounts: MastodonAccount[];
  statuses: MastodonStatus[];
}

/** A system that holds a copy of a CRM contact's master fields. */
export type LinkedSystem = 'ERP' | 'COMMERCE';

/**
 * One disagreement between systems that the generator makes on purpose, so that a reconciliation
 * pass can be checked against a known answer. Shop orders are named by id and number; the others
 * by the CRM contact they concern.
 */
export type DeliberateDisagreement =
  /** A master field of the linked record differs from the contact's. */
  | { kind: 'FIELD_MISMATCH'; contactId: string; system: LinkedSystem; field: 'name' | 'email' | 'phone' | 'address' }
  /** The contact is linked by email only, and the system holds two or more records with that email (any case). */
  | { kind: 'AMBIGUOUS_EMAIL'; contactId: string; system: LinkedSystem }
  /** The contact stores an id for the system that names no record (and no record there has its email). */
  | { kind: 'BROKEN_LINK'; contactId: string; system: LinkedSystem }
  /** No ERP sales order has this shop order's number as client_order_ref; placedAt lets a check apply a grace period. */
  | { kind: 'MISSING_ERP_ORDER'; shopOrderId: number; orderNumber: string; placedAt: string }
  /** The ERP sales order's amount_total differs from the shop order's presentment total (same currency). */
  | { kind: 'ORDER_TOTAL_MISMATCH'; shopOrderId: number; orderNumber: string };

export interface Dataset {
  hubspot: { contacts: HubSpotContact[] };
  odoo: OdooData;
  shopify: ShopifyData;
  mastodon: MastodonData;
  /** The manifest of every deliberate disagreement in the data above; no stand-in serves it. */
  disagreements: DeliberateDisagreement[];
}

export interface DatasetOptions {
  seed: number;
  customers: number;
  orders: number;
  products: number;
}

export const DEFAULT_DATASET_OPTIONS: DatasetOptions = { seed: 42, customers: 200, orders: 1000, products: 50 };
