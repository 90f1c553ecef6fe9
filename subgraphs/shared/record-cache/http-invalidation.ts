/**
 * RecordInvalidation across processes on one node: publish POSTs the keys to the internal route of
 * the read subgraph that owns each key's system (POST /internal/record-invalidation, under an internal
 * token for that subgraph) and waits for its answer, at most `timeoutMs`. A delivery that fails or
 * times out is logged and counted, not raised: the record then stays cached until its TTL ends. The
 * gateways given in `gateways` get every key (their answer cache holds answers of every system).
 * Sent over the upstream transport's keep-alive connections, under an internal token reused per target
 * (its claims are always the same): a write's news is a dozen such posts, and fetch with a fresh
 * signature each was a fifth of the sync service's CPU per write.
 */
import type { InternalAuthConfig } from '../internal-auth.ts';
import { createInternalTokenSigner } from '../internal-token-signer.ts';
import { reusingInternalTokens } from '../reused-internal-tokens.ts';
import { sendUpstream } from '../upstream-transport.ts';
import { createLocalInvalidation, type RecordInvalidation } from './record-invalidation.ts';
import type { CachedSystem, RecordKey } from './record-keys.ts';

export const INVALIDATION_PATH = '/internal/record-invalidation';

/** The read subgraph owning each system's records. */
export const SUBGRAPH_OF: Record<CachedSystem, string> = { CRM: 'crm', ERP: 'erp', COMMERCE: 'commerce' };

export interface HttpInvalidationOptions {
  /** Each owning subgraph's base URL (http://127.0.0.1:4001); a system without one is not told. */
  targets: Partial<Record<CachedSystem, string>>;
  /** Base URLs of gateways whose answer cache hears every key (gateway/answer-cache/hear-changes.ts). */
  gateways?: readonly string[];
  internalAuth: InternalAuthConfig;
  timeoutMs: number;
  /** One call per delivery attempt: `delivered`, or `failed` with the reason (never a URL or a record id). */
  onDelivery(system: CachedSystem | typeof GATEWAY, result: 'delivered' | 'failed', reason?: string): void;
}

/** How a gateway target is named in onDelivery, and the audience of its token. */
export const GATEWAY = 'GATEWAY';
const GATEWAY_AUDIENCE = 'gateway';
/** Waits before each further delivery to a gateway that did not confirm one. */
const GATEWAY_RETRY_MS = [200, 1000, 5000];

/** The caller the internal tokens name: the sync service itself, with no scope. */
const SENDER = { subject: 'sync', clientId: 'sync', scopes: new Set<string>() };

export function createHttpInvalidation(options: HttpInvalidationOptions): RecordInvalidation {
  const sign = reusingInternalTokens(createInternalTokenSigner(options.internalAuth));
  const local = createLocalInvalidation();
  /** True when delivered. */
  const deliver = async (system: CachedSystem | typeof GATEWAY, base: string, body: string): Promise<boolean> => {
    try {
      const { status } = await sendUpstream(`${base}${INVALIDATION_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await sign(SENDER, system === GATEWAY ? GATEWAY_AUDIENCE : SUBGRAPH_OF[system])}` },
        body,
      }, options.timeoutMs);
      const ok = status >= 200 && status < 300;
      options.onDelivery(system, ok ? 'delivered' : 'failed', ok ? undefined : `HTTP ${status}`);
      return ok;
    } catch (err) {
      options.onDelivery(system, 'failed', (err as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable');
      return false;
    }
  };
  // A gateway that did not confirm (busy past the timeout, restarting) is asked again in the background
  // while its kept answers could still be served: it must not keep an old answer for a whole TTL.
  const deliverToGateway = async (base: string, body: string) => {
    if (await deliver(GATEWAY, base, body)) return;
    void (async () => {
      for (const waitMs of GATEWAY_RETRY_MS) {
        await new Promise((resolve) => setTimeout(resolve, waitMs).unref());
        if (await deliver(GATEWAY, base, body)) return;
      }
    })();
  };
  return {
    async publish(keys) {
      await local.publish(keys);
      const owners = [...new Set(keys.map((k) => k.system))];
      const confirmed = await Promise.all(owners.map((system) => {
        const base = options.targets[system];
        // An owner without a URL is not told, so it cannot have dropped them.
        return base ? deliver(system, base, JSON.stringify({ keys: keys.filter((k) => k.system === system) })) : false;
      }));
      // Only then the gateways: a read a gateway sends once it dropped its answers finds the subgraphs' records
      // dropped too, which they are told (ownersDropped), so that they drop their answers once, not once more later.
      const body = JSON.stringify({ keys, ownersDropped: confirmed.every(Boolean) });
      if (keys.length) await Promise.all((options.gateways ?? []).map((base) => deliverToGateway(base, body)));
    },
    subscribe: local.subscribe,
  };
}
