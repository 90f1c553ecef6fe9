/**
 * The Admin GraphQL documents the client sends. Part of client.ts, kept apart only for length.
 * The read path's documents read the shop money of orders: the canonical amounts are in the shop's
 * currency. Reconciliation's also read the presentment money, which the ERP's sales order mirrors.
 */

/** Line items beyond this many are not read (Shopify's page limit; orders that large are not expected). */
const LINE_ITEMS_PER_ORDER = 250;
/** Shopify's page size limit, used when reading every order of a customer. */
const ORDERS_PER_PAGE = 250;

const ORDER_FIELDS = `
fragment OrderFields on Order {
  id name createdAt updatedAt cancelledAt displayFinancialStatus displayFulfillmentStatus currencyCode
  subtotalPriceSet { shopMoney { amount currencyCode } }
  totalTaxSet { shopMoney { amount currencyCode } }
  totalPriceSet { shopMoney { amount currencyCode } }
  customer { id defaultEmailAddress { emailAddress } }
  lineItems(first: ${LINE_ITEMS_PER_ORDER}) { nodes { sku title quantity originalUnitPriceSet { shopMoney { amount currencyCode } } } }
}`;

const CUSTOMER_FIELDS = `
fragment CustomerFields on Customer { id updatedAt defaultEmailAddress { emailAddress } }`;

const TOTALS_PAGE = `
fragment TotalsPage on OrderConnection {
  nodes { createdAt cancelledAt totalPriceSet { shopMoney { amount currencyCode } } }
  pageInfo { hasNextPage endCursor }
}`;

/**
 * A page of customers by last change, oldest first (the change feed): the gid, updatedAt and email
 * only, 2 cost points a customer on Shopify's scale, so a page of 250 stays within its limit of 1000 a query.
 */
export const CUSTOMERS_BY_UPDATE = `
query CustomersByUpdate($first: Int!, $after: String, $query: String!) {
  customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes { ...CustomerFields }
    pageInfo { hasNextPage endCursor }
  }
}${CUSTOMER_FIELDS}`;

/** A page of orders by last change, oldest first, with their totals (the change feed and lookups by number). */
export const ORDERS_BY_UPDATE = `
query OrdersByUpdate($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id name createdAt updatedAt cancelledAt
      totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const ORDERS_BY_IDS = `
