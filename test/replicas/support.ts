/**
 * What the replica tests share: a view of bare stand-ins as the Stack that upstream-views.ts reads,
 * posting a signed HubSpot webhook to one sync replica, GraphQL over HTTP to a gateway, and stopping a child process.
 */
import type { ChildProcess } from 'node:child_process';
import { hubspotSignature } from '../../subgraphs/sync/webhooks/signatures.ts';
import { DEV_WEBHOOK_SECRETS, type Stack, type StandIns } from '../../upstreams/stack.ts';
import type { GraphQLResult } from '../e2e/harness.ts';

/** What upstream-views.ts reads from a Stack: the stand-ins and their counters. */
export function standInsView(standIns: StandIns): Stack {
  const all = Object.values(standIns);
  return {
    standIns,
    upstreamCounters: () => Object.fromEntries(all.flatMap((s) => Object.entries(s.counters()).map(([k, v]) => [`${s.name} ${k}`, v]))),
    resetUpstreamCounters: () => all.forEach((s) => s.resetCounters()),
  } as unknown as Stack;
}

/** POSTs `query` to the gateway at `url` with `token`; the answer's status, text and parsed body. */
export async function postGraphQL(url: string, token: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}

/** Posts events to a sync replica's HubSpot receiver as HubSpot does (signed over method, URI, body, timestamp). */
export async function postHubSpotWebhook(syncUrl: string, events: unknown[]): Promise<number> {
  const url = syncUrl.replace(/\/graphql$/, '/webhooks/hubspot');
  const body = JSON.stringify(events);
  const timestamp = String(Date.now());
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': timestamp,
      'x-hubspot-signature-v3': hubspotSignature(DEV_WEBHOOK_SECRETS.hubspot, 'POST', url, body, timestamp) },
    body,
  });
  await res.text();
  return res.status;
}

/** SIGTERM to `child`, resolved once it has exited (at once if it already has). */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}
