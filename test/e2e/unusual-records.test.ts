/**
 * Records with values the dataset generator never makes, written through the stand-ins' own public
 * write APIs (HubSpot's contacts API, Odoo's JSON-2 ORM, Shopify's Admin GraphQL), then read back
 * through the gateway and compared with the README's transformation rules. Expected values are worked
 * out here: phones with libphonenumber-js's full metadata from the digits and the known region, money
 * with BigInt rationals over the rates read back from Odoo, scales from a table written out here.
 */
import { describe, expect, it } from 'vitest';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { useStack } from './harness.ts';
import { hubspotContact } from './upstream-views.ts';
import { DEV_CREDENTIALS } from '../../upstreams/stack.ts';
import { syncPass } from '../support/sync-cli.ts';

// No cached rate table: the rates this file creates must be read at once.
const t = useStack({ env: { ODOO_REFERENCE_TTL_MS: '0' } });

const customerId = (contactId: string) => Buffer.from(`Customer:${contactId}`).toString('base64url');

async function createContact(properties: Record<string, string>): Promise<string> {
  const res = await fetch(`${t.stack.standIns.hubspot.url}/crm/v3/objects/contacts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEV_CREDENTIALS.hubspot}`, 'content-type': 'application/json' },
    body: JSON.stringify({ properties }),
  });
  expect(res.status).toBe(201);
  return (await res.json()).id;
}

