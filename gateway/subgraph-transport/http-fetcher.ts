/**
 * The gateway's fetcher for subgraph calls: node:http(s) over a keep-alive agent, the whole answer read
 * into memory, with one timer per call. Node's global fetch (undici, WHATWG streams) and Apollo's default
 * (make-fetch-happen) cost several times the CPU per call for the same exchange; a page of customers
 * makes a dozen such calls.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;
type FetcherHeaders = FetcherResponse['headers'];

/**
 * An idle connection is closed after this long: before the subgraphs' own 65 s keep-alive timeout
 * (subgraphs/shared/server.ts), so the gateway never sends on a connection the subgraph is closing. A
 * subgraph announcing a shorter `Keep-Alive: timeout` is honoured by Node's agent.
 */
const IDLE_SOCKET_MS = 60_000;

/** A request that took longer than the subgraph timeout; RemoteGraphQLDataSource's caller degrades it like any failure. */
export class SubgraphTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * A fetcher whose every request (connect to last byte) is abandoned after `timeoutMs`. Never retries: mutations must not be repeated blindly.
 * `maxFreeSockets`: idle connections kept per host (Node's default, 256, unless given).
 */
export function keepAliveFetcher(timeoutMs: number, { maxFreeSockets }: { maxFreeSockets?: number } = {}): Fetcher {
  const agentOptions = { keepAlive: true, timeout: IDLE_SOCKET_MS, maxFreeSockets };
  const agents = { 'http:': new HttpAgent(agentOptions), 'https:': new HttpsAgent(agentOptions) };
  const fetcher = (url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}) => new Promise<FetcherResponse>((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    if (!secure && target.protocol !== 'http:') return reject(new TypeError(`Only http and https subgraph URLs are supported: ${target.protocol}`));
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(error);
    };
    const req = (secure ? httpsRequest : httpRequest)(target, { method: init.method ?? 'GET', headers: init.headers, agent: agents[target.protocol as 'http:' | 'https:'] });
    const timer = setTimeout(() => fail(new SubgraphTimeoutError(`No complete answer within ${timeoutMs} ms.`)), timeoutMs);
    req.on('error', fail);
    req.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.once('close', () => {
        if (!res.complete) return fail(new Error('The subgraph closed the connection before the answer was complete.'));
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(new BufferedResponse(url, res.statusCode ?? 0, res.statusMessage ?? '', new ResponseHeaders(res.headers), Buffer.concat(chunks)));
      });
    });
    req.end(init.body);
  });
  return fetcher as unknown as Fetcher;
}

/**
 * The same answer with its body held as text, read any number of times (the answer cache's: a hit is
 * parsed from the string, not decoded from bytes again).
 */
export const withTextBody = (response: FetcherResponse, text: string): FetcherResponse =>
  new BufferedResponse(response.url, response.status, response.statusText, response.headers, text);

/** A subgraph's answer, already read in full. */
class BufferedResponse implements FetcherResponse {
  readonly redirected = false;
  readonly bodyUsed = false;

  constructor(readonly url: string, readonly status: number, readonly statusText: string, readonly headers: FetcherHeaders, private readonly body: Buffer | string) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  async text(): Promise<string> {
    return typeof this.body === 'string' ? this.body : this.body.toString('utf8');
  }

  async json(): Promise<any> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return new Uint8Array(typeof this.body === 'string' ? Buffer.from(this.body) : this.body).buffer;
  }

  clone(): FetcherResponse {
    return this;
  }
}

/** The answer's headers as the fetch API shows them (names case-insensitive, repeated values joined); read-only. */
class ResponseHeaders implements FetcherHeaders {
  private readonly map: Map<string, string>;

  constructor(headers: IncomingHttpHeaders) {
    // Node gives the names lowercased, set-cookie as an array.
    this.map = new Map(Object.entries(headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]])));
  }

  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }

  append(): void {
    throw new TypeError('A response\'s headers are immutable.');
  }

  delete(): void {
    throw new TypeError('A response\'s headers are immutable.');
  }

  set(): void {
    throw new TypeError('A response\'s headers are immutable.');
  }

  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  values(): IterableIterator<string> {
    return this.map.values();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}
