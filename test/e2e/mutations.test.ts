import { describe, expect, it } from 'vitest';
import { useStack } from './harness.ts';
import { hubspotContact, odooPartner, odooWritePartner, shopifyCustomer, upstreamWrites } from './upstream-views.ts';

// No ERP record cache: with the ERP down, a partner read before would come from memory and the new version would cover it.
// Admission held at 50 operations at once: this file sends 50 concurrent writes to one record to test the
// version check behind them. With its defaults the gateway would refuse part of such a burst as OVERLOADED
// (on shared cores each write then takes seconds, past ADMISSION_LATENCY_TARGET_MS), as it should under
// overload; admission itself is tested in test/limits/admission.test.ts.
const t = useStack({ env: { ERP_RECORD_TTL_MS: '0', ADMISSION_MIN_CONCURRENT: '50', ADMISSION_MAX_CONCURRENT: '50' } });

const READ = `query($email: String!) { customers(first: 1, filter: { email: $email }) { edges { node {
  id version firstName lastName email phone address { line1 city postalCode country } sources { system externalId linkedBy } } } } }`;
const UPDATE = `mutation($id: ID!, $v: String!, $input: UpdateCustomerInput!, $key: String) {
  updateCustomer(id: $id, expectedVersion: $v, input: $input, idempotencyKey: $key) {
    customer { id version firstName lastName phone address { line1 city country } } sync { system status externalId message } } }`;

