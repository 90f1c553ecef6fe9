/**
 * Every error the gateway answers carries `extensions.requestId`, the id of its `x-request-id` response
 * header. Tests compare whole error objects, so this setup file checks that id once, here, for every
 * response read with fetch in a test process, and removes it before the test sees the body. A response
 * whose error carries another id fails the request. Tests of request ids themselves use `rawFetch`.
 */
const original = globalThis.fetch;

/** fetch as it was, for tests that look at extensions.requestId themselves. */
export const rawFetch: typeof fetch = (...args) => original(...args);

globalThis.fetch = async (input, init) => {
  const res = await original(input, init);
  const requestId = res.headers.get('x-request-id');
  if (!requestId || !/json/.test(res.headers.get('content-type') ?? '')) return res;
  const text = await res.clone().text();
  // Subgraphs echo the header too but put no id in their errors: their answers reach the gateway untouched.
  if (!text.includes('"requestId"')) return res;
  return new Response(withoutRequestIds(text, requestId), { status: res.status, statusText: res.statusText, headers: res.headers });
};

function withoutRequestIds(text: string, requestId: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text;
  }
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return text;
  for (const error of errors as { extensions?: Record<string, unknown> }[]) {
    const given = error?.extensions?.requestId;
    if (given === undefined) continue;
    if (given !== requestId) throw new Error(`An error carries request id ${String(given)}, the response ${requestId}.`);
    delete error.extensions!.requestId;
  }
  return JSON.stringify(body);
}
