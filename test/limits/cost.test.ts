import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSchema, getNamedType, getNullableType, getOperationAST, getVariableValues, isListType, isObjectType, parse, validate, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { SUPERGRAPH_PATH } from '../../schema/compose.ts';
import { apiSchemaOf } from '../../gateway/authz/planning-supergraph.ts';
import { formatGatewayError } from '../../gateway/format-error.ts';
import { costError, DEFAULT_MAX_QUERY_COST, estimateCost, readCostRules, type CostRules } from '../../gateway/limits/cost/index.ts';

const supergraph = readFileSync(SUPERGRAPH_PATH, 'utf8');
const api = apiSchemaOf(supergraph);
const rules = readCostRules(supergraph);

/** The estimate of a document's only (or named) operation, after checking that it validates and coercing its variables, as the gateway does. */
function costOf(query: string, variables?: Record<string, unknown>, schema: GraphQLSchema = api, costRules: CostRules = rules): number {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  const operation = getOperationAST(document)!;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  expect(coerced.errors).toBeUndefined();
  return estimateCost(schema, costRules, document, operation, coerced.coerced!);
}

/** The unified-customer query of the README's Quick start, as the README prints it. */
const README_QUERY: string = JSON.parse(/-d '(\{"query".*\})'/.exec(readFileSync(new URL('../../README.md', import.meta.url), 'utf8').split('## Quick start')[1])![1]).query;

// Weights in schema/*.graphql (read from the supergraph): Query.customers/orders/discrepancies 10,
// customer/order 10, type Product 10; Customer.orders/account/lifetimeValue/socialProfiles/version 5,
// Customer.sources 2 (×4), Order.fulfillment/totalIn/customer 5, SocialProfile.recentPosts 2 (× first),
// Discrepancy.customer/order 5, syncStatus 5, mutations 20 (+10 for any mutation). Any other object 1, leaves 0.

describe('readCostRules', () => {
  it('reads the weights and list sizes the subgraph SDLs declare from the composed supergraph', () => {
    expect(rules.fieldWeights.get('Query.customers')).toBe(10);
    expect(rules.fieldWeights.get('Order.totalIn')).toBe(5);
    expect(rules.typeWeights.get('Product')).toBe(10);
    expect(rules.listSizes.get('Query.customers')).toEqual({ slicingArguments: ['first'], sizedFields: ['edges'] });
    expect(rules.listSizes.get('Customer.socialProfiles')).toEqual({ assumedSize: 1, slicingArguments: [], sizedFields: [] });
  });

  it('weighs every field whose resolution calls an upstream or another subgraph above a plain object', () => {
    const upstream = ['Query.customer', 'Query.customers', 'Query.order', 'Query.orders', 'Query.discrepancies', 'Query.syncStatus',
      'Customer.version', 'Customer.sources', 'Customer.account', 'Customer.lifetimeValue', 'Customer.orders', 'Customer.socialProfiles',
      'Customer.discrepancies', 'Order.customer', 'Order.fulfillment', 'Order.totalIn', 'Product.stock', 'Product.available',
      'SocialProfile.recentPosts', 'Discrepancy.customer', 'Discrepancy.order',
      'Mutation.createCustomer', 'Mutation.updateCustomer', 'Mutation.cancelOrder', 'Mutation.resolveDiscrepancy'];
    expect(upstream.filter((coordinate) => !((rules.fieldWeights.get(coordinate) ?? 0) > 1))).toEqual([]);
  });

  it('gives every list of the API schema a declared size, its own or its connection\'s', () => {
    const sizedByConnection = new Set<string>();
    for (const [coordinate, listSize] of rules.listSizes) {
      const [type, field] = coordinate.split('.');
      const connection = getNamedType((api.getType(type) as GraphQLObjectType).getFields()[field].type);
      for (const sized of listSize.sizedFields) sizedByConnection.add(`${connection.name}.${sized}`);
    }
    const undeclared: string[] = [];
    for (const type of Object.values(api.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        if (isListType(getNullableType(field.type)) && !rules.listSizes.has(coordinate) && !sizedByConnection.has(coordinate)) undeclared.push(coordinate);
      }
    }
    expect(undeclared).toEqual([]);
  });

  it('finds @listSize under the name the cost @link imports it as', () => {
    const renamed = readCostRules(`
      extend schema @link(url: "https://specs.apollo.dev/cost/v0.1", as: "price", import: [{ name: "@listSize", as: "@size" }])
      type Query { items(first: Int): [Int] @price(weight: 3) @size(slicingArguments: ["first"]) plain: [Int] @cost(weight: 9) }`);
    expect(renamed.fieldWeights).toEqual(new Map([['Query.items', 3]]));
    expect(renamed.listSizes.get('Query.items')).toEqual({ slicingArguments: ['first'], sizedFields: [] });
  });

  it('refuses a weight on an argument, which the estimate would not count', () => {
    expect(() => readCostRules('type Query { items(first: Int @cost(weight: 2)): [Int] }')).toThrow('@cost on Query.items(first:) is not supported');
  });
});

