import { beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { customerRep, useErp } from './harness.ts';
import { expectedBalance, expectedInvoice, invoicesOf, money, rateOn } from './oracle.ts';
import type { HubSpotContact } from '../../upstreams/dataset/types.ts';

// Reference data read per request, so every request's upstream calls can be counted exactly.
const t = useErp({ ODOO_REFERENCE_TTL_MS: '0' });
beforeEach(() => t.odoo.resetCounters());

const ACCOUNT = `account { number currency creditLimit { amount currency } balance { amount currency } paymentTerms
  invoices(first: 50) { number status issuedAt dueAt total { amount currency } amountDue { amount currency } orderNumber } }`;
const SOURCE = 'erpSource { system externalId version updatedAt linkedBy }';

const contactWhere = (test: (c: HubSpotContact) => boolean) => {
  const found = t.dataset.hubspot.contacts.find(test);
  if (!found) throw new Error('The dataset has no such contact.');
  return found;
};
const partnerById = (id: number) => t.dataset.odoo['res.partner'].find((p) => p.id === id)!;
const hasForeignOpenInvoice = (partnerId: number) => invoicesOf(t.dataset, partnerId)
  .some((m) => m.state === 'posted' && m.amount_residual !== 0 && (m.currency_id as [number, string])[1] !== 'USD');

describe('Customer in the ERP subgraph', () => {
  it('links the partner by the stored id and serves its account exactly', async () => {
    const contact = contactWhere((c) => !!c.properties.erp_partner_id && hasForeignOpenInvoice(Number(c.properties.erp_partner_id)));
    const partner = partnerById(Number(contact.properties.erp_partner_id));
    const { body } = await t.entities([customerRep(contact)], `... on Customer { ${SOURCE} ${ACCOUNT} }`);

    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0]).toEqual({
      erpSource: {
        system: 'ERP', externalId: String(partner.id), version: partner.write_date,
        updatedAt: `${String(partner.write_date).replace(' ', 'T')}.000Z`, linkedBy: 'STORED_ID',
      },
      account: {
        number: partner.ref, currency: 'USD',
        creditLimit: partner.credit_limit ? money(String(partner.credit_limit), 'USD') : null,
        balance: expectedBalance(t.dataset, partner.id),
        paymentTerms: partner.property_payment_term_id ? (partner.property_payment_term_id as [number, string])[1] : null,
        invoices: invoicesOf(t.dataset, partner.id).map((m) => expectedInvoice(t.dataset, m)),
      },
    });
  });

  it('links a partner by email, whatever its letter case, when no id is stored', async () => {
    const contact = contactWhere((c) => !c.properties.erp_partner_id
      && t.dataset.odoo['res.partner'].some((p) => p.email === c.properties.email!.toUpperCase()));
    const partner = t.dataset.odoo['res.partner'].find((p) => p.email === contact.properties.email!.toUpperCase())!;
    const { body } = await t.entities([customerRep(contact)], `... on Customer { ${SOURCE} account { number } }`);
    expect(body.data._entities[0]).toEqual({
      erpSource: expect.objectContaining({ externalId: String(partner.id), linkedBy: 'EMAIL_MATCH' }),
      account: { number: partner.ref },
    });
  });

  it('serves an email-matched and a stored-id customer their own partners\' invoices from one search made beside the partner\'s', async () => {
    const byEmail = contactWhere((c) => !c.properties.erp_partner_id
      && t.dataset.odoo['res.partner'].some((p) => p.email === c.properties.email!.toUpperCase() && invoicesOf(t.dataset, p.id).length > 0));
    const partner = t.dataset.odoo['res.partner'].find((p) => p.email === byEmail.properties.email!.toUpperCase())!;
    const stored = contactWhere((c) => !!c.properties.erp_partner_id && invoicesOf(t.dataset, Number(c.properties.erp_partner_id)).length > 0);
    const { body } = await t.entities([customerRep(byEmail), customerRep(stored)], `... on Customer { account { balance { amount currency } invoices(first: 50) { number } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data._entities.map((e: { account: unknown }) => e.account)).toEqual([partner.id, Number(stored.properties.erp_partner_id)].map((id) => ({
      balance: expectedBalance(t.dataset, id),
      invoices: invoicesOf(t.dataset, id).map((m) => ({ number: expectedInvoice(t.dataset, m).number })),
    })));
    expect(t.odoo.counters()).toMatchObject({ 'POST /json/2/res.partner/search_read': 1, 'POST /json/2/account.move/search_read': 1 });
  });

  it('falls back to the email when the stored partner id no longer exists', async () => {
    const contact = contactWhere((c) => !!c.properties.erp_partner_id);
    const stale = customerRep(contact);
    stale.links.erpPartnerId = '999999';
    const { body } = await t.entities([stale], `... on Customer { ${SOURCE} }`);
    expect(body.data._entities[0].erpSource).toMatchObject({ externalId: contact.properties.erp_partner_id, linkedBy: 'EMAIL_MATCH' });
  });

  it('has no account and no ERP source for a customer the ERP does not know', async () => {
    const contact = contactWhere((c) => !c.properties.erp_partner_id
      && !t.dataset.odoo['res.partner'].some((p) => String(p.email).toLowerCase() === c.properties.email));
    const { body } = await t.entities([customerRep(contact)], `... on Customer { ${SOURCE} account { number } }`);
    expect(body).toEqual({ data: { _entities: [{ erpSource: null, account: null }] } });
  });

  it('resolves 5 or 30 customers with the same Odoo requests, one per model', async () => {
    const selection = `... on Customer { ${SOURCE} ${ACCOUNT} }`;
    const counts = async (n: number) => {
      t.odoo.resetCounters();
      const { body } = await t.entities(t.dataset.hubspot.contacts.slice(0, n).map((c) => customerRep(c)), selection);
      expect(body.errors).toBeUndefined();
      expect(body.data._entities).toHaveLength(n);
      return t.odoo.counters();
    };
    const five = await counts(5);
    expect(five).toEqual({
      'POST /json/2/res.partner/search_read': 1,
      'POST /json/2/account.move/search_read': 1,
      'POST /json/2/sale.order/search_read': 1,
      'POST /json/2/res.company/search_read': 1,
      'POST /json/2/res.currency.rate/search_read': 1,
    });
    expect(await counts(30)).toEqual(five);
  });
});

describe('Customer.lifetimeValue', () => {
  const totals = [
    { amount: '100.00', currency: 'USD', placedAt: '2025-03-04T10:00:00.000Z' },
    { amount: '20.55', currency: 'USD', placedAt: '2026-06-01T23:30:00.000Z' },
  ];
  const rep = (shopOrderTotals: unknown[] | null) => ({ __typename: 'Customer', id: 'c-1', shopOrderTotals });
  const lifetime = async (shopOrderTotals: unknown[] | null, args = '') =>
    t.entities([rep(shopOrderTotals)], `... on Customer { lifetimeValue${args} { amount currency } }`);

  it('sums the shop totals in the shop currency without asking the ERP', async () => {
    expect((await lifetime(totals)).body).toEqual({ data: { _entities: [{ lifetimeValue: { amount: '120.55', currency: 'USD' } }] } });
    expect(t.odoo.totalRequests()).toBe(0);
  });

  it('converts each order with the rate of its own day and rounds the sum once', async () => {
    const eur = totals.reduce((sum, o) => sum.plus(new Decimal(o.amount).times(rateOn(t.dataset, 'EUR', o.placedAt.slice(0, 10)).rate)), new Decimal(0));
    const { body } = await lifetime(totals, '(currency: "EUR")');
    expect(body.data._entities[0].lifetimeValue).toEqual(money(eur, 'EUR'));
  });

  it('is zero in the account currency without orders and no currency, and zero in a requested currency', async () => {
    const accountCurrency = t.dataset.odoo['res.currency'][0].name as string;
    expect((await lifetime([])).body).toEqual({ data: { _entities: [{ lifetimeValue: money(new Decimal(0), accountCurrency) }] } });
    expect((await lifetime([], '(currency: "JPY")')).body.data._entities[0].lifetimeValue).toEqual({ amount: '0', currency: 'JPY' });
  });

  it('fails with UPSTREAM_UNAVAILABLE when commerce could not read the totals (null)', async () => {
    for (const args of ['', '(currency: "EUR")']) {
      const { body } = await lifetime(null, args);
      expect(body.data._entities[0].lifetimeValue).toBeNull();
      expect(body.errors).toEqual([expect.objectContaining({
        message: 'Order totals from commerce are unavailable.',
        path: ['_entities', 0, 'lifetimeValue'], extensions: { code: 'UPSTREAM_UNAVAILABLE' },
      })]);
    }
  });

  it('refuses an unknown currency, or one the ERP has no rate for, naming the argument', async () => {
    for (const currency of ['XYZ', 'GBP']) {
      const { body } = await lifetime(totals, `(currency: "${currency}")`);
      expect(body.errors).toEqual([expect.objectContaining({
        path: ['_entities', 0, 'lifetimeValue'], extensions: { code: 'BAD_USER_INPUT', argument: 'currency' },
      })]);
    }
  });
});
