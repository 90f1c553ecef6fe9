/** The GraphiQL page's script (bundled by ../bundle.ts): the example tabs, the headers pane, the dev token button. */
import './workers.ts';
import 'graphiql/style.css';
import './app.css';
import type { ComponentProps } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { EXAMPLE_OPERATIONS } from '../examples.ts';
import { AUTHORIZATION_PLACEHOLDER, DEFAULT_HEADERS, PAGE_CONFIG_ELEMENT_ID, type PageConfig } from './page-config.ts';
import { DevTokenButton } from './dev-token-button.tsx';
import { FirstTabVariables } from './first-tab-variables.tsx';

const config = JSON.parse(document.getElementById(PAGE_CONFIG_ELEMENT_ID)!.textContent!) as PageConfig;

const NO_TOKEN_YET = config.devToken
  ? 'Put a token in the Authorization header (Headers, below the query), or get one with the Development token button (the key in the toolbar).'
  : 'Put a token in the Authorization header (Headers, below the query).';

/**
 * POSTs JSON to the gateway with the headers pane's headers; the gateway's errors come back as GraphQL
 * errors. While the header still holds the placeholder nothing is sent: the gateway would only say 401.
 */
const fetcher: ComponentProps<typeof GraphiQL>['fetcher'] = async (params, options) => {
  if (Object.values(options?.headers ?? {}).some((value) => String(value).includes(AUTHORIZATION_PLACEHOLDER))) return { errors: [{ message: NO_TOKEN_YET }] };
  const res = await fetch(config.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...options?.headers },
    body: JSON.stringify(params),
  });
  return res.json();
};

const defaultTabs = EXAMPLE_OPERATIONS.map(({ query, variables }) => ({ query, variables: variables ?? null, headers: DEFAULT_HEADERS }));

createRoot(document.getElementById('graphiql')!).render(
  <GraphiQL fetcher={fetcher} defaultTabs={defaultTabs} defaultHeaders={DEFAULT_HEADERS} isHeadersEditorEnabled defaultEditorToolsVisibility="headers">
    <GraphiQL.Toolbar>
      {({ prettify, copy, merge }) => (
        <>
          {prettify}
          {merge}
          {copy}
          {config.devToken && <DevTokenButton config={config.devToken} />}
          {/* Not a button: placed here only to sit inside GraphiQL's provider. */}
          <FirstTabVariables />
        </>
      )}
    </GraphiQL.Toolbar>
  </GraphiQL>,
);
