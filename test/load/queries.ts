/** The documents `npm run load` sends: the README's unified-customer query, its page variant, and the heavy candidates. */

/** The selection of README "Quick start" (one customer from all four systems). */
export const UNIFIED_CUSTOMER_FIELDS = `id name email phone address { city country } sources { system linkedBy } account { number balance { amount currency } } orders(first: 2) { edges { node { number total { amount currency } totalIn(currency: "EUR") { amount rate rateDate } fulfillment { status } } } } lifetimeValue { amount currency } socialProfiles { handle followers recentPosts(first: 1) { text } }`;

/** The README query with the email as a variable, as a client would send it (one document, one query plan). */
export const UNIFIED_BY_EMAIL = `query UnifiedCustomer($email: String!) { customers(first: 1, filter: { email: $email }) { edges { node { ${UNIFIED_CUSTOMER_FIELDS} } } } }`;

/** The same selection over a page of 20 customers. */
export const UNIFIED_PAGE = `query UnifiedCustomerPage { customers(first: 20) { edges { node { ${UNIFIED_CUSTOMER_FIELDS} } } } }`;

/** How far below `orders` the heavy request reaches: lines, their products and the products' stock. */
export type HeavyNesting = 'stock' | 'product' | 'orders';

/** One candidate for the heavy client: `aliases` × customers(first) with nested lists of `nestedFirst`. */
export interface HeavyShape {
  aliases: number;
  first: number;
  /** first of orders and invoices, and of recentPosts (at most 20 there). */
  nestedFirst: number;
  nesting: HeavyNesting;
}

const LINES: Record<HeavyNesting, string> = {
  stock: 'lines { sku quantity total { amount currency } product { sku title available price { amount currency } stock { warehouse onHand reserved } } }',
  product: 'lines { sku quantity total { amount currency } product { sku title available } }',
  orders: '',
};

/** Every field of a customer that reaches an upstream, with nested lists of the shape's size. */
export function heavyQuery(shape: HeavyShape): string {
  const n = shape.nestedFirst;
  const node = `id name email phone address { city country } sources { system linkedBy } lifecycleStage createdAt
    account { number balance { amount currency } invoices(first: ${n}) { number status total { amount currency } amountDue { amount currency } } }
    orders(first: ${n}) { edges { node { number status total { amount currency } totalIn(currency: "EUR") { amount rate rateDate } fulfillment { status erpOrderNumber } ${LINES[shape.nesting]} } } }
    lifetimeValue { amount currency }
    socialProfiles { handle followers posts recentPosts(first: ${Math.min(n, 20)}) { text likes } }`;
  const aliases = Array.from({ length: shape.aliases }, (_, i) => `c${i}: customers(first: ${shape.first}) { edges { node { ${node} } } }`);
  return `query Heavy { ${aliases.join(' ')} }`.replace(/\s+/g, ' ');
}

/** A rough count of records one request asks the upstreams for (about three lines per order); orders the candidates. */
export function heavyWeight(shape: HeavyShape): number {
  const perOrder = { stock: 1 + 3 * 3, product: 1 + 3 * 2, orders: 1 }[shape.nesting];
  return shape.aliases * shape.first * (1 + shape.nestedFirst * (1 + perOrder) + Math.min(shape.nestedFirst, 20));
}

/** "3 × customers(first: 100), orders/invoices(first: 20), down to stock" */
export function describeShape(shape: HeavyShape): string {
  const depth = { stock: 'lines → product → stock', product: 'lines → product', orders: 'no lines' }[shape.nesting];
  return `${shape.aliases} alias${shape.aliases === 1 ? '' : 'es'} × customers(first: ${shape.first}), orders/invoices(first: ${shape.nestedFirst}), ${depth}`;
}

/**
 * Heavy candidates by estimated weight, heaviest first (at equal weight, more aliases first): walking
 * down drops aliases, then shrinks pages and nesting. The lightest is still a whole customer.
 */
export function heavyCandidates(): HeavyShape[] {
  const shapes: HeavyShape[] = [];
  for (const aliases of [10, 5, 3, 2, 1]) {
    for (const first of [100, 50, 20, 10, 5, 2, 1]) {
      for (const nestedFirst of [20, 10, 5, 2, 1]) {
        for (const nesting of ['stock', 'product', 'orders'] as const) shapes.push({ aliases, first, nestedFirst, nesting });
      }
    }
  }
  // Stable sort: equal weights keep the order above (more aliases first).
  return shapes.sort((a, b) => heavyWeight(b) - heavyWeight(a));
}
