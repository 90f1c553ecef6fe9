/**
 * The client side of POST /admin/reconcile (route.ts): starts a pass on the running sync service and
 * yields its NDJSON lines as they arrive. It signs its own internal token (aud "sync", scope
 * sync:write) with INTERNAL_TOKEN_SECRET, as the gateway does for its calls.
 */
import { createInternalTokenSigner } from '../../shared/internal-token-signer.ts';
import type { InternalAuthConfig } from '../../shared/internal-auth.ts';
import type { PassProgress, PassSummary } from './pass.ts';
import { RECONCILE_SCOPE } from './route.ts';

export type PassLine =
  | ({ type: 'progress' } & PassProgress)
  | { type: 'summary'; summary: PassSummary }
  | { type: 'error'; code: string; message: string };

export interface PassRequest {
  /** The sync service's base URL, e.g. http://127.0.0.1:4005. */
  baseUrl: string;
  internalAuth: InternalAuthConfig;
  since: string | null;
  dryRun: boolean;
}

export async function* requestPass(request: PassRequest): AsyncGenerator<PassLine> {
  const sign = createInternalTokenSigner(request.internalAuth);
  const token = await sign({ subject: 'npm-run-sync', clientId: 'npm-run-sync', scopes: new Set([RECONCILE_SCOPE]) }, 'sync');
  const res = await fetch(`${request.baseUrl}/admin/reconcile`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ since: request.since, dryRun: request.dryRun }),
  });
  if (!res.ok || !res.body) {
    const body = await res.json().catch(() => ({})) as { code?: string; message?: string };
    yield { type: 'error', code: body.code ?? `HTTP_${res.status}`, message: body.message ?? `The sync service answered ${res.status}.` };
    return;
  }
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of res.body) {
    buffered += decoder.decode(chunk as Uint8Array, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) yield JSON.parse(line) as PassLine;
    }
  }
}
