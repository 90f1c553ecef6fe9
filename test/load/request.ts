/** One GraphQL request to the gateway over Node's keep-alive fetch, timed and reduced to what the figures need. */

export interface Outcome {
  latencyMs: number;
  status: number;
  /** HTTP 200 with data and no errors. */
  ok: boolean;
  /** Each distinct extensions.code in the answer (NETWORK, TIMEOUT, ABORTED or HTTP_<status> when there is none to read). */
  codes: string[];
  /** The same, each with the subgraph it came from where the error says so: "UPSTREAM_UNAVAILABLE (social)". */
  errorKinds: string[];
  /** No data at all: refused before execution (or failed whole). */
  refused: boolean;
  /** Retry-After of a 429, in seconds. */
  retryAfterS: number | null;
  /** The first error's extensions, for a refusal's cost and limit. */
  extensions: Record<string, unknown> | null;
}

export interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown>;
}

interface GraphQLError {
  extensions?: Record<string, unknown>;
}

interface GraphQLAnswer {
  data?: unknown;
  errors?: GraphQLError[];
}

export async function send(url: string, token: string, request: GraphQLRequest, signal: AbortSignal): Promise<Outcome> {
  const started = performance.now();
  const done = (status: number, answer: GraphQLAnswer | null, retryAfter: string | null, fallbackCode?: string): Outcome => {
    const errors = answer?.errors ?? [];
    const code = (e: GraphQLError) => String(e.extensions?.code ?? 'NO_CODE');
    const codes = [...new Set(errors.map(code))];
    const errorKinds = [...new Set(errors.map((e) => (e.extensions?.serviceName ? `${code(e)} (${String(e.extensions.serviceName)})` : code(e))))];
    if (codes.length === 0 && fallbackCode) codes.push(fallbackCode);
    if (errorKinds.length === 0 && fallbackCode) errorKinds.push(fallbackCode);
    return {
      latencyMs: performance.now() - started,
      status,
      ok: status === 200 && errors.length === 0 && answer?.data != null,
      codes,
      errorKinds,
      refused: answer?.data == null,
      retryAfterS: retryAfter === null ? null : Number(retryAfter),
      extensions: errors[0]?.extensions ?? null,
    };
  };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify(request),
      signal,
    });
    const text = await res.text();
    let answer: GraphQLAnswer | null = null;
    try { answer = JSON.parse(text) as GraphQLAnswer; } catch { /* not JSON: counted by status */ }
    return done(res.status, answer, res.headers.get('retry-after'), res.status === 200 ? undefined : `HTTP_${res.status}`);
  } catch (err) {
    const name = (err as Error).name;
    return done(0, null, null, name === 'TimeoutError' ? 'TIMEOUT' : name === 'AbortError' ? 'ABORTED' : 'NETWORK');
  }
}
