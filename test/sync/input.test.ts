import { describe, expect, it } from 'vitest';
import { normalizeCustomerInput } from '../../subgraphs/sync/writes/input.ts';

/** The coded error normalizeCustomerInput throws, as a client sees it. */
function refusal(input: Parameters<typeof normalizeCustomerInput>[0]): { message: string; extensions: Record<string, unknown> } {
  try {
    normalizeCustomerInput(input);
  } catch (e) {
    const error = e as { message: string; extensions: Record<string, unknown> };
    return { message: error.message, extensions: { ...error.extensions } };
  }
  throw new Error('the input should have been refused');
}

describe('normalizeCustomerInput: address.country', () => {
  it('reads a code or a name in any language as ISO alpha-2, and sets no stored text', () => {
    for (const given of ['DE', 'deu', '276', 'Deutschland', 'Niemcy', 'Almanya', '德国']) {
      expect(normalizeCustomerInput({ address: { country: given } }).address).toEqual({ country: 'DE', countryText: null });
    }
  });

  it('refuses a country it cannot read with a message that says what is accepted, without quoting the value', () => {
    for (const given of ['Narnia', 'Congo']) {
      const { message, extensions } = refusal({ address: { country: given } });
      expect(extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.address.country' });
      expect(message).toBe('Field "input.address.country" names no country, or more than one. Give an ISO 3166-1 code (alpha-2 "DE", '
        + 'alpha-3 "DEU" or numeric "276") or a country\'s name in one of the 78 languages of i18n-iso-countries ("Germany", "Deutschland", "Niemcy").');
      expect(message).not.toContain(given);
    }
  });

  it('leaves the country and its stored text alone when the address patch does not name the country', () => {
    expect(normalizeCustomerInput({ address: { city: 'Köln' } }).address).toEqual({ city: 'Köln' });
  });
});

describe('normalizeCustomerInput: phone', () => {
  it('writes a valid number as E.164, with the address country as its region', () => {
    expect(normalizeCustomerInput({ phone: '030 901820', address: { country: 'Deutschland' } }).phone).toBe('+4930901820');
  });

  it('refuses a number with an extension rather than dropping the extension', () => {
    for (const phone of ['+1 415 555 0100 ext. 12', '(415) 555-0100 x7']) {
      expect(refusal({ phone, address: { country: 'US' } })).toEqual({
        message: 'Field "input.phone" has an extension, which E.164 cannot hold and the systems would not all keep: give the number without it.',
        extensions: { code: 'BAD_USER_INPUT', field: 'input.phone' },
      });
    }
  });
});
