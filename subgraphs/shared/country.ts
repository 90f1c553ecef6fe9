/**
 * ISO 3166-1 alpha-2 from whatever a system stores: an alpha-2, alpha-3 or numeric code ("DE", "deu",
 * "276"), or a country's name in any language i18n-iso-countries ships ("Germany", "Deutschland",
 * "Niemcy", "Almanya", "德国").
 *
 * Matching ignores case, surrounding and repeated whitespace, and the diacritics of the Combining
 * Diacritical Marks block (U+0300–U+036F: "Turkiye" finds "Türkiye"). Other combining marks are kept:
 * in Indic, Thaana or Khmer script they are vowel signs, and dropping them merges different countries'
 * names. A name the tables give to more than one country ("Congo" is CG and CD) yields null, and so
 * does a name they do not hold, such as a historical state ("Czechoslovakia") or an unqualified
 * "Korea"; nothing is guessed. Capitals of two or three letters are read as a code first ("NGA" is
 * Nigeria, although "Nga" is Vietnamese for Russia, so "nga" is ambiguous).
 */
import { createRequire } from 'node:module';
import countries from 'i18n-iso-countries';

const require = createRequire(import.meta.url);

// Node's entry of the package registers every locale it ships; a bundler's browser entry registers none.
const registered = new Set(countries.langs());
for (const lang of countries.getSupportedLanguages()) {
  if (!registered.has(lang)) countries.registerLocale(require(`i18n-iso-countries/langs/${lang}.json`));
}

/** How many languages' names are read (78 in i18n-iso-countries 7.x), for messages that say what is accepted. */
export const COUNTRY_LANGUAGES = countries.getSupportedLanguages().length;

/** A spelling the name tables lack, kept from the earlier rule. */
const EXTRA: Record<string, string> = { england: 'GB' };

/** Case-insensitive key: upper then lower case, so "ß"/"SS" and "ς"/"Σ" meet; whitespace runs as one space. */
function exactKey(text: string): string {
  return text.normalize('NFC').toUpperCase().toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** exactKey without Latin, Greek and Cyrillic diacritics. */
function foldedKey(text: string): string {
  return exactKey(text.normalize('NFD').replace(/[\u0300-\u036f]/gu, ''));
}

/** Key → alpha-2, or null when the key names more than one country. */
type NameIndex = Map<string, string | null>;

function add(index: NameIndex, key: string, code: string): void {
  const seen = index.get(key);
  index.set(key, seen === undefined || seen === code ? code : null);
}

/**
 * Every name of every locale, and the codes themselves, under both keys. Built once, at module load:
 * about 20,000 names, 45 ms and 13,000 keys per index.
 */
function buildIndexes(): { exact: NameIndex; folded: NameIndex } {
  const exact: NameIndex = new Map();
  const folded: NameIndex = new Map();
  const put = (name: string, code: string) => { add(exact, exactKey(name), code); add(folded, foldedKey(name), code); };
  for (const lang of countries.getSupportedLanguages()) {
    for (const [code, names] of Object.entries(countries.getNames(lang, { select: 'all' }))) {
      for (const name of names) put(name, code);
    }
  }
  for (const [alpha2, alpha3] of Object.entries(countries.getAlpha2Codes())) { put(alpha2, alpha2); put(alpha3, alpha2); }
  for (const [numeric, alpha2] of Object.entries(countries.getNumericCodes())) put(numeric, alpha2);
  for (const [name, code] of Object.entries(EXTRA)) put(name, code);
  return { exact, folded };
}

const { exact: EXACT, folded: FOLDED } = buildIndexes();

/** The alpha-2 code, or null when the value is empty, names no country, or names more than one. */
export function toCountryCode(value: string | null | undefined | false): string | null {
  if (!value) return null;
  const text = value.trim();
  if (/^[A-Z]{2}$/.test(text) && countries.isValid(text)) return text;
  if (/^[A-Z]{3}$/.test(text)) {
    const alpha2 = countries.alpha3ToAlpha2(text);
    if (alpha2) return alpha2;
  }
  const exact = EXACT.get(exactKey(text));
  if (exact !== undefined) return exact;
  return FOLDED.get(foldedKey(text)) ?? null;
}