/** A fully linked customer no other test in this file touches: by position among the linked ones. */
function linkedContact(n: number) {
  const linked = t.stack.dataset.hubspot.contacts.filter((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && c.properties.firstname);
  return linked[n];
}

async function read(email: string) {
  const { body } = await t.gql(READ, { email });
  return body.data.customers.edges[0].node;
}

/** A French number no generated customer has, so the shop's uniqueness check never trips. */
const freshPhone = (n: number) => `+33 6 12 34 ${String(50 + n).padStart(2, '0')} ${String(10 + n).padStart(2, '0')}`;

describe('updateCustomer', () => {
  it('writes the change to all three systems, each in its own format, and returns the new version', async () => {
    const contact = linkedContact(0);
    const before = await read(contact.properties.email!);
    const result = await t.gql(UPDATE, { id: before.id, v: before.version, input: { firstName: 'Ada', phone: freshPhone(1), address: { line1: '1 Rue de Rivoli', city: 'Paris', country: 'France' } } });
    expect(result.body.errors).toBeUndefined();
    const payload = result.body.data.updateCustomer;
    expect(payload.sync).toEqual([
      { system: 'CRM', status: 'APPLIED', externalId: contact.id, message: null },
      { system: 'ERP', status: 'APPLIED', externalId: contact.properties.erp_partner_id, message: null },
      { system: 'COMMERCE', status: 'APPLIED', externalId: contact.properties.shop_customer_id, message: null },
    ]);
    expect(payload.customer).toMatchObject({ firstName: 'Ada', phone: '+33612345111', address: { line1: '1 Rue de Rivoli', city: 'Paris', country: 'FR' } });
    expect(payload.customer.version).not.toBe(before.version);

    const crm = await hubspotContact(t.stack, contact.id);
    expect(crm.properties).toMatchObject({ firstname: 'Ada', phone: '+33612345111', address: '1 Rue de Rivoli', city: 'Paris', country: 'FR' });
    const partner = await odooPartner(t.stack, Number(contact.properties.erp_partner_id));
    expect(partner).toMatchObject({ name: `Ada ${contact.properties.lastname}`, phone: '+33612345111', street: '1 Rue de Rivoli', city: 'Paris', country_id: [75, 'France'] });
    const shop = await shopifyCustomer(t.stack, contact.properties.shop_customer_id!);
    expect(shop).toMatchObject({ firstName: 'Ada', defaultPhoneNumber: { phoneNumber: '+33612345111' }, defaultAddress: { address1: '1 Rue de Rivoli', city: 'Paris', countryCodeV2: 'FR' } });

    const after = await read(contact.properties.email!);
    expect(after).toMatchObject({ firstName: 'Ada', phone: '+33612345111', version: payload.customer.version });
  });

  it('refuses a stale version when the ERP record changed behind its back, and writes nothing', async () => {
    const contact = linkedContact(1);
    const before = await read(contact.properties.email!);
    await odooWritePartner(t.stack, Number(contact.properties.erp_partner_id), { city: 'Lyon' });
    t.stack.resetUpstreamCounters();
    const result = await t.gql(UPDATE, { id: before.id, v: before.version, input: { firstName: 'Stale' } });
    expect(result.body.data).toBeNull();
    expect(result.body.errors).toEqual([expect.objectContaining({
      path: ['updateCustomer'],
      extensions: expect.objectContaining({ code: 'VERSION_CONFLICT', systems: ['ERP'], currentVersion: expect.any(String) }),
    })]);
    expect(upstreamWrites(t.stack)).toEqual({});
    expect((await hubspotContact(t.stack, contact.id)).properties.firstname).toBe(contact.properties.firstname);
    expect(result.body.errors![0].extensions!.currentVersion).toBe((await read(contact.properties.email!)).version);
  });

  it('lets exactly one of 50 concurrent updates with the same version win, and every system ends with its values', async () => {
    const contact = linkedContact(2);
    const before = await read(contact.properties.email!);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      t.gql(UPDATE, { id: before.id, v: before.version, input: { lastName: `Racer${i}` } })));
    const winners = results.filter((r) => r.body.data?.updateCustomer);
    const conflicts = results.filter((r) => r.body.errors?.[0]?.extensions?.code === 'VERSION_CONFLICT');
    expect(winners).toHaveLength(1);
    expect(conflicts).toHaveLength(49);
    const winner = winners[0].body.data.updateCustomer.customer.lastName;
    expect((await hubspotContact(t.stack, contact.id)).properties.lastname).toBe(winner);
    expect((await odooPartner(t.stack, Number(contact.properties.erp_partner_id))).name).toBe(`${contact.properties.firstname} ${winner}`);
    expect((await shopifyCustomer(t.stack, contact.properties.shop_customer_id!)).lastName).toBe(winner);
  });

  it('keeps the ERP part PENDING while the ERP is down, then the outbox applies it exactly once', async () => {
    const contact = linkedContact(3);
    const before = await read(contact.properties.email!);
    t.stack.resetUpstreamCounters();
    t.stack.standIns.odoo.setFaults({ down: true });
    let result;
    try {
      result = await t.gql(UPDATE, { id: before.id, v: before.version, input: { lastName: 'Outboxed' } });
    } finally {
      t.stack.standIns.odoo.setFaults({});
    }
    // The new version cannot cover the ERP record while the ERP is down, and says so.
    expect(result.body.errors).toEqual([expect.objectContaining({ path: ['updateCustomer', 'customer', 'version'], extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE' }) })]);
    expect(result.body.data.updateCustomer.sync.map((s: any) => [s.system, s.status])).toEqual([['CRM', 'APPLIED'], ['ERP', 'PENDING'], ['COMMERCE', 'APPLIED']]);

    const partnerId = Number(contact.properties.erp_partner_id);
    await expect.poll(async () => (await odooPartner(t.stack, partnerId)).name, { timeout: 5000, interval: 100 }).toBe(`${contact.properties.firstname} Outboxed`);
    await t.stack.sync!.worker.drain();
    expect(upstreamWrites(t.stack)['odoo POST /json/2/res.partner/write']).toBe(1);
  });

  it('leaves systems that already hold the values UNCHANGED and writes nothing there', async () => {
    const contact = linkedContact(4);
    const before = await read(contact.properties.email!);
    t.stack.resetUpstreamCounters();
    const result = await t.gql(UPDATE, { id: before.id, v: before.version, input: { lifecycleStage: 'EVANGELIST' } });
    expect(result.body.data.updateCustomer.sync.map((s: any) => [s.system, s.status])).toEqual(
      contact.properties.lifecyclestage === 'evangelist' ? [['CRM', 'UNCHANGED'], ['ERP', 'UNCHANGED'], ['COMMERCE', 'UNCHANGED']] : [['CRM', 'APPLIED'], ['ERP', 'UNCHANGED'], ['COMMERCE', 'UNCHANGED']]);
    expect(Object.keys(upstreamWrites(t.stack)).filter((k) => !k.startsWith('hubspot'))).toEqual([]);
  });
});

describe('bad input', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['a malformed email', { email: 'not-an-email' }, 'BAD_USER_INPUT', 'input.email'],
    ['an unknown country', { address: { country: 'Atlantis' } }, 'BAD_USER_INPUT', 'input.address.country'],
    ['a phone that cannot be parsed', { phone: 'call me maybe' }, 'BAD_USER_INPUT', 'input.phone'],
  ];
  for (const [what, input, code, field] of cases) {
    it(`refuses ${what} with ${code} naming ${field}, and writes nothing`, async () => {
      const before = await read(linkedContact(5).properties.email!);
      t.stack.resetUpstreamCounters();
      const { body } = await t.gql(UPDATE, { id: before.id, v: before.version, input });
      expect(body.errors![0].extensions).toMatchObject({ code, field });
      expect(upstreamWrites(t.stack)).toEqual({});
    });
  }

  it('refuses an unknown lifecycle stage with BAD_USER_INPUT', async () => {
    const before = await read(linkedContact(5).properties.email!);
    const { body } = await t.gql(UPDATE, { id: before.id, v: before.version, input: { lifecycleStage: 'ASTRONAUT' } });
    expect(body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(body.errors![0].message).toContain('lifecycleStage');
  });

  it('answers NOT_FOUND for an unknown customer id', async () => {
    const before = await read(linkedContact(5).properties.email!);
    const { body } = await t.gql(UPDATE, { id: 'Q3VzdG9tZXI6OTk5OTk5', v: before.version, input: { firstName: 'Nobody' } });
    expect(body.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses an email that belongs to another customer with CONFLICT', async () => {
    const before = await read(linkedContact(5).properties.email!);
    t.stack.resetUpstreamCounters();
    const { body } = await t.gql(UPDATE, { id: before.id, v: before.version, input: { email: linkedContact(6).properties.email!.toUpperCase() } });
    expect(body.errors![0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.email' });
    expect(upstreamWrites(t.stack)).toEqual({});
  });
});

describe('idempotency', () => {
  it('answers a repeated key with the first response and writes nothing again, sequentially and concurrently', async () => {
    const contact = linkedContact(7);
    const before = await read(contact.properties.email!);
    t.stack.resetUpstreamCounters();
    const variables = { id: before.id, v: before.version, input: { firstName: 'Once' }, key: 'key-sequential-1' };
    const first = await t.gql(UPDATE, variables);
    const second = await t.gql(UPDATE, variables);
    expect(second.body).toEqual(first.body);
    expect(upstreamWrites(t.stack)).toEqual({ 'hubspot PATCH /crm/v3/objects/contacts/{id}': 1, 'odoo POST /json/2/res.partner/write': 1, 'shopify customerUpdate': 1 });

    const other = await read(linkedContact(8).properties.email!);
    t.stack.resetUpstreamCounters();
    const concurrent = { id: other.id, v: other.version, input: { firstName: 'Twice' } };
    const [a, b] = await Promise.all([
      t.gql(UPDATE, { ...concurrent, key: 'key-concurrent-1' }),
      t.gql(UPDATE, concurrent, { 'idempotency-key': 'key-concurrent-1' }),
    ]);
    expect(b.body).toEqual(a.body);
    expect(a.body.data.updateCustomer.sync.map((s: any) => s.status)).toEqual(['APPLIED', 'APPLIED', 'APPLIED']);
    expect(upstreamWrites(t.stack)).toEqual({ 'hubspot PATCH /crm/v3/objects/contacts/{id}': 1, 'odoo POST /json/2/res.partner/write': 1, 'shopify customerUpdate': 1 });
  });

  it('refuses the same key with a different input with IDEMPOTENCY_KEY_REUSED', async () => {
    const before = await read(linkedContact(9).properties.email!);
    await t.gql(UPDATE, { id: before.id, v: before.version, input: { firstName: 'First' }, key: 'key-reused-1' });
    const { body } = await t.gql(UPDATE, { id: before.id, v: before.version, input: { firstName: 'Second' }, key: 'key-reused-1' });
    expect(body.errors![0].extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('refuses a key first sent with a field cleared (null) and then without that field, and writes nothing the second time', async () => {
    const before = await read(linkedContact(11).properties.email!);
    const first = await t.gql(UPDATE, { id: before.id, v: before.version, input: { phone: freshPhone(11), address: null }, key: 'key-null-1' });
    expect(first.body.errors).toBeUndefined();
    t.stack.resetUpstreamCounters();
    const { body } = await t.gql(UPDATE, { id: before.id, v: before.version, input: { phone: freshPhone(11) }, key: 'key-null-1' });
    expect(body.errors![0].extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(upstreamWrites(t.stack)).toEqual({});
  });
});

describe('createCustomer', () => {
  it('creates the customer in all three systems and links them by stored id', async () => {
    const { body } = await t.gql(`mutation($input: CreateCustomerInput!) { createCustomer(input: $input) {
      customer { id name email sources { system externalId linkedBy } } sync { system status externalId } } }`,
    { input: { firstName: 'Grace', lastName: 'Newcomer', email: 'Grace.Newcomer@Example.com', phone: '+1 415 555 0199', address: { line1: '1 Market St', city: 'San Francisco', region: 'CA', postalCode: '94105', country: 'United States' }, lifecycleStage: 'LEAD' } });
    expect(body.errors).toBeUndefined();
    const { customer, sync } = body.data.createCustomer;
    expect(sync.map((s: any) => [s.system, s.status])).toEqual([['CRM', 'APPLIED'], ['ERP', 'APPLIED'], ['COMMERCE', 'APPLIED']]);
    expect(customer).toMatchObject({ name: 'Grace Newcomer', email: 'grace.newcomer@example.com' });

    const again = await read('grace.newcomer@example.com');
    expect(again.sources).toEqual([
      { system: 'CRM', externalId: sync[0].externalId, linkedBy: 'STORED_ID' },
      { system: 'ERP', externalId: sync[1].externalId, linkedBy: 'STORED_ID' },
      { system: 'COMMERCE', externalId: sync[2].externalId, linkedBy: 'STORED_ID' },
    ]);
    expect(again).toMatchObject({ phone: '+14155550199', address: { country: 'US' } });
  });

  it('refuses an email that already belongs to a customer with CONFLICT', async () => {
    const { body } = await t.gql('mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
      { input: { email: linkedContact(10).properties.email } });
    expect(body.errors![0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.email' });
  });
});
