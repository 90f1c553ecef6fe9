/**
 * What Mastodon stores for plain text a user types into a profile note (its TextFormatter, links left
 * out): HTML-escaped, a blank line between paragraphs, a single line break as <br />. Tabs, runs of
 * spaces, no-break and zero-width spaces are kept as typed: the HTML carries them to every reader.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function plainTextToHtml(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
  const paragraphs = escaped.replace(/\r\n?/g, '\n').split(/\n{2,}/).filter((p) => p !== '');
  return paragraphs.map((p) => `<p>${p.split('\n').join('<br />')}</p>`).join('');
}
