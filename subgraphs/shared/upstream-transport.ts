/**
 * One upstream HTTP exchange over node:http(s) with a keep-alive agent per process, the whole answer
 * read into memory, one timer per call. Node's global fetch (undici and WHATWG streams) cost several
 * times the CPU per call for the same exchange (the gateway made the same move for its subgraph calls).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * An idle connection is closed after this long: fetch's (undici's) default, below the 5 s after which a
 * Node server closes one by default, so that a request is not sent on a connection the server is closing.
 * A shorter `Keep-Alive: timeout` from the server is honoured by Node's agent.
 */
const IDLE_SOCKET_MS = 4_000;

const agents = {
  'http:': new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  'https:': new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
};

export interface UpstreamExchange {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** The answer's status, headers (as Node gives them: names in lower case) and body text. */
export interface RawUpstreamAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** '' when the body could not be read in full (as fetch's `text().catch(() => '')` gave before). */
  text: string;
}

/** No answer (status line and headers) within the call's timeout. */
export class UpstreamTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Sends one request. Rejects with UpstreamTimeoutError when no answer came within `timeoutMs`, or with
 * Node's own error (its `code`, e.g. ECONNREFUSED, says whether the request was sent). A body cut short
 * or late after the answer began reads as ''.
 */
export function sendUpstream(url: string, exchange: UpstreamExchange, timeoutMs: number): Promise<RawUpstreamAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return reject(new TypeError(`Only http and https upstream URLs are supported: ${target.protocol}`));
    let answered = false;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    // A length rather than chunked encoding, as fetch sends a string body.
    const headers = exchange.body === undefined ? exchange.headers : { ...exchange.headers, 'content-length': String(Buffer.byteLength(exchange.body)) };
    const req = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, { method: exchange.method, headers, agent: agents[target.protocol] });
    const timer = setTimeout(() => {
      if (answered) settle(() => resolve(partial));
      else settle(() => reject(new UpstreamTimeoutError(`No answer within ${timeoutMs} ms.`)));
      req.destroy();
    }, timeoutMs);
    let partial: RawUpstreamAnswer;
    req.on('error', (err) => settle(() => (answered ? resolve(partial) : reject(err))));
    req.once('response', (res: IncomingMessage) => {
      answered = true;
      partial = { status: res.statusCode ?? 0, headers: res.headers, text: '' };
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', () => settle(() => resolve(partial)));
      res.once('close', () => settle(() => resolve(res.complete ? { ...partial, text: Buffer.concat(chunks).toString('utf8') } : partial)));
    });
    req.end(exchange.body);
  });
}
