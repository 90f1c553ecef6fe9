/** The HTML page that loads GraphiQL's bundle, and the Content-Security-Policy that keeps it on this host. */
import type { PageConfig } from './browser/page-config.ts';
import { PAGE_CONFIG_ELEMENT_ID } from './browser/page-config.ts';

/**
 * Only this origin, for scripts, workers, styles, fetches and images: the page cannot load anything
 * from another host even if a dependency tried. Monaco adds <style> elements, hence 'unsafe-inline' for
 * styles; GraphiQL's fonts and icons are data: URLs.
 */
export const GRAPHIQL_CSP = [
  "default-src 'self'", "script-src 'self'", "worker-src 'self'", "connect-src 'self'", "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:", "font-src 'self' data:", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

export function graphiqlPage(assetBase: string, config: PageConfig): string {
  // In a JSON script block only "<" could end the element early.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL · CRM graph gateway</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assetBase}app.css">
<script id="${PAGE_CONFIG_ELEMENT_ID}" type="application/json">${json}</script>
<script type="module" src="${assetBase}app.js"></script>
</head>
<body><div id="graphiql"></div></body>
</html>
`;
}
