/**
 * Property tests of the phone transform (readPhone) over every region libphonenumber-js knows: valid
 * numbers built from the library's example (mobile) numbers, the only ones it ships, written the ways people write
 * them (national or international, any punctuation, stray whitespace, an extension in any of its
 * notations), against an independent formulation: "+", the calling code and the national digits, which
 * the library's full ("max") metadata parses back for the known region. Numbers cut too short must come
 * back exactly as stored. Fixed seed, 1,000 cases per property.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getCountries, getExampleNumber, type CountryCode, type PhoneNumber } from 'libphonenumber-js';
import examples from 'libphonenumber-js/mobile/examples';
import { parsePhoneNumberFromString as parseWithFullMetadata } from 'libphonenumber-js/max';
import { readPhone } from '../../subgraphs/shared/phone.ts';

const RUNS = { seed: 42, numRuns: 1000 };

interface Sample { region: CountryCode; example: PhoneNumber; e164: string }

/** Each region's example numbers, with the E.164 text written out here from calling code and national digits. */
const SAMPLES: Sample[] = getCountries().flatMap((region) => {
  const example = getExampleNumber(region, examples);
  return example ? [{ region, example, e164: `+${example.countryCallingCode}${example.nationalNumber}` }] : [];
});

/** Punctuation people put between digits; libphonenumber ignores it. */
const SEPARATOR = fc.constantFrom(' ', '  ', '-', '.', '/', ' - ', '\u00a0');
const PADDING = fc.constantFrom('', ' ', '\t', '  ', '\u00a0');
const EXTENSION_MARK = fc.constantFrom(' ext. ', ' ext ', ' x', ' #', ';ext=', ' extension ');

/** The number's digits regrouped at random cut points with random separators. */
const regroup = (digits: string, cuts: number[], separators: string[]): string => {
  const at = [...new Set(cuts.map((c) => 1 + (c % Math.max(1, digits.length - 1))))].sort((a, b) => a - b);
  let out = '';
  let from = 0;
  at.forEach((cut, i) => { out += digits.slice(from, cut) + separators[i % separators.length]; from = cut; });
  return out + digits.slice(from);
};

const written = fc.record({
  sample: fc.constantFrom(...SAMPLES),
  international: fc.boolean(),
  cuts: fc.array(fc.nat(), { maxLength: 4 }),
  separators: fc.array(SEPARATOR, { minLength: 1, maxLength: 4 }),
  before: PADDING,
  after: PADDING,
  extension: fc.option(fc.tuple(EXTENSION_MARK, fc.stringMatching(/^[1-9]\d{0,5}$/))),
});

describe('readPhone (property)', () => {
  it('has example numbers for every region', () => {
    expect(new Set(SAMPLES.map((s) => s.region)).size).toBe(getCountries().length);
  });

  it('writes a valid number, however written, as E.164 of its calling code and national digits, the extension apart', () => {
    fc.assert(fc.property(written, ({ sample, international, cuts, separators, before, after, extension }) => {
      const { region, example, e164 } = sample;
      // National form: the national prefix (e.g. "0") as the region writes it, then the digits regrouped.
      const national = example.formatNational().replace(/\D/g, '');
      const body = international ? `+${example.countryCallingCode} ${regroup(example.nationalNumber, cuts, separators)}` : regroup(national, cuts, separators);
      const text = `${before}${body}${extension ? extension.join('') : ''}${after}`;
      expect(parseWithFullMetadata(example.nationalNumber, region)?.number).toBe(e164);
      // The international form must read the same whatever the address country says.
      expect(readPhone(text, region)).toEqual({ phone: e164, extension: extension ? extension[1] : null });
      if (international) expect(readPhone(text, null).phone).toBe(e164);
    }), RUNS);
  });

  it('keeps a number cut too short exactly as stored (trimmed), extension and all', () => {
    fc.assert(fc.property(fc.constantFrom(...SAMPLES), fc.integer({ min: 1, max: 3 }), PADDING, fc.option(fc.stringMatching(/^[1-9]\d{0,3}$/)), (sample, keep, pad, ext) => {
      const digits = sample.example.nationalNumber.slice(0, keep);
      const stored = `+${sample.example.countryCallingCode} ${digits}${ext ? ` ext. ${ext}` : ''}`;
      fc.pre(!parseWithFullMetadata(stored)?.isValid());
      expect(readPhone(`${pad}${stored}${pad}`, sample.region)).toEqual({ phone: stored, extension: null });
    }), RUNS);
  });

  it('keeps a number of a possible length that its region does not allot exactly as stored', () => {
    fc.assert(fc.property(fc.constantFrom(...SAMPLES), fc.stringMatching(/^\d{1,3}$/), PADDING, (sample, lead, pad) => {
      const national = sample.example.nationalNumber;
      const stored = `+${sample.example.countryCallingCode} ${lead}${national.slice(lead.length)}`;
      const full = parseWithFullMetadata(stored);
      fc.pre(full !== undefined && full.isPossible() && !full.isValid());
      expect(readPhone(`${pad}${stored}${pad}`, sample.region)).toEqual({ phone: stored, extension: null });
    }), RUNS);
  });

  it('reads its own E.164 output back unchanged', () => {
    fc.assert(fc.property(fc.constantFrom(...SAMPLES), fc.constantFrom(...getCountries()), ({ e164 }, anyRegion) => {
      expect(readPhone(e164, anyRegion)).toEqual({ phone: e164, extension: null });
    }), RUNS);
  });
});
