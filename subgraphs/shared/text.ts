/** Small value transforms shared by every subgraph. */
import { convert } from 'html-to-text';

/** Empty strings, whitespace and Odoo's `false` become null; other strings are trimmed. */
export function emptyToNull(value: string | null | undefined | false | number): string | null {
  if (value === null || value === undefined || value === false) return null;
  const text = String(value).trim();
  return text === '' ? null : text;
}

/** HTML to plain text: entities decoded, tags removed, <br> and paragraph ends as line breaks, no link targets. */
export function htmlToText(html: string | null | undefined): string {
  if (!html) return '';
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'p', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
      { selector: 'img', format: 'skip' },
    ],
  }).trim();
}

/** The contract's display name: "first last" trimmed; else company; else the email's local part; else ''. */
export function displayName(parts: { firstName?: string | null; lastName?: string | null; company?: string | null; email?: string | null }): string {
  const person = [parts.firstName, parts.lastName].map((p) => p?.trim()).filter(Boolean).join(' ');
  if (person) return person;
  if (parts.company?.trim()) return parts.company.trim();
  return parts.email?.split('@')[0] ?? '';
}