query OrdersByIds($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Order { ...OrderFields } }
}${ORDER_FIELDS}`;

export const LIST_ORDERS = `
query ListOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT, reverse: true) {
    edges { cursor node { ...OrderFields } }
    pageInfo { hasNextPage endCursor }
  }
}${ORDER_FIELDS}`;

export const VARIANTS_BY_SKU = `
query VariantsBySku($first: Int!, $query: String!) {
  shop { currencyCode }
  productVariants(first: $first, query: $query) { nodes { sku title price } }
}`;

/**
 * Stored gids and email matches in one request; either half is left out when it has nothing to look up.
 * When the read path also wants the customers' orders (a page of them, and/or the first page of every
 * order's total), they come in the same request: Customer.orders is a connection on the customer.
 */
export const FIND_CUSTOMERS = `
query FindCustomers($ids: [ID!]!, $withIds: Boolean!, $emailQuery: String!, $withEmails: Boolean!, $first: Int!) {
  nodes(ids: $ids) @include(if: $withIds) { ... on Customer { ...CustomerFields } }
  customers(first: $first, query: $emailQuery) @include(if: $withEmails) { nodes { ...CustomerFields } }
}${CUSTOMER_FIELDS}`;

/**
 * FIND_CUSTOMERS bringing each customer's orders and/or order totals along. A separate document, not
 * FIND_CUSTOMERS with more @include'd fields: Shopify's requested cost counts a field whatever its
 * @include, and the write path's plain lookups must stay cheap.
 */
export const FIND_CUSTOMERS_WITH_ORDERS = `
query FindCustomersWithOrders($ids: [ID!]!, $withIds: Boolean!, $emailQuery: String!, $withEmails: Boolean!, $first: Int!,
  $withOrders: Boolean = false, $ordersFirst: Int = 1, $ordersAfter: String, $withTotals: Boolean = false) {
  nodes(ids: $ids) @include(if: $withIds) { ... on Customer { ...CustomerFields ...CustomerOrders } }
  customers(first: $first, query: $emailQuery) @include(if: $withEmails) { nodes { ...CustomerFields ...CustomerOrders } }
}
fragment CustomerOrders on Customer {
  orders(first: $ordersFirst, after: $ordersAfter, sortKey: CREATED_AT, reverse: true) @include(if: $withOrders) {
    edges { cursor node { ...OrderFields } }
    pageInfo { hasNextPage endCursor }
  }
  orderTotals: orders(first: ${ORDERS_PER_PAGE}, sortKey: CREATED_AT, reverse: true) @include(if: $withTotals) { ...TotalsPage }
}${CUSTOMER_FIELDS}${ORDER_FIELDS}${TOTALS_PAGE}`;

export const CUSTOMER_ORDERS = `
query CustomerOrders($ids: [ID!]!, $first: Int!, $after: String) {
  nodes(ids: $ids) {
    ... on Customer {
      id
      orders(first: $first, after: $after, sortKey: CREATED_AT, reverse: true) {
        edges { cursor node { ...OrderFields } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}${ORDER_FIELDS}`;

export const CUSTOMER_ORDER_TOTALS = `
query CustomerOrderTotals($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Customer { id orders(first: ${ORDERS_PER_PAGE}, sortKey: CREATED_AT, reverse: true) { ...TotalsPage } } }
}${TOTALS_PAGE}`;

/**
 * The next page of several customers' orders, each after its own cursor: one aliased `node` field
 * per customer, so one request serves them all.
 */
export function moreCustomerOrderTotals(count: number): string {
  const params = Array.from({ length: count }, (_, i) => `$id${i}: ID!, $after${i}: String!`).join(', ');
  const fields = Array.from({ length: count }, (_, i) =>
    `c${i}: node(id: $id${i}) { ... on Customer { orders(first: ${ORDERS_PER_PAGE}, after: $after${i}, sortKey: CREATED_AT, reverse: true) { ...TotalsPage } } }`,
  ).join('\n  ');
  return `
query MoreCustomerOrderTotals(${params}) {
  ${fields}
}${TOTALS_PAGE}`;
}

/** What a write compares and the change marker, read in one request so the two always agree. */
const CUSTOMER_WRITE_FIELDS = `
fragment CustomerWriteFields on Customer {
  id updatedAt firstName lastName
  defaultEmailAddress { emailAddress }
  defaultPhoneNumber { phoneNumber }
  defaultAddress { address1 address2 city provinceCode countryCodeV2 zip }
}`;

export const CUSTOMER_FOR_WRITE = `
query CustomerForWrite($id: ID!) {
  customer(id: $id) { ...CustomerWriteFields }
}${CUSTOMER_WRITE_FIELDS}`;

/** The same fields for many customers in one request (reconciliation). */
export const CUSTOMERS_FOR_WRITE = `
query CustomersForWrite($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Customer { ...CustomerWriteFields } }
}${CUSTOMER_WRITE_FIELDS}`;

export const CUSTOMER_UPDATE = `
mutation CustomerUpdate($input: CustomerInput!) {
  customerUpdate(input: $input) { customer { id } userErrors { field message } }
}`;

export const CUSTOMER_CREATE = `
mutation CustomerCreate($input: CustomerInput!) {
  customerCreate(input: $input) { customer { id } userErrors { field message } }
}`;

/**
 * The gateway cancels on a partner system's behalf: money is not refunded here (refunds are a
 * finance decision taken in the shop), the items go back to stock, and the customer is not emailed.
 */
export const ORDER_CANCEL = `
mutation OrderCancel($orderId: ID!, $reason: OrderCancelReason!, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: $reason, refund: false, restock: true, notifyCustomer: false, staffNote: $staffNote) {
    job { id }
    orderCancelUserErrors { field message code }
  }
}`;
