/** What the gateway tells the page (a JSON block in the HTML, read once; not a script, so CSP allows it). */
export interface PageConfig {
  /** Where GraphQL is served, relative to the page's origin. */
  endpoint: string;
  /** The development token's endpoint and scopes; null when the gateway mints none (production, own keys). */
  devToken: { endpoint: string; scopes: string[]; defaultScopes: string[] } | null;
}

export const PAGE_CONFIG_ELEMENT_ID = 'graphiql-config';

/** The text the headers pane starts with; the development token button replaces `<token>`. */
export const AUTHORIZATION_PLACEHOLDER = '<token>';
export const DEFAULT_HEADERS = JSON.stringify({ Authorization: `Bearer ${AUTHORIZATION_PLACEHOLDER}` }, null, 2);
