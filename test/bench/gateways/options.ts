/** `npm run bench [-- gateways] [--quick] [--peer hive] [--latency 20] [--rounds 3] [--duration 20] [--overload] [--soak N]` */
import { parseArgs } from 'node:util';

export interface GatewayBenchOptions {
  quick: boolean;
  /** Hive Gateway as a second baseline. */
  hive: boolean;
  /** Injected latency of every upstream call, ms. */
  latencyMs: number;
  /** Interleaved rounds per scenario: each round is one pass per gateway. */
  rounds: number;
  /** Seconds per pass. */
  passS: number;
  /** Concurrent clients of S1, and of S2 and S3. */
  pageClients: number;
  viewClients: number;
  overload: boolean;
  /** Seconds of S2 on the project's gateway with its memory sampled; 0 for none. */
  soakS: number;
}

export const USAGE = 'Usage: npm run bench [-- gateways] [--quick] [--peer hive] [--latency 20] [--rounds 3] [--duration 20] [--page-clients 20 (4 with --quick)] [--clients 200 (32 with --quick)] [--overload] [--soak 600]';

/** Reads the command line (after an optional "gateways"); throws a message naming the bad value. */
export function readGatewayBenchOptions(args: string[]): GatewayBenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      peer: { type: 'string' },
      latency: { type: 'string', default: '20' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      'page-clients': { type: 'string' },
      clients: { type: 'string' },
      overload: { type: 'boolean', default: false },
      soak: { type: 'string', default: '0' },
    },
  });
  const integer = (name: string, raw: string, min: number, max: number) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer from ${min} to ${max}: ${raw}`);
    return value;
  };
  if (values.peer !== undefined && values.peer !== 'hive') throw new Error(`--peer must be hive: ${values.peer}`);
  return {
    quick: values.quick,
    hive: values.peer === 'hive',
    latencyMs: integer('latency', values.latency, 0, 5000),
    // --quick: two interleaved rounds of 4 s passes, so that three scenarios fit in under two minutes.
    rounds: integer('rounds', values.rounds ?? (values.quick ? '2' : '3'), 1, 20),
    passS: integer('duration', values.duration ?? (values.quick ? '4' : '20'), 1, 600),
    // --quick: fewer clients too, so that a short pass is not all queueing.
    pageClients: integer('page-clients', values['page-clients'] ?? (values.quick ? '4' : '20'), 1, 1000),
    viewClients: integer('clients', values.clients ?? (values.quick ? '32' : '200'), 1, 1000),
    overload: values.overload,
    soakS: integer('soak', values.soak, 0, 86_400),
  };
}
