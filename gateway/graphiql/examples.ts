/**
 * The operations GraphiQL opens with, one tab each. Shared by the browser bundle and the tests, which
 * check that each one passes the front door's limits and cost and runs on the default dataset.
 */

export interface ExampleOperation {
  /** The tab's operation name (GraphiQL titles a tab by it). */
  name: string;
  query: string;
  /** JSON text for the variables pane. */
  variables?: string;
}

/** A customer of the default dataset (npm start's) with records in all four systems. */
export const EXAMPLE_CUSTOMER_EMAIL = 'dennis.hopper0@example.com';

export const EXAMPLE_OPERATIONS: readonly ExampleOperation[] = [
  {
    name: 'UnifiedCustomer',
    query: `# One customer as the four systems know it: CRM contact, ERP account, shop orders, social profiles.
# Needs customers:read, pii:read (email, phone, address, the email filter) and finance:read (balance, totals).
query UnifiedCustomer($email: String!) {
  customers(first: 1, filter: { email: $email }) {
    edges {
      node {
        id
        version
        name
        email
        phone
        address { city country }
        sources { system externalId linkedBy }
        account { number balance { amount currency } }
        lifetimeValue { amount currency }
        socialProfiles { network handle followers }
      }
    }
  }
}
`,
    variables: JSON.stringify({ email: EXAMPLE_CUSTOMER_EMAIL }, null, 2),
  },
  {
    name: 'CustomerOrders',
    query: `# A customer's orders with the ERP's fulfilment and the total converted to EUR (the rate and its date).
query CustomerOrders($email: String!) {
  customers(first: 1, filter: { email: $email }) {
    edges {
      node {
        name
        orders(first: 5) {
          edges {
            node {
              number
              status
              placedAt
              total { amount currency }
              totalIn(currency: "EUR") { amount currency rate rateDate }
              fulfillment { status erpOrderNumber warehouse shippedAt }
            }
          }
        }
      }
    }
  }
}
`,
    variables: JSON.stringify({ email: EXAMPLE_CUSTOMER_EMAIL }, null, 2),
  },
  {
    name: 'DiscrepancyReport',
    query: `# Where the systems disagree, as reconciliation found it (scope sync:read; values of personal fields need pii:read).
query DiscrepancyReport {
  discrepancies(first: 20, resolved: false) {
    edges {
      node {
        id
        kind
        system
        field
        canonicalValue
        sourceValue
        detectedAt
        customer { id name }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`,
  },
  {
    name: 'SyncStatus',
    query: `# Per system: last webhook, circuit breaker, outbox backlog, last reconciliation, recent failures (scope sync:read).
query SyncStatus {
  syncStatus {
    systems {
      system
      lastWebhookAt
      breaker
      outbox { pending oldestPendingAgeSeconds }
      recentFailures(first: 3) { at source code message }
    }
  }
}
`,
  },
  {
    name: 'UpdateCustomer',
    query: `# Changes a customer in the CRM and through to the ERP and the shop (scopes customers:write, pii:read).
# Take id and version from the UnifiedCustomer tab; a stale version fails with VERSION_CONFLICT.
mutation UpdateCustomer($id: ID!, $expectedVersion: String!, $input: UpdateCustomerInput!, $idempotencyKey: String) {
  updateCustomer(id: $id, expectedVersion: $expectedVersion, input: $input, idempotencyKey: $idempotencyKey) {
    customer { id version name phone }
    sync { system status message }
    writeId
  }
}
`,
    variables: JSON.stringify({ id: '<id from UnifiedCustomer>', expectedVersion: '<version from UnifiedCustomer>', input: { phone: '+1 415 555 0100' }, idempotencyKey: 'graphiql-example-1' }, null, 2),
  },
];
