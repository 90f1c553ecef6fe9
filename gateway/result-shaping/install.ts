/**
 * Puts compiled-shaping.ts in place of @apollo/gateway's own result shaping. executeQueryPlan calls
 * `computeResponse` through its module's exports object at every request, so replacing that export is
 * enough, and affects every ApolloGateway of the process. The module is internal to @apollo/gateway:
 * its path and signature are checked here at start-up, so that an upgrade that moves or changes it fails
 * loudly (a test starts the gateway) instead of silently falling back.
 */
import { createRequire } from 'node:module';
import { computeResponse } from './compiled-shaping.ts';

const require = createRequire(import.meta.url);
const SHAPING_MODULE = '@apollo/gateway/dist/resultShaping.js';

/** Idempotent. */
export function installCompiledShaping(): void {
  const shaping = require(SHAPING_MODULE) as { computeResponse?: (...args: never[]) => unknown };
  if (shaping.computeResponse === computeResponse) return;
  if (typeof shaping.computeResponse !== 'function' || shaping.computeResponse.length !== 1) {
    throw new Error(`${SHAPING_MODULE} no longer exports computeResponse({ operation, variables, input, introspectionHandling }): check compiled-shaping.ts against the installed @apollo/gateway`);
  }
  shaping.computeResponse = computeResponse as (...args: never[]) => unknown;
}

/** Whether Apollo's executeQueryPlan now shapes results with compiled-shaping.ts. */
export const compiledShapingInstalled = (): boolean => (require(SHAPING_MODULE) as { computeResponse?: unknown }).computeResponse === computeResponse;
