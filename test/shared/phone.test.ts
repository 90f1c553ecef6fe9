import { describe, expect, it } from 'vitest';
import { readPhone, toE164 } from '../../subgraphs/shared/phone.ts';

describe('readPhone', () => {
  it('writes a number valid for the address country in E.164', () => {
    expect(readPhone('(415) 555-0100', 'US')).toEqual({ phone: '+14155550100', extension: null });
    expect(readPhone('030 901820', 'DE')).toEqual({ phone: '+4930901820', extension: null });
  });

  it('moves the extension of a valid number to its own field instead of dropping it', () => {
    expect(readPhone('+1 415 555 0100 ext. 12', null)).toEqual({ phone: '+14155550100', extension: '12' });
    expect(readPhone('(415) 555-0100 x123', 'US')).toEqual({ phone: '+14155550100', extension: '123' });
    expect(readPhone('+44 20 7946 0958;ext=5', 'US')).toEqual({ phone: '+442079460958', extension: '5' });
  });

  it('keeps as stored a number of possible length that its country does not allot', () => {
    // US area codes never start with 0 or 1, and 200 is not in service: a rewrite would look canonical and be a guess.
    expect(readPhone(' +1 200 555 0100 ', 'US')).toEqual({ phone: '+1 200 555 0100', extension: null });
    expect(readPhone('020 7946 0958', 'US')).toEqual({ phone: '020 7946 0958', extension: null });
  });

  it('keeps an unparseable number as stored, its extension inside it', () => {
    expect(readPhone('555-0100 ext. 12', 'US')).toEqual({ phone: '555-0100 ext. 12', extension: null });
    expect(readPhone('ask reception', 'DE')).toEqual({ phone: 'ask reception', extension: null });
  });

  it('gives null for an empty value', () => {
    for (const empty of [null, undefined, false, '', '   '] as const) expect(readPhone(empty, 'US')).toEqual({ phone: null, extension: null });
  });
});

describe('toE164', () => {
  it('is the phone of readPhone, without the extension', () => {
    expect(toE164('+1 415 555 0100 ext. 12')).toBe('+14155550100');
    expect(toE164('+1 200 555 0100', 'US')).toBe('+1 200 555 0100');
  });
});
