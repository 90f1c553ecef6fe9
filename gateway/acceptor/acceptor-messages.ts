/**
 * What the gateway and its acceptor process (acceptor-process.ts) tell each other over their IPC
 * channel, and the settings the acceptor starts with (in its environment, as JSON).
 */

export interface AcceptorSettings {
  host: string;
  port: number;
  backlog: number;
  /** While the gateway refuses requests itself: how long a connection handed over may wait to be taken in (the admission's max wait). */
  maxWaitMs: number;
  /** Otherwise: how long the gateway may take no connection in before new ones are refused (a wedged gateway: the subgraph timeout)… */
  maxBurstWaitMs: number;
  /** …and how many may wait to be taken in. */
  maxBurstWaiting: number;
  /** The answer to a connection refused (formatted by the gateway). */
  refusal: RefusalAnswer;
}

/** A whole HTTP answer: status line, headers and the GraphQL body (each error gets the refusal's request id). */
export interface RefusalAnswer {
  status: number;
  reason: string;
  headers: Record<string, string>;
  body: { errors: { extensions?: Record<string, unknown> }[] };
}

export const SETTINGS_ENV = 'ACCEPTOR_SETTINGS';

/** From the acceptor. */
export type AcceptorMessage =
  | { type: 'listening'; port: number }
  /** Sent with the connection's socket; `head` (base64): what the acceptor read from it already (a probe's request). */
  | { type: 'connection'; head?: string }
  /** Connections refused since the last report (sent at most once a second). */
  | { type: 'refused'; count: number }
  | { type: 'failed'; message: string; code?: string };

/** From the gateway. */
export type GatewayMessage =
  | { type: 'taken' }
  /** The gateway's admission control refused a request for overload (sent at most every OVERLOADED_NOTICE_MS). */
  | { type: 'overloaded' }
  | { type: 'close' };

/** How often at most the gateway says it is refusing; the acceptor counts it as refusing for STRICT_FOR_MS after each. */
export const OVERLOADED_NOTICE_MS = 100;
export const STRICT_FOR_MS = 1_000;