async function odoo(model: string, method: string, body: unknown): Promise<any> {
  const res = await fetch(`${t.stack.standIns.odoo.url}/json/2/${model}/${method}`, {
    method: 'POST',
    headers: { authorization: `bearer ${DEV_CREDENTIALS.odoo}`, 'x-odoo-database': 'standin', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.json();
}
const odooCreate = async (model: string, vals: Record<string, unknown>): Promise<number> => (await odoo(model, 'create', { vals_list: [vals] }))[0];

async function shopify(query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${t.stack.standIns.shopify.url}/admin/api/2025-10/graphql.json`, {
    method: 'POST',
    headers: { 'x-shopify-access-token': DEV_CREDENTIALS.shopify, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()).data;
}

const CUSTOMER = `query($id: ID!) { customer(id: $id) {
  id version name firstName lastName phone phoneExtension address { line1 city country countryText } } }`;

async function readCustomer(contactId: string) {
  const { body } = await t.gql(CUSTOMER, { id: customerId(contactId) });
  expect(body.errors).toBeUndefined();
  return body.data.customer;
}

/** E.164 from the digits and the region, by the library's full metadata; null when not a valid number. */
const e164 = (text: string, region: string) => {
  const parsed = parsePhoneNumberFromString(text, region as never);
  return parsed?.isValid() ? { phone: parsed.number as string, extension: parsed.ext ?? null } : null;
};

describe('unusual HubSpot contacts, read through the gateway', () => {
  const countries: [string, string, string][] = [
    ['Polish', 'Niemcy', 'DE'], ['Turkish', 'Almanya', 'DE'], ['Chinese', '德国', 'DE'], ['Swedish', 'Tyskland', 'DE'],
    ['Arabic', 'ألمانيا', 'DE'], ['alpha-3 code', 'POL', 'PL'], ['numeric code', '792', 'TR'],
  ];
  for (const [language, text, code] of countries) {
    it(`reads a country typed in ${language} ("${text}") as ${code}, keeping the text as stored`, async () => {
      const id = await createContact({ firstname: 'Zofia', lastname: 'Wójcik', email: `country-${code}-${encodeURIComponent(text)}@example.com`.toLowerCase(), country: text, city: 'Berlin' });
      const customer = await readCustomer(id);
      expect(customer.address).toEqual({ line1: null, city: 'Berlin', country: code, countryText: text });
    });
  }

  it('reads an unknown country as null with its text kept, reports it in a reconciliation pass, and a city change leaves the text', async () => {
    const id = await createContact({ firstname: 'Aslan', lastname: 'Lion', email: 'aslan@narnia.example', country: 'Narnia', city: 'Cair Paravel' });
    expect((await readCustomer(id)).address).toEqual({ line1: null, city: 'Cair Paravel', country: null, countryText: 'Narnia' });

    const before = await readCustomer(id);
    const update = await t.gql(`mutation($id: ID!, $v: String!) { updateCustomer(id: $id, expectedVersion: $v, input: { address: { city: "Beaversdam" } }) {
      customer { address { city country countryText } } sync { system status } } }`, { id: before.id, v: before.version });
    expect(update.body.errors).toBeUndefined();
    expect(update.body.data.updateCustomer.customer.address).toEqual({ city: 'Beaversdam', country: null, countryText: 'Narnia' });
    expect((await hubspotContact(t.stack, id)).properties).toMatchObject({ city: 'Beaversdam', country: 'Narnia' });

    const pass = await syncPass(t.stack.subgraphs.sync!.url);
    expect(pass.status).toBe('DONE');
    const { body } = await t.gql(`query($id: ID!) { customer(id: $id) { discrepancies { kind system field canonicalValue sourceValue } } }`, { id: before.id });
    expect(body.errors).toBeUndefined();
    expect(body.data.customer.discrepancies).toEqual([{ kind: 'UNRECOGNISED_COUNTRY', system: 'CRM', field: 'address.country', canonicalValue: null, sourceValue: 'Narnia' }]);
  });

  it('reads a valid phone with an extension as E.164 and the extension apart', async () => {
    const stored = '(0)30 901820 ext. 4711';
    const id = await createContact({ firstname: 'Emil', email: 'emil.ext@example.com', phone: stored, country: 'Deutschland' });
    const expected = e164(stored, 'DE')!;
    expect(expected.extension).toBe('4711');
    expect(await readCustomer(id)).toMatchObject({ phone: expected.phone, phoneExtension: expected.extension });
  });

  it('keeps a phone its country does not allot exactly as stored, with no extension field', async () => {
    const stored = '  +1 200 555 0100 x12 ';
    expect(e164(stored, 'US')).toBeNull();
    const id = await createContact({ firstname: 'Ina', email: 'ina.invalid@example.com', phone: stored, country: 'United States' });
    expect(await readCustomer(id)).toMatchObject({ phone: stored.trim(), phoneExtension: null });
  });

  it('names a contact with no name, company or email "Customer <contact id>"', async () => {
    const id = await createContact({ phone: '+48 512 345 678', country: 'Polska' });
    expect(await readCustomer(id)).toMatchObject({ name: `Customer ${id}`, firstName: null, lastName: null });
  });
});

/** ISO 4217 minor units of the currencies used here (List One). */
const SCALE: Record<string, number> = { USD: 2, EUR: 2, JPY: 0, KWD: 3, CLF: 4 };

/** An exact rational n / d from a decimal string (JSON numbers print in their shortest round-trip form). */
const rational = (text: string): [bigint, bigint] => {
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  return [BigInt(whole + fraction) * (text.startsWith('-') ? -1n : 1n), 10n ** BigInt(fraction.length)];
};

/** n / d rounded half away from zero to `scale` places, written with that many. */
function rounded([n, d]: [bigint, bigint], scale: number): string {
  const negative = n < 0n;
  const units = (2n * (negative ? -n : n) * 10n ** BigInt(scale) + d) / (2n * d);
  const digits = units.toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative && units !== 0n ? `-${text}` : text;
}

describe('an Odoo partner with invoices in JPY, KWD and CLF, and rates with many digits', () => {
  it('gives each invoice at its ISO 4217 scale and the balance converted at the rates and rounded once', async () => {
    const currencyId = async (code: string, scale: number) => {
      const [found] = await odoo('res.currency', 'search_read', { domain: [['name', '=', code]], fields: ['id'] });
      return found?.id ?? odooCreate('res.currency', { name: code, decimal_places: scale, active: true });
    };
    const ids = { JPY: await currencyId('JPY', 0), KWD: await currencyId('KWD', 3), CLF: await currencyId('CLF', 4) };
    await odooCreate('res.currency.rate', { currency_id: ids.KWD, name: '2026-01-02', rate: 0.306512345678, company_rate: 0.306512345678 });
    await odooCreate('res.currency.rate', { currency_id: ids.CLF, name: '2026-01-02', rate: 0.0254321987654, company_rate: 0.0254321987654 });
    const partner = await odooCreate('res.partner', { name: 'Şişli Çarşı Ticaret A.Ş.', email: 'carsi@example.com', ref: 'C09001' });
    const invoices: [keyof typeof ids, number][] = [['JPY', 1234567], ['KWD', 12.345], ['CLF', 1.2345]];
    for (const [i, [code, amount]] of invoices.entries()) {
      await odooCreate('account.move', {
        name: `INV/2026/9${i}`, move_type: 'out_invoice', partner_id: partner, invoice_date: '2026-01-15', invoice_date_due: '2026-02-14',
        amount_total: amount, amount_residual: amount, currency_id: ids[code], state: 'posted', payment_state: 'not_paid',
      });
    }
    const contact = await createContact({ firstname: 'Ayşe', lastname: 'Çelik', email: 'carsi@example.com', country: 'Türkiye', erp_partner_id: String(partner) });

    const { body } = await t.gql(`query($id: ID!) { customer(id: $id) { account { currency balance { amount currency }
      invoices(first: 10) { number total { amount currency } amountDue { amount currency } } } } }`, { id: customerId(contact) });
    expect(body.errors).toBeUndefined();
    const account = body.data.customer.account;
    const byNumber = new Map(account.invoices.map((i: { number: string }) => [i.number, i]));
    for (const [i, [code, amount]] of invoices.entries()) {
      const money = { amount: rounded(rational(String(amount)), SCALE[code]), currency: code };
      expect(byNumber.get(`INV/2026/9${i}`)).toEqual({ number: `INV/2026/9${i}`, total: money, amountDue: money });
    }
    expect(byNumber.get('INV/2026/91')).toMatchObject({ total: { amount: '12.345', currency: 'KWD' } });

    // The balance: each residual ÷ its currency's rate on the invoice date (units per one of the company currency), summed, rounded once.
    const rates: { currency_id: [number, string]; name: string; rate: number }[] = await odoo('res.currency.rate', 'search_read', { domain: [], fields: ['currency_id', 'name', 'rate'] });
    const rateOn = (code: string) => rates.filter((r) => r.currency_id[1] === code && r.name <= '2026-01-15').sort((a, b) => b.name.localeCompare(a.name))[0];
    const company = account.balance.currency as string;
    let sum: [bigint, bigint] = [0n, 1n];
    for (const [code, amount] of invoices) {
      const [an, ad] = rational(String(amount));
      const [rn, rd] = rational(String(rateOn(code).rate));
      const [cn, cd] = code === company ? [1n, 1n] : rational(String(rateOn(company)?.rate ?? 1));
      // amount × rate(company) ÷ rate(code)
      const [tn, td] = [an * cn * rd, ad * cd * rn];
      sum = [sum[0] * td + tn * sum[1], sum[1] * td];
    }
    expect(account.balance).toEqual({ amount: rounded(sum, SCALE[company]), currency: company });
  });
});

/** The rate (units per one of the company currency) of `code` latest dated on or before `day`, read from Odoo. */
async function odooRate(code: string, day: string): Promise<{ rate: [bigint, bigint]; date: string }> {
  const rows: { currency_id: [number, string]; name: string; rate: number }[] = await odoo('res.currency.rate', 'search_read', { domain: [], fields: ['currency_id', 'name', 'rate'] });
  const found = rows.filter((r) => r.currency_id[1] === code && r.name <= day).sort((a, b) => b.name.localeCompare(a.name))[0];
  // The company currency has rate 1 (Odoo stores it so, and may hold no row for it).
  return found ? { rate: rational(String(found.rate)), date: found.name } : { rate: [1n, 1n], date: day };
}

/** Places (decimals) a decimal string records. */
const places = (text: string) => text.split('.')[1]?.length ?? 0;

/** n / d written exactly with `scale` places (d must divide 10^scale · n). */
const exact = ([n, d]: [bigint, bigint], scale: number) => rounded([n, d], scale);

describe('Shopify orders with extreme amounts, read through the gateway', () => {
  it('gives each total exactly, converts it at the rate of its day rounded once, and sums the lifetime value exactly', async () => {
    const created = await shopify(`mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { message } } }`,
      { input: { firstName: 'Крістіна', lastName: 'Шевченко', email: 'big.spender@example.com' } });
    const gid = created.customerCreate.customer.id;
    const lines = [
      [{ price: '99999999999999.99', quantity: 3 }, { price: '0.01', quantity: 1 }],
      [{ price: '1.005', quantity: 1 }],
      [{ price: '0.01', quantity: 1 }],
    ];
    const orderTotals: string[] = [];
    for (const items of lines) {
      const answer = await shopify(`mutation($order: OrderCreateOrderInput!) { orderCreate(order: $order) { order { id } userErrors { message } } }`, { order: {
        customerId: gid, currency: 'USD', lineItems: items.map((l, i) => ({ title: `Line ${i}`, quantity: l.quantity, priceSet: { shopMoney: { amount: l.price, currencyCode: 'USD' } } })),
      } });
      expect(answer.orderCreate.userErrors).toEqual([]);
      // The total as the shop records it: the exact sum, with as many places as its lines have.
      const scale = Math.max(...items.map((l) => places(l.price)));
      let sum: [bigint, bigint] = [0n, 1n];
      for (const l of items) { const [n, d] = rational(l.price); sum = [sum[0] * d + n * BigInt(l.quantity) * sum[1], sum[1] * d]; }
      orderTotals.push(exact(sum, Math.max(scale, SCALE.USD)));
    }
    expect(orderTotals).toEqual(['299999999999999.98', '1.005', '0.01']);
    const contact = await createContact({ firstname: 'Крістіна', lastname: 'Шевченко', email: 'big.spender@example.com', country: 'Україна', shop_customer_id: gid });

    const { body } = await t.gql(`query($id: ID!) { customer(id: $id) {
      orders(first: 10) { edges { node { number placedAt total { amount currency } totalIn(currency: "JPY") { amount currency rate } } } }
      usd: lifetimeValue { amount currency } jpy: lifetimeValue(currency: "JPY") { amount currency } } }`, { id: customerId(contact) });
    expect(body.errors).toBeUndefined();
    const orders = body.data.customer.orders.edges.map((e: { node: any }) => e.node);
    expect(orders.map((o: any) => o.total).sort((a: any, b: any) => a.amount.length - b.amount.length)).toEqual(
      [...orderTotals].sort((a, b) => a.length - b.length).map((amount) => ({ amount, currency: 'USD' })));

    let jpySum: [bigint, bigint] = [0n, 1n];
    for (const order of orders) {
      const day = order.placedAt.slice(0, 10);
      const [jpy, usd] = [await odooRate('JPY', day), await odooRate('USD', day)];
      const [an, ad] = rational(order.total.amount);
      // amount × rate(JPY) ÷ rate(USD)
      const converted: [bigint, bigint] = [an * jpy.rate[0] * usd.rate[1], ad * jpy.rate[1] * usd.rate[0]];
      expect(order.totalIn.amount).toBe(rounded(converted, SCALE.JPY));
      jpySum = [jpySum[0] * converted[1] + converted[0] * jpySum[1], jpySum[1] * converted[1]];
    }
    // A sum with no conversion is exact and keeps its places: 299999999999999.98 + 1.005 + 0.01.
    const usdSum = orderTotals.map(rational).reduce(([n, d], [m, e]) => [n * e + m * d, d * e], [0n, 1n] as [bigint, bigint]);
    expect(body.data.customer.usd).toEqual({ amount: exact(usdSum, 3), currency: 'USD' });
    expect(body.data.customer.usd.amount).toBe('300000000000000.995');
    expect(body.data.customer.jpy).toEqual({ amount: rounded(jpySum, SCALE.JPY), currency: 'JPY' });
  });
});

describe("a Mastodon account's note with tabs, no-break and zero-width spaces", () => {
  it('reads as plain text by the whitespace rule: one space per run within a line, lines trimmed, zero-width spaces gone, joiners kept', async () => {
    const typed = 'Caf\u00e9\tand  cr\u00eapes\u00a0\u00a0daily\u200b!  \nTea & <cake>\u2003\u2003\u2060too\n\n  \ufeffBooks:\t\tpoetry \u{1F468}\u200d\u{1F373} \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 ';
    const owner = t.stack.dataset.mastodon.accounts[0];
    const res = await fetch(`${t.stack.standIns.mastodon.url}/api/v1/accounts/update_credentials`, {
      method: 'PATCH', headers: { authorization: `Bearer ${DEV_CREDENTIALS.mastodon}`, 'content-type': 'application/json' }, body: JSON.stringify({ note: typed }),
    });
    expect(res.status).toBe(200);
    expect((await res.json()).source.note).toBe(typed);

    // The README's rule, applied to the text as typed: paragraphs and lines kept as line breaks, each run of
    // tabs and Zs spaces one space, lines trimmed, U+200B/U+2060/U+FEFF removed, ZWJ and ZWNJ kept.
    const expected = typed.split(/\n{2,}/).flatMap((paragraph) => paragraph.split('\n'))
      .map((line) => line.replace(/[\u200b\u2060\ufeff]/gu, '').replace(/[\t\p{Zs}]+/gu, ' ').trim()).join('\n').trim();
    expect(expected).toBe('Caf\u00e9 and cr\u00eapes daily!\nTea & <cake> too\nBooks: poetry \u{1F468}\u200d\u{1F373} \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645');

    const contact = await createContact({ firstname: 'Noor', email: 'noor.note@example.com', mastodon_acct: `${owner.username}@${t.stack.dataset.mastodon.domain}` });
    const { body } = await t.gql('query($id: ID!) { customer(id: $id) { socialProfiles { handle bio } } }', { id: customerId(contact) });
    expect(body.errors).toBeUndefined();
    expect(body.data.customer.socialProfiles).toEqual([{ handle: `@${owner.username}@${t.stack.dataset.mastodon.domain}`, bio: expected }]);
  });
});

describe('a Shopify customer with no orders', () => {
  it('has a lifetime value of zero at the scale of the currency asked for', async () => {
    const created = await shopify(`mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { message } } }`,
      { input: { firstName: 'Nguyễn', lastName: 'Thị Minh Khai', email: 'minh.khai@example.com' } });
    expect(created.customerCreate.userErrors).toEqual([]);
    const contact = await createContact({ firstname: 'Nguyễn', lastname: 'Thị Minh Khai', email: 'minh.khai@example.com', country: 'Việt Nam', shop_customer_id: created.customerCreate.customer.id });
    const { body } = await t.gql(`query($id: ID!) { customer(id: $id) { name address { country }
      jpy: lifetimeValue(currency: "JPY") { amount currency } kwd: lifetimeValue(currency: "KWD") { amount currency } clf: lifetimeValue(currency: "CLF") { amount currency } } }`, { id: customerId(contact) });
    expect(body.errors).toBeUndefined();
    expect(body.data.customer).toEqual({
      name: 'Nguyễn Thị Minh Khai', address: { country: 'VN' },
      jpy: { amount: '0', currency: 'JPY' }, kwd: { amount: '0.000', currency: 'KWD' }, clf: { amount: '0.0000', currency: 'CLF' },
    });
  });
});
