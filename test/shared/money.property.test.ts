/**
 * Property tests of the money rules against an independent formulation: scales read straight from
 * ISO 4217's List One XML (as currency-codes ships it), arithmetic in BigInt rationals, rounding half
 * away from zero written out here. Fixed seed, 1,000 cases per property.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertMoney, sumInCurrency } from '../../subgraphs/erp/convert.ts';
import { buildRateTable } from '../../subgraphs/erp/rates.ts';
import { toMoney } from '../../subgraphs/shared/money.ts';

const RUNS = { seed: 42, numRuns: 1000 };
const COMPANY = 'EUR';

/** Code → minor unit from List One itself; "N.A." (metals, funds, XXX) counts as 0, as in the package. */
const listOne = readFileSync(createRequire(import.meta.url).resolve('currency-codes/iso-4217-list-one.xml'), 'utf8');
const ISO_SCALE = new Map<string, number>();
for (const [, code, units] of listOne.matchAll(/<Ccy>([A-Z]{3})<\/Ccy>[\s\S]*?<CcyMnrUnts>([^<]+)<\/CcyMnrUnts>/g)) {
  ISO_SCALE.set(code, units === 'N.A.' ? 0 : Number(units));
}
const CODES = [...ISO_SCALE.keys()];
const OTHER_CODES = CODES.filter((c) => c !== COMPANY);

/** An exact rational n / d (d > 0) from a decimal string. */
const rational = (text: string): { n: bigint; d: bigint } => {
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  const n = BigInt(whole + fraction) * (text.startsWith('-') ? -1n : 1n);
  return { n, d: 10n ** BigInt(fraction.length) };
};

/** n / d rounded half away from zero to `scale` places, written with exactly that many. */
function roundHalfAwayFromZero(n: bigint, d: bigint, scale: number): string {
  const negative = n < 0n;
  const scaled = (negative ? -n : n) * 10n ** BigInt(scale);
  const units = (2n * scaled + d) / (2n * d);
  const digits = units.toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative && units !== 0n ? `-${text}` : text;
}

/** A decimal string of up to `wholeDigits` integer digits and `decimals` decimals (either sign). */
const decimalString = (wholeDigits: number, decimals: number) =>
  fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** BigInt(wholeDigits) - 1n }), fc.integer({ min: 0, max: decimals }))
    .chain(([negative, whole, places]) => fc.bigInt({ min: 0n, max: 10n ** BigInt(places) - 1n })
      .map((fraction) => `${negative ? '-' : ''}${whole}${places ? `.${fraction.toString().padStart(places, '0')}` : ''}`));

/** A rate as Odoo stores it: a float of up to 15 significant digits, up to 12 of them decimals. */
const rateString = fc.tuple(fc.integer({ min: 0, max: 999 }), fc.bigInt({ min: 1n, max: 10n ** 12n - 1n }))
  .map(([whole, fraction]) => `${whole}.${fraction.toString().padStart(12, '0')}`);

const tableOf = (rates: [string, string][]) => buildRateTable(
  rates.map(([code, rate], i) => ({ id: i + 1, currency_id: [i + 1, code], name: '2026-01-01', rate: Number(rate) }) as never),
  COMPANY,
);

describe('money at the ISO 4217 scale', () => {
  it('writes any amount in any ISO 4217 currency at its minor unit, keeping every recorded digit beyond it', () => {
    fc.assert(fc.property(fc.constantFrom(...CODES), decimalString(30, 6), (code, amount) => {
      const scale = ISO_SCALE.get(code)!;
      const { n, d } = rational(amount);
      const recorded = amount.includes('.') ? amount.split('.')[1].replace(/0+$/, '').length : 0;
      expect(toMoney(amount, code)).toEqual({ amount: roundHalfAwayFromZero(n, d, Math.max(scale, recorded)), currency: code });
    }), RUNS);
  });

  it('refuses a three-letter code ISO 4217 does not list with UPSTREAM_ERROR rather than guessing a scale', () => {
    fc.assert(fc.property(fc.stringMatching(/^[A-Z]{3}$/).filter((c) => !ISO_SCALE.has(c)), (code) => {
      expect(() => toMoney('1', code)).toThrow(expect.objectContaining({ extensions: { code: 'UPSTREAM_ERROR' } }));
    }), RUNS);
  });
});

describe('conversion and sums, rounded once', () => {
  it('converts small and huge amounts at rates with up to 12 decimals like exact rational arithmetic rounded half away from zero', () => {
    const pair = fc.uniqueArray(fc.constantFrom(...OTHER_CODES), { minLength: 2, maxLength: 2 });
    fc.assert(fc.property(pair, rateString, rateString, fc.oneof(decimalString(3, 4), decimalString(24, 4)), ([from, to], fromRate, toRate, amount) => {
      const converted = convertMoney(tableOf([[from, fromRate], [to, toRate]]), { amount, currency: from }, to, '2026-06-01T12:00:00.000Z');
      const a = rational(amount), x = rational(fromRate), y = rational(toRate);
      expect(converted.amount).toBe(roundHalfAwayFromZero(a.n * y.n * x.d, a.d * y.d * x.n, ISO_SCALE.get(to)!));
    }), RUNS);
  });

  it('sums very large amounts of one currency without losing a cent', () => {
    const totals = fc.array(decimalString(22, 2).map((amount) => ({ amount, currency: 'USD', placedAt: '2026-06-01T00:00:00.000Z' })), { minLength: 1, maxLength: 20 });
    fc.assert(fc.property(totals, (orders) => {
      let n = 0n;
      for (const { amount } of orders) n += rational(amount).n * (100n / rational(amount).d);
      expect(sumInCurrency(orders, 'USD', null).amount).toBe(roundHalfAwayFromZero(n, 100n, 2));
    }), RUNS);
  });

  it('sums large totals in several currencies, each converted at its rate, and rounds the sum once', () => {
    const order = fc.record({ amount: decimalString(20, 2), currency: fc.constantFrom('USD', 'JPY', 'KWD', COMPANY) });
    fc.assert(fc.property(fc.array(order, { minLength: 1, maxLength: 10 }), rateString, rateString, rateString, (orders, usd, jpy, kwd) => {
      const rates: [string, string][] = [['USD', usd], ['JPY', jpy], ['KWD', kwd]];
      const totals = orders.map((o) => ({ ...o, placedAt: '2026-06-01T00:00:00.000Z' }));
      let sum = { n: 0n, d: 1n };
      for (const o of orders) {
        const a = rational(o.amount), r = o.currency === COMPANY ? { n: 1n, d: 1n } : rational(rates.find(([c]) => c === o.currency)![1]);
        const term = { n: a.n * r.d, d: a.d * r.n };
        sum = { n: sum.n * term.d + term.n * sum.d, d: sum.d * term.d };
      }
      expect(sumInCurrency(totals, COMPANY, tableOf(rates)).amount).toBe(roundHalfAwayFromZero(sum.n, sum.d, 2));
    }), RUNS);
  });
});
