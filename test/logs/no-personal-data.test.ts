/**
 * Everything every process logs during a run of personal-data reads and writes (the gateway, the five
 * subgraphs, the outbox and inbox workers, a reconciliation pass), at the most verbose level, holds no
 * token or credential, no email address and no phone number: neither the dataset's own values nor
 * those the writes sent.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { useStack } from '../e2e/harness.ts';
import { devToken } from '../support/dev-token.ts';
import { DEV_CREDENTIALS, DEV_WEBHOOK_SECRETS } from '../../upstreams/stack.ts';
import { DEV_INTERNAL_TOKEN_SECRET } from '../../subgraphs/shared/config.ts';
import { encodeId } from '../../subgraphs/shared/ids.ts';
import { readLogLines } from './log-lines.ts';

const logFile = join(inject('logDir'), `no-personal-data-${process.pid}-${Date.now()}.log`);
// Record caches off: the masked error needs the malformed HubSpot body to be read, not a kept contact.
const t = useStack({ logFile, logLevel: 'trace', env: { CRM_RECORD_TTL_MS: '0', ERP_RECORD_TTL_MS: '0', COMMERCE_RECORD_TTL_MS: '0' } });

const NEW_EMAIL = 'grace.hopper.logs@example.org';
const NEW_PHONE = '+33 6 12 34 77 01';
const NEW_PHONE_E164 = '+33612347701';

const CUSTOMER = `id version name firstName lastName email phone address { line1 city postalCode country }
  account { number balance { amount currency } } orders(first: 3) { edges { node { number total { amount currency } } } }
  socialProfiles { handle displayName followers }`;
const BY_EMAIL = `query ByEmail($email: String!) { customers(first: 1, filter: { email: $email }) { edges { node { ${CUSTOMER} } } } }`;
const UPDATE = `mutation Update($id: ID!, $v: String!, $input: UpdateCustomerInput!) {
  updateCustomer(id: $id, expectedVersion: $v, input: $input) { customer { id version email phone } sync { system status message } } }`;

/** Every string the dataset holds under a key naming an email or phone (contacts, partners, shop customers). */
function personalValues(value: unknown, key = '', found = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    if (/email|phone|mobile/i.test(key) && value.length >= 6) found.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) personalValues(item, key, found);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) personalValues(v, k, found);
  }
  return found;
}

describe('logs of a run with personal data', () => {
  it('hold no token, credential, email address or phone number', async () => {
    const contacts = t.stack.dataset.hubspot.contacts.filter((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && c.properties.email && c.properties.phone);
    // Reads: by email, with phone, address, account, orders and social profiles.
    for (const contact of contacts.slice(0, 3)) {
      const read = await t.gql(BY_EMAIL, { email: contact.properties.email });
      expect(read.body.errors).toBeUndefined();
    }
    // A write to all three systems, one with the ERP down (the outbox finishes it), and one the shop refuses.
    const [first, second, third] = contacts.slice(3, 6);
    const before = (await t.gql(BY_EMAIL, { email: first.properties.email })).body.data.customers.edges[0].node;
    const written = await t.gql(UPDATE, { id: before.id, v: before.version, input: { email: NEW_EMAIL, phone: NEW_PHONE } });
    expect(written.body.errors).toBeUndefined();
    const other = (await t.gql(BY_EMAIL, { email: second.properties.email })).body.data.customers.edges[0].node;
    t.stack.standIns.odoo.setFaults({ down: true });
    try {
      await t.gql(UPDATE, { id: other.id, v: other.version, input: { phone: '+44 20 7946 0991' } });
    } finally {
      t.stack.standIns.odoo.setFaults({});
    }
    await t.stack.sync!.worker.drain();
    const refused = (await t.gql(BY_EMAIL, { email: third.properties.email })).body.data.customers.edges[0].node;
    const conflict = await t.gql(UPDATE, { id: refused.id, v: refused.version, input: { email: NEW_EMAIL } });
    expect(conflict.body.errors?.length ?? conflict.body.data.updateCustomer.sync.filter((s: { status: string }) => s.status !== 'APPLIED').length).toBeGreaterThan(0);
    // An unexpected failure in a subgraph (logged with its cause), webhooks processed, a reconciliation pass.
    t.stack.standIns.hubspot.setFaults({ malformedBody: { endpoint: 'POST /crm/v3/objects/contacts/batch/read', body: { results: [{ id: first.id, properties: null, email: NEW_EMAIL }] } } });
    try {
      await t.gql('query($id: ID!) { customer(id: $id) { email phone } }', { id: encodeId('Customer', first.id) });
    } finally {
      t.stack.standIns.hubspot.setFaults({});
    }
    await t.stack.sync!.inbox.drain();
    await t.stack.sync!.reconciler.run({ since: null, dryRun: false });

    const text = readFileSync(logFile, 'utf8');
    const lines = readLogLines(logFile);
    // The run was logged by every process, per request and per job.
    expect(new Set(lines.map((l) => l.service))).toEqual(new Set(['gateway', 'crm', 'erp', 'commerce', 'social', 'sync']));
    expect(new Set(lines.filter((l) => l.msg === 'job').map((l) => l.job))).toEqual(new Set(['outbox', 'inbox', 'reconcile', 'prune']));
    expect(lines.filter((l) => l.msg === 'masked an internal error')).toHaveLength(1);

    const secrets = [await devToken(), ...Object.values(DEV_CREDENTIALS), ...Object.values(DEV_WEBHOOK_SECRETS), DEV_INTERNAL_TOKEN_SECRET];
    for (const secret of secrets) expect(text, 'a token or credential').not.toContain(secret);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/);
    expect(text).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/);
    expect(text).not.toMatch(/\+\d[\d ()-]{6,}\d/);
    const personal = [...personalValues(t.stack.dataset), NEW_EMAIL, NEW_PHONE, NEW_PHONE_E164];
    expect(personal.length).toBeGreaterThan(100);
    expect(personal.filter((value) => text.includes(value))).toEqual([]);
  });
});
