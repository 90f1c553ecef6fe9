/** Emails trimmed and lowercased, empty ones dropped, each once: the keys of an email count. */
export const uniqueEmails = (emails: readonly string[]): string[] =>
  [...new Set(emails.map((e) => e.trim().toLowerCase()).filter((e) => e !== ''))];
