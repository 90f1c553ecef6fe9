/** Starts the whole stack (stand-ins, subgraphs, gateway) on port 0 for one test file, and speaks HTTP to it. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startStack, type Stack, type StackOptions } from '../../upstreams/stack.ts';

export interface GraphQLResult {
  status: number;
  /** The raw response text, for asserting what must never appear in it. */
  text: string;
  body: { data?: any; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
}

export interface TestStack {
  /** The running stack; valid inside tests. */
  readonly stack: Stack;
  gql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResult>;
}

export function useStack(options: StackOptions = {}): TestStack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    // Each test file gets its own gateway database and a brisk outbox worker.
    const env = { SYNC_DB_PATH: join(mkdtempSync(join(tmpdir(), 'gateway-test-')), 'gateway.db'), OUTBOX_INTERVAL_MS: '50', OUTBOX_BACKOFF_BASE_MS: '50', OUTBOX_BACKOFF_MAX_MS: '400', ...options.env };
    stack = await startStack({ ...options, env });
  });
  afterAll(async () => {
    await stack?.close();
  });
  return {
    get stack() {
      if (!stack) throw new Error('The stack is not running yet.');
      return stack;
    },
    async gql(query, variables, headers = {}) {
      const res = await fetch(this.stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      return { status: res.status, text, body: JSON.parse(text) };
    },
  };
}
