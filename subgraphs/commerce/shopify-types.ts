/** The records as the client's documents (shopify-documents.ts) ask Shopify for them. */

export interface ShopifyMoney {
  /** Shopify's Decimal: an exact string, not rescaled ("24.0", "12.5", "1200.0"). */
  amount: string;
  currencyCode: string;
}

/** A MoneyBag of which the client reads the shop money only. */
export interface ShopifyMoneyBag {
  shopMoney: ShopifyMoney;
}

/** A MoneyBag read whole: what the buyer was charged (presentment) beside the shop's currency. */
export interface ShopifyMoneyPair extends ShopifyMoneyBag {
  presentmentMoney: ShopifyMoney;
}

/** An order as reconciliation compares it with its ERP sales order. */
export interface ShopifyOrderChangeNode {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  totalPriceSet: ShopifyMoneyPair;
}

export interface ShopifyLineItemNode {
  sku: string | null;
  title: string;
  quantity: number;
  originalUnitPriceSet: ShopifyMoneyBag;
}

export interface ShopifyOrderNode {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string;
  currencyCode: string;
  subtotalPriceSet: ShopifyMoneyBag | null;
  totalTaxSet: ShopifyMoneyBag | null;
  totalPriceSet: ShopifyMoneyBag;
  customer: { id: string; defaultEmailAddress: { emailAddress: string | null } | null } | null;
  lineItems: { nodes: ShopifyLineItemNode[] };
}

/** The slice of an order that lifetime value needs. */
export interface ShopifyOrderTotalNode {
  createdAt: string;
  cancelledAt: string | null;
  totalPriceSet: ShopifyMoneyBag;
}

export interface ShopifyCustomerNode {
  id: string;
  updatedAt: string;
  defaultEmailAddress: { emailAddress: string | null } | null;
  /** Present when the lookup asked for a page of the customer's orders. */
  orders?: ShopifyEdgePage<ShopifyOrderNode>;
  /** Present when the lookup asked for the first page of the customer's order totals. */
  orderTotals?: ShopifyNodesPage<ShopifyOrderTotalNode>;
}

export interface ShopifyVariantNode {
  sku: string | null;
  title: string;
  /** Shopify's Money scalar: a decimal string in the shop's currency. */
  price: string;
}

export interface ShopifyPageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface ShopifyEdgePage<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: ShopifyPageInfo;
}

export interface ShopifyNodesPage<T> {
  nodes: T[];
  pageInfo: ShopifyPageInfo;
}

export interface ShopifyMailingAddress {
  address1: string | null;
  address2: string | null;
  city: string | null;
  provinceCode: string | null;
  countryCodeV2: string | null;
  zip: string | null;
}

/** A customer as a write reads it: the fields it compares, and the change marker. */
export interface ShopifyCustomerWriteNode {
  id: string;
  updatedAt: string;
  firstName: string | null;
  lastName: string | null;
  defaultEmailAddress: { emailAddress: string | null } | null;
  defaultPhoneNumber: { phoneNumber: string } | null;
  defaultAddress: ShopifyMailingAddress | null;
}

/** MailingAddressInput: as MailingAddress, but the country is `countryCode`. */
export interface ShopifyMailingAddressInput {
  address1: string | null;
  address2: string | null;
  city: string | null;
  provinceCode: string | null;
  countryCode: string | null;
  zip: string | null;
}

/** The CustomerInput fields the gateway writes; an absent key is left as it is, null clears. */
export interface ShopifyCustomerInput {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  /** The first address becomes the default address; [] removes it. */
  addresses?: ShopifyMailingAddressInput[];
}

/** A mutation's refusal on a 200 response (UserError; orderCancel's OrderCancelUserError adds a code). */
export interface ShopifyUserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}

export type ShopifyOrderCancelReason = 'CUSTOMER' | 'DECLINED' | 'FRAUD' | 'INVENTORY' | 'OTHER' | 'STAFF';
