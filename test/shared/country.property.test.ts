/**
 * toCountryCode against the library's own data files, read here without the library's API: every
 * langs/*.json table and codes.json. A name the tables give to more than one country must yield null.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCountryCode } from '../../subgraphs/shared/country.ts';

const RUNS = { seed: 20260112, numRuns: 1000 };
const PACKAGE = dirname(createRequire(import.meta.url).resolve('i18n-iso-countries/package.json'));
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

interface Entry { locale: string; code: string; name: string }
const TABLES: Entry[][] = readdirSync(join(PACKAGE, 'langs')).map((file) => {
  const { locale, countries } = readJson(join(PACKAGE, 'langs', file)) as { locale: string; countries: Record<string, string | string[]> };
  return Object.entries(countries).flatMap(([code, names]) => [names].flat().map((name) => ({ locale, code, name })));
});
const CODES = (readJson(join(PACKAGE, 'codes.json')) as string[][]).map(([alpha2, alpha3, numeric]) => ({ alpha2, alpha3, numeric }));

/** Case-insensitive, whitespace-insensitive spelling of a name, as a reader comparing names would see it. */
const spelling = (name: string) => name.normalize('NFC').toUpperCase().toLowerCase().split(/\s+/u).filter(Boolean).join(' ');
const withoutDiacritics = (name: string) => name.normalize('NFD').replace(/[\u0300-\u036f]/gu, '');

/** Spelling → the countries some table or code gives it to. */
function owners(read: (name: string) => string): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  const give = (name: string, code: string) => {
    const key = read(name);
    map.set(key, (map.get(key) ?? new Set()).add(code));
  };
  for (const { code, name } of TABLES.flat()) give(name, code);
  for (const { alpha2, alpha3, numeric } of CODES) { give(alpha2, alpha2); give(alpha3, alpha2); give(numeric, alpha2); }
  return map;
}
const OWNERS = owners(spelling);
const OWNERS_WITHOUT_DIACRITICS = owners((name) => spelling(withoutDiacritics(name)));
const isUnique = (entry: Entry) => OWNERS.get(spelling(entry.name))!.size === 1;
const UNIQUE_TABLES = TABLES.map((table) => table.filter(isUnique)).filter((table) => table.length > 0);
const AMBIGUOUS = TABLES.flat().filter((entry) => !isUnique(entry));

const WHITESPACE = fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', '\u3000');
/** The text with each character's case chosen at random, padded and with its spaces replaced by random whitespace. */
function scrambled(text: string): fc.Arbitrary<string> {
  const chars = [...text];
  return fc.tuple(fc.array(fc.boolean(), { minLength: chars.length, maxLength: chars.length }), WHITESPACE, WHITESPACE, fc.array(WHITESPACE, { minLength: chars.length, maxLength: chars.length }))
    .map(([upper, before, after, spaces]) => before + chars.map((c, i) => (/\s/u.test(c) ? spaces[i] : upper[i] ? c.toUpperCase() : c.toLowerCase())).join('') + after);
}
/** A (locale, country) pair from one table, then one of the names that table gives the country. */
const tableEntry = (tables: Entry[][]) => fc.constantFrom(...tables).chain((table) => fc.constantFrom(...table));
const isCapitalCode = (text: string) => CODES.some(({ alpha2, alpha3 }) => text.trim() === alpha2 || text.trim() === alpha3);

describe('toCountryCode over every locale the library ships', () => {
  it(`reads ${TABLES.length} locale tables`, () => {
    expect(TABLES.length).toBeGreaterThanOrEqual(78);
  });

  it('maps a name one country alone holds, in any case and whitespace, to that country', () => {
    fc.assert(fc.property(tableEntry(UNIQUE_TABLES).chain((entry) => fc.tuple(fc.constant(entry), scrambled(entry.name))), ([entry, text]) => {
      // Capitals of two or three letters are a code first: "NGA" is Nigeria, not Vietnamese "Nga" (Russia).
      fc.pre(!isCapitalCode(text));
      expect(toCountryCode(text)).toBe(entry.code);
    }), RUNS);
  });

  it('yields null for a name the tables give to more than one country', () => {
    expect(AMBIGUOUS.length).toBeGreaterThan(0);
    fc.assert(fc.property(fc.constantFrom(...AMBIGUOUS).chain((entry) => scrambled(entry.name)), (text) => {
      fc.pre(!isCapitalCode(text));
      expect(toCountryCode(text)).toBeNull();
    }), RUNS);
  });

  it('maps a name typed without its diacritics to its country when no other country then shares it', () => {
    const stripped = TABLES.flat().filter(({ name }) => withoutDiacritics(name) !== name.normalize('NFD'));
    fc.assert(fc.property(fc.constantFrom(...stripped), (entry) => {
      const text = withoutDiacritics(entry.name);
      const exact = OWNERS.get(spelling(text));
      const folded = OWNERS_WITHOUT_DIACRITICS.get(spelling(text))!;
      const only = (set: Set<string>) => (set.size === 1 ? [...set][0] : null);
      expect(toCountryCode(text)).toBe(exact ? only(exact) : only(folded));
    }), RUNS);
  });

  it('maps an alpha-3 code in capitals, and any numeric code, to its alpha-2', () => {
    fc.assert(fc.property(fc.constantFrom(...CODES), WHITESPACE, ({ alpha2, alpha3, numeric }, pad) => {
      expect([toCountryCode(pad + alpha3 + pad), toCountryCode(numeric + pad), toCountryCode(pad + alpha2)]).toEqual([alpha2, alpha2, alpha2]);
    }), RUNS);
  });

  it('maps a code in lower or mixed case to its country unless a name of another country is spelled the same', () => {
    fc.assert(fc.property(fc.constantFrom(...CODES).chain((codes) => fc.tuple(fc.constant(codes), scrambled(codes.alpha3), scrambled(codes.alpha2))), ([{ alpha2 }, alpha3Text, alpha2Text]) => {
      for (const text of [alpha3Text, alpha2Text]) {
        const shared = OWNERS.get(spelling(text))!.size > 1;
        expect(toCountryCode(text)).toBe(isCapitalCode(text) || !shared ? alpha2 : null);
      }
    }), RUNS);
  });
});
