/**
 * ISO 3166-1 alpha-2 from whatever a system stores: a code ("US", "usa"), an English name
 * ("United States"), or a local one ("Deutschland", "España"). Names come from i18n-iso-countries.
 */
import countries from 'i18n-iso-countries';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import de from 'i18n-iso-countries/langs/de.json' with { type: 'json' };
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' };
import es from 'i18n-iso-countries/langs/es.json' with { type: 'json' };
import it from 'i18n-iso-countries/langs/it.json' with { type: 'json' };
import nl from 'i18n-iso-countries/langs/nl.json' with { type: 'json' };
import pt from 'i18n-iso-countries/langs/pt.json' with { type: 'json' };
import ja from 'i18n-iso-countries/langs/ja.json' with { type: 'json' };

const LANGUAGES = [en, de, fr, es, it, nl, pt, ja];
for (const lang of LANGUAGES) countries.registerLocale(lang);

/** Common spellings the name tables lack. */
const EXTRA: Record<string, string> = { UK: 'GB', 'GREAT BRITAIN': 'GB', ENGLAND: 'GB', USA: 'US', 'U.S.A.': 'US', 'U.S.': 'US' };

/** The alpha-2 code, or null when the value is empty or names no country we know. */
export function toCountryCode(value: string | null | undefined | false): string | null {
  if (!value) return null;
  const text = value.trim();
  if (!text) return null;
  const upper = text.toUpperCase();
  if (EXTRA[upper]) return EXTRA[upper];
  if (/^[A-Z]{2}$/.test(upper) && countries.isValid(upper)) return upper;
  if (/^[A-Z]{3}$/.test(upper) && countries.isValid(upper)) return countries.alpha3ToAlpha2(upper) ?? null;
  for (const lang of LANGUAGES) {
    const code = countries.getAlpha2Code(text, lang.locale);
    if (code) return code;
  }
  return null;
}
