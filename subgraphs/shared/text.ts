/** Small value transforms shared by every subgraph. */
import { compile } from 'html-to-text';
import { LRUCache } from 'lru-cache';

/** Empty strings, whitespace and Odoo's `false` become null; other strings are trimmed. */
export function emptyToNull(value: string | null | undefined | false | number): string | null {
  if (value === null || value === undefined || value === false) return null;
  const text = String(value).trim();
  return text === '' ? null : text;
}

/**
 * What separates words within a line: HTML's whitespace plus the tab, the no-break space and every other
 * Unicode space separator (category Zs: en/em/thin/narrow no-break/ideographic spaces). html-to-text
 * collapses each run of these to one space outside `<pre>`; its default also counts U+200B, which would
 * turn an invisible break into a visible space, so it is left out here and removed instead.
 */
const WORD_SPACES = ' \t\r\n\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000';

/**
 * Invisible characters with no meaning in plain text: zero-width space, word joiner, and the byte-order
 * mark (zero-width no-break space). The zero-width joiner and non-joiner are kept: they build emoji
 * sequences and spell Persian and Indic words. Matched in the HTML source, as characters or as character
 * references, so that removing them never leaves two spaces side by side.
 */
const ZERO_WIDTH = /[\u200b\u2060\ufeff]|&#x0*(?:200b|2060|feff);|&#0*(?:8203|8288|65279);|&(?:ZeroWidthSpace|NoBreak);/gi;

/**
 * HTML to plain text: entities decoded, tags removed, <br> and paragraph ends as line breaks, no link
 * targets. Within a line, every run of spaces, tabs and no-break or other Unicode spaces is one space,
 * lines are trimmed, and zero-width spaces, word joiners and byte-order marks are removed; line breaks are
 * kept, and so is `<pre>` text exactly as written.
 */
export function htmlToText(html: string | null | undefined): string {
  if (!html) return '';
  // The same bios and posts are read on every page: parsing their HTML was a quarter of the social subgraph's CPU.
  let text = TEXTS.get(html);
  if (text === undefined) TEXTS.set(html, text = toText(html.replace(ZERO_WIDTH, '')).trim());
  return text;
}

/** HTML read lately and its text; bounded by size, since a post may be long. */
const TEXTS = new LRUCache<string, string>({ maxSize: 8_000_000, sizeCalculation: (text, html) => 2 * (html.length + text.length) + 1 });

/** Compiled once: `convert` builds its options and selector tree again on every call (most of the social subgraph's CPU). */
const toText = compile({
  wordwrap: false,
  whitespaceCharacters: WORD_SPACES,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'p', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'img', format: 'skip' },
  ],
});

/**
 * The display name a record's own fields make: "first last" trimmed; else company; else the email's local
 * part; else ''. Callers decide what no name means for them (the CRM's `name` is never empty).
 */
export function displayName(parts: { firstName?: string | null; lastName?: string | null; company?: string | null; email?: string | null }): string {
  const person = [parts.firstName, parts.lastName].map((p) => p?.trim()).filter(Boolean).join(' ');
  if (person) return person;
  if (parts.company?.trim()) return parts.company.trim();
  return parts.email?.split('@')[0] ?? '';
}

/**
 * Names are sorted by the Unicode Collation Algorithm with CLDR's root order (which English uses), fixed
 * here rather than taken from the server's locale: an accented letter sorts with its base letter
 * ("Ésbjerg" between "east" and "Frankfurt"), Latin before Greek, Cyrillic and CJK.
 */
const NAME_ORDER = new Intl.Collator('en', { usage: 'sort', sensitivity: 'variant' });

/**
 * Compares two names for sorting. Names the collator ranks equal (the same text in another Unicode
 * normalization form) are ordered by code points, so the order is total and the same on every machine.
 */
export function compareNames(a: string, b: string): number {
  return NAME_ORDER.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
