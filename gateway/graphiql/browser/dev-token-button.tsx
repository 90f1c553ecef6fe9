/**
 * The "Development token" toolbar button: pick scopes, the gateway mints a token with its development
 * secret (POST /graphiql/dev-token), and the token goes into the Authorization header of the open tab,
 * and of each tab opened later whose header still holds the placeholder. Then the schema is fetched again.
 */
import { useEffect, useState } from 'react';
import { ToolbarButton, useGraphiQL, useGraphiQLActions } from '@graphiql/react';
import { AUTHORIZATION_PLACEHOLDER, type PageConfig } from './page-config.ts';

type DevTokenConfig = NonNullable<PageConfig['devToken']>;

export function DevTokenButton({ config }: { config: DevTokenConfig }) {
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set(config.defaultScopes));
  const [token, setToken] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const headerEditor = useGraphiQL((state) => state.headerEditor);
  const activeTabIndex = useGraphiQL((state) => state.activeTabIndex);
  const { introspect } = useGraphiQLActions();

  // A tab switched to (or opened) after minting gets the token if its header is still the placeholder.
  useEffect(() => {
    if (token && headerEditor) fillAuthorization(headerEditor, token, false);
  }, [token, headerEditor, activeTabIndex]);

  const mint = async () => {
    setError(null);
    try {
      const res = await fetch(config.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scopes: [...chosen] }) });
      const body = (await res.json()) as { token?: string; error?: string };
      if (!res.ok || !body.token) throw new Error(body.error ?? `HTTP ${res.status}`);
      setToken(body.token);
      if (headerEditor) fillAuthorization(headerEditor, body.token, true);
      setOpen(false);
      await introspect();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const toggle = (scope: string) => setChosen((was) => {
    const next = new Set(was);
    if (!next.delete(scope)) next.add(scope);
    return next;
  });

  return (
    <div className="dev-token">
      <ToolbarButton label="Development token" onClick={() => setOpen(!open)} data-testid="dev-token-button">
        <KeyIcon />
      </ToolbarButton>
      {open && (
        <div className="dev-token-panel" role="dialog" aria-label="Development token">
          <p>A token signed with the gateway's development secret, valid for an hour, with these scopes:</p>
          {config.scopes.map((scope) => (
            <label key={scope}>
              <input type="checkbox" checked={chosen.has(scope)} onChange={() => toggle(scope)} /> {scope}
            </label>
          ))}
          <button type="button" className="graphiql-button" onClick={mint}>Use token</button>
          {error && <p className="dev-token-error">{error}</p>}
        </div>
      )}
    </div>
  );
}

/** A key, drawn like GraphiQL's own toolbar icons (stroke in the current colour). */
function KeyIcon() {
  return (
    <svg className="graphiql-toolbar-icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden>
      <circle cx="7.5" cy="15.5" r="4.5" />
      <path d="M10.7 12.3 20 3M16 7l3 3M14 9l2 2" strokeLinecap="round" />
    </svg>
  );
}

interface TextEditor {
  getValue(): string;
  setValue(value: string): void;
}

/** Sets the Authorization header in the headers pane's JSON; unless `replace`, only over the placeholder. */
function fillAuthorization(editor: TextEditor, token: string, replace: boolean): void {
  let headers: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(editor.getValue() || '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) headers = parsed as Record<string, unknown>;
  } catch {
    if (!replace) return;
  }
  const key = Object.keys(headers).find((name) => name.toLowerCase() === 'authorization') ?? 'Authorization';
  if (!replace && headers[key] !== `Bearer ${AUTHORIZATION_PLACEHOLDER}`) return;
  editor.setValue(JSON.stringify({ ...headers, [key]: `Bearer ${token}` }, null, 2));
}