describe('estimateCost', () => {
  it('charges a root field its weight and scalars nothing', () => {
    // customer 10; id, name, email 0.
    expect(costOf('{ customer(id: "Q3VzdG9tZXI6MTAx") { id name email } }')).toBe(10);
  });

  it('multiplies a connection\'s edges by first', () => {
    // customers 10 + first × (edge 1 + node 1) + pageInfo 1.
    const query = (first: number) => `{ customers(first: ${first}) { edges { node { id name } } pageInfo { hasNextPage } } }`;
    expect(costOf(query(10))).toBe(10 + 10 * 2 + 1);
    expect(costOf(query(50))).toBe(10 + 50 * 2 + 1);
  });

  it('multiplies nested connections', () => {
    // customers 10 + 10 × (edge 1 + node 1 + orders (5 + 5 × (edge 1 + node 1))) = 10 + 10 × 17 = 180.
    expect(costOf('{ customers(first: 10) { edges { node { orders(first: 5) { edges { node { number } } } } } } }')).toBe(180);
  });

  it('follows named and inline fragments, merging the fields they select twice', () => {
    // customers 10 + 10 × (edge 1 + node 1 + address 1 + account 5) = 90.
    expect(costOf(`{ customers(first: 10) { edges { node { ...Names ... on Customer { account { number } } } } } }
      fragment Names on Customer { id name address { city } }`)).toBe(90);
    // customer 10 + address 1, once although selected twice.
    expect(costOf('{ customer(id: "x") { address { city } ...Place } } fragment Place on Customer { address { country } }')).toBe(11);
  });

  it('leaves out what @skip and @include leave out, reading their variables', () => {
    const query = 'query($noAccount: Boolean!) { customer(id: "x") { name account @skip(if: $noAccount) { number } } }';
    expect(costOf(query, { noAccount: true })).toBe(10);
    expect(costOf(query, { noAccount: false })).toBe(10 + 5);
    expect(costOf('{ customer(id: "x") { account @include(if: false) { number } lifetimeValue { amount } } }')).toBe(10 + 5);
  });

  it('takes the schema\'s default when the operation gives no slicing argument', () => {
    // customers(first: Int = 20): 10 + 20 × 2.
    expect(costOf('{ customers { edges { node { id } } } }')).toBe(50);
    // recentPosts(first: Int = 5): customer 10 + 1 profile × (5 + 5 posts × 2).
    expect(costOf('{ customer(id: "x") { socialProfiles { recentPosts { text } } } }')).toBe(25);
  });

  it('reads first from a variable, and takes the default when the variable has no value', () => {
    const query = 'query($n: Int) { customers(first: $n) { edges { node { id } } } }';
    expect(costOf(query, { n: 30 })).toBe(10 + 30 * 2);
    expect(costOf(query, {})).toBe(10 + 20 * 2);
    expect(costOf('query($n: Int = 40) { customers(first: $n) { edges { node { id } } } }', {})).toBe(10 + 40 * 2);
  });

  it('charges a mutation 10 besides its fields', () => {
    // 10 + updateCustomer 20 + customer (1 + version 5) + sync 3 × 1.
    expect(costOf('mutation { updateCustomer(id: "x", expectedVersion: "v", input: { phone: "+14155550100" }) { customer { id version } sync { system status } } }')).toBe(39);
  });

  it('charges introspection nothing: no subgraph is asked', () => {
    expect(costOf('{ __typename __schema { types { name fields { name type { name ofType { name } } } } } }')).toBe(0);
    expect(costOf('{ __type(name: "Customer") { name } orders(first: 1) { __typename } }')).toBe(10);
  });

  it('charges an interface or union selection as its costliest possible type', () => {
    const schema = buildSchema(`
      directive @cost(weight: Int!) on FIELD_DEFINITION | OBJECT
      interface Party { name: String }
      type Person implements Party { name: String account: Account @cost(weight: 7) }
      type Company implements Party { name: String address: Address }
      type Account { number: String }
      type Address { city: String }
      union Result = Person | Company
      type Query { party: Party result: Result }`);
    const synthetic = readCostRules(`type Person { account: Account @cost(weight: 7) }`);
    // party 1 + max(Person: account 7, Company: address 1).
    expect(costOf('{ party { name ... on Person { account { number } } ... on Company { address { city } } } }', undefined, schema, synthetic)).toBe(8);
    expect(costOf('{ result { ... on Company { address { city } } } }', undefined, schema, synthetic)).toBe(2);
  });

  it('estimates a fragment bomb without walking each of its paths', () => {
    // Each level doubles the paths (2^30 in all); each also multiplies by 2 × 2 items, so the cost is capped.
    const levels = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Customer {
      a: orders(first: 2) { edges { node { customer { ${i < 29 ? `...F${i + 1}` : 'id'} } } } }
      b: orders(first: 2) { edges { node { customer { ${i < 29 ? `...F${i + 1}` : 'id'} } } } } }`);
    const started = performance.now();
    expect(costOf(`{ customer(id: "x") { ...F0 } } ${levels.join('\n')}`)).toBe(Number.MAX_SAFE_INTEGER);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('the default limit (MAX_QUERY_COST)', () => {
  const examples: Record<string, [query: string, cost: number]> = {
    // Worked in README.md of gateway/limits/cost: 10 + 1 × 60.
    'the README\'s unified-customer query': [README_QUERY, 70],
    // 10 + 100 × 60.
    'the README\'s fields for a page of 100 customers': [README_QUERY.replace('customers(first: 1', 'customers(first: 100'), 6010],
    // The batching test's page: 10 + 50 × (2 + account 6 + orders (5 + 5 × 8) + socialProfiles 5).
    'a page of 50 customers with accounts, orders and fulfilments': ['{ customers(first: 50) { edges { node { account { balance { amount } } orders(first: 5) { edges { node { total { amount } fulfillment { status } } } } socialProfiles { followers } } } } }', 2910],
    // 10 + orders (5 + 20 × (2 + total 1 + totalIn 5 + fulfillment 5 + lines 5 × 1) + pageInfo 1).
    'a customer\'s orders with fulfilment and totalIn': [`{ customer(id: "Q3VzdG9tZXI6MTAx") { name orders(first: 20) { edges { node { number status placedAt
      total { amount currency } totalIn(currency: "EUR") { amount rate } fulfillment { status erpOrderNumber shippedAt } lines { sku title quantity } } }
      pageInfo { hasNextPage endCursor } } } }`, 376],
    // 10 + 50 × (2 + customer 5 + order 5) + pageInfo 1.
    'the discrepancy report': [`{ discrepancies(first: 50, resolved: false) { edges { node { id kind system field canonicalValue sourceValue detectedAt
      customer { id name } order { id number } } } pageInfo { hasNextPage endCursor } } }`, 611],
    // 5 + 4 systems × (1 + cursors 2 + lastReconciliation 1 + outbox 1 + recentFailures 10).
    'syncStatus': [`{ syncStatus { systems { system lastWebhookAt cursors { feed position } lastReconciliation { startedAt status recordsRead failures }
      outbox { pending oldestPendingAgeSeconds } recentFailures { at source code message } } } }`, 65],
    // 10 + 20 + customer (1 + version 5 + sources 4 × 2) + sync 3.
    'updateCustomer': [`mutation { updateCustomer(id: "x", expectedVersion: "v", input: { phone: "+14155550100" }, idempotencyKey: "k1") {
      customer { id version phone sources { system version } } sync { system status externalId message } } }`, 47],
  };

  for (const [name, [query, cost]] of Object.entries(examples)) {
    it(`lets ${name} through (cost ${cost})`, () => {
      expect(costOf(query)).toBe(cost);
      expect(cost).toBeLessThanOrEqual(DEFAULT_MAX_QUERY_COST);
    });
  }

  const aliases = (count: number, field: (i: number) => string) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field(i)}`).join(' ')} }`;
  const chain = (levels: number) => {
    let selection = 'number';
    for (let i = 0; i < levels; i++) selection = `orders { edges { node { ${i === 0 ? selection : `customer { ${selection} }`} } } }`;
    return `{ ${selection} }`;
  };
  const bombs: Record<string, [query: string, cost: number]> = {
    // 1,000 × (10 + 100 × 2).
    '1,000 aliases of customers(first: 100)': [aliases(1000, () => 'customers(first: 100) { edges { node { id name } } }'), 210_000],
    // 2,000 × (Product 10 + stock 5 × 2).
    '2,000 aliases of product(sku:)': [aliases(2000, (i) => `product(sku: "SKU-${i % 50}") { sku title stock { warehouse onHand } }`), 40_000],
    // 2,000 × Product 10, even with no upstream field below it.
    '2,000 aliases of product(sku:) asking only the sku': [aliases(2000, (i) => `product(sku: "SKU-${i % 50}") { sku }`), 20_000],
    // orders → edges → node → customer, 16 deep: 45, 5 + 20 × (7 + 45) = 1,045, 21,045, then 10 + 20 × (7 + 21,045).
    'a depth-16 orders → customer → orders chain': [chain(4), 421_050],
  };

  for (const [name, [query, cost]] of Object.entries(bombs)) {
    it(`refuses ${name} (cost ${cost})`, () => {
      expect(costOf(query)).toBe(cost);
      expect(cost).toBeGreaterThan(DEFAULT_MAX_QUERY_COST);
    });
  }
});

describe('costError', () => {
  it('says QUERY_TOO_COMPLEX with the cost and the limit, and keeps them through the gateway\'s error formatting', () => {
    const error = costError(210_000, 10_000);
    expect(formatGatewayError(error.toJSON())).toEqual({
      message: 'The operation\'s estimated cost 210000 is over the limit of 10000; ask for fewer items or fields.',
      extensions: { code: 'QUERY_TOO_COMPLEX', measure: 'cost', limit: 10_000, cost: 210_000 },
    });
  });
});
