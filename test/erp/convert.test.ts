import { describe, expect, it } from 'vitest';
import { fixture } from './fixtures.ts';
import type { OdooCurrencyRate } from '../../subgraphs/erp/types.ts';
import { buildRateTable, rateOn } from '../../subgraphs/erp/rates.ts';
import { checkCurrencyArgument, checkKnownCurrency, convertMoney, sumInCurrency } from '../../subgraphs/erp/convert.ts';

const table = buildRateTable(fixture<OdooCurrencyRate>('rates'), 'USD');

/** A table with one round JPY rate, to see the rounding rule. */
const yen = buildRateTable([{ id: 1, currency_id: [3, 'JPY'], name: '2024-01-01', rate: 150 }], 'USD');

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return { code: (err as { extensions?: { code?: string } }).extensions?.code, message: (err as Error).message };
  }
  throw new Error('expected a coded error');
};

describe('rateOn', () => {
  it('takes the latest rate dated on or before the day', () => {
    expect(rateOn(table, 'EUR', '2024-01-08')).toEqual({ date: '2024-01-05', rate: expect.anything() });
    expect(rateOn(table, 'EUR', '2024-01-08')!.rate.toString()).toBe('0.912589');
    expect(rateOn(table, 'EUR', '2024-01-12')!.date).toBe('2024-01-12');
  });

  it('has no rate before the first one, but the company currency is always 1', () => {
    expect(rateOn(table, 'EUR', '2023-01-01')).toBeNull();
    expect(rateOn(table, 'USD', '2023-01-01')!.rate.toString()).toBe('1');
  });
});

describe('convertMoney', () => {
  it('converts with the rate valid on the order date and reports rate and rate date', () => {
    expect(convertMoney(table, { amount: '100.00', currency: 'USD' }, 'EUR', '2024-01-08T15:30:00.000Z')).toEqual({
      amount: '91.26', currency: 'EUR', original: { amount: '100.00', currency: 'USD' }, rate: '0.912589', rateDate: '2024-01-05T00:00:00.000Z',
    });
  });

  it('crosses two foreign currencies through the company currency, dated by the later rate', () => {
    // EUR → JPY on 2024-01-10: 147.924459 / 0.912589 = 162.09318652756…
    expect(convertMoney(table, { amount: '59.12', currency: 'EUR' }, 'JPY', '2024-01-10T00:00:00.000Z')).toEqual({
      amount: '9583', currency: 'JPY', original: { amount: '59.12', currency: 'EUR' }, rate: '162.0931865276', rateDate: '2024-01-05T00:00:00.000Z',
    });
  });

  it('rounds half away from zero, once, to the target scale', () => {
    expect(convertMoney(yen, { amount: '0.03', currency: 'USD' }, 'JPY', '2024-02-01T00:00:00.000Z').amount).toBe('5');
    expect(convertMoney(yen, { amount: '0.01', currency: 'USD' }, 'JPY', '2024-02-01T00:00:00.000Z').amount).toBe('2');
  });

  it('converts into the same currency at rate 1, dated on the day itself', () => {
    expect(convertMoney(table, { amount: '12.50', currency: 'USD' }, 'USD', '2024-01-08T10:00:00.000Z')).toMatchObject({
      amount: '12.50', rate: '1', rateDate: '2024-01-08T00:00:00.000Z',
    });
  });

  it('refuses a target currency without a rate that early, naming the argument', () => {
    const error = codeOf(() => convertMoney(table, { amount: '1.00', currency: 'USD' }, 'EUR', '2023-06-01T00:00:00.000Z'));
    expect(error).toEqual({ code: 'BAD_USER_INPUT', message: 'Argument "currency": the ERP has no EUR rate on or before 2023-06-01.' });
  });
});

describe('currency arguments', () => {
  it('refuses what is not an ISO 4217 code, and a code the ERP keeps no rate for', () => {
    expect(codeOf(() => checkCurrencyArgument('euro'))).toEqual({ code: 'BAD_USER_INPUT', message: 'Argument "currency" must be an ISO 4217 currency code: "euro".' });
    expect(codeOf(() => checkKnownCurrency(table, 'GBP'))).toEqual({ code: 'BAD_USER_INPUT', message: 'Argument "currency": the ERP keeps no exchange rate for GBP.' });
    expect(() => checkKnownCurrency(table, 'USD')).not.toThrow();
  });
});

describe('sumInCurrency', () => {
  const totals = [
    { amount: '0.03', currency: 'USD', placedAt: '2024-02-01T09:00:00.000Z' },
    { amount: '0.03', currency: 'USD', placedAt: '2024-02-02T09:00:00.000Z' },
  ];

  it('sums in the totals\u2019 own currency without any rate', () => {
    expect(sumInCurrency(totals, 'USD', null)).toEqual({ amount: '0.06', currency: 'USD' });
    expect(sumInCurrency([], 'USD', null)).toEqual({ amount: '0.00', currency: 'USD' });
  });

  it('converts each total exactly and rounds the sum once', () => {
    // 4.5 + 4.5 = 9 JPY; rounding each conversion first would give 5 + 5 = 10.
    expect(sumInCurrency(totals, 'JPY', yen)).toEqual({ amount: '9', currency: 'JPY' });
  });
});
