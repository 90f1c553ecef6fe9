/**
 * The acceptor process (gateway/acceptor/) in front of a real HTTP server on port 0: connections it
 * accepts reach the server; while the server takes none in (its event loop blocked here, as a busy
 * gateway's is), every connection past the max wait is answered 503 OVERLOADED with Retry-After by the
 * acceptor itself within milliseconds, probes still reach the server, and nothing is left unanswered.
 * The clients run in a process of their own, so that their clock runs while this one's loop is blocked.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openAcceptor, type Acceptor } from '../../gateway/acceptor/acceptor.ts';
import { IntakeGauge } from '../../gateway/acceptor/intake-gauge.ts';
import { overloadedAnswer } from '../../gateway/limits/admission/overloaded-error.ts';
import { readGatewayConfig } from '../../gateway/config.ts';

const MAX_WAIT_MS = 50;
const MAX_BURST_WAIT_MS = 500;
/** Under the shortest block below (700 ms) by a margin: a refusal this fast came from the acceptor, not the blocked server. */
const REFUSED_WITHIN_MS = 350;
const SETTINGS = { host: '127.0.0.1', port: 0, backlog: 511, maxWaitMs: MAX_WAIT_MS, maxBurstWaitMs: MAX_BURST_WAIT_MS, maxBurstWaiting: 64, refusal: overloadedAnswer() };

interface ClientAnswer { path: string; status: number; ms: number; retryAfter?: string; contentType?: string; requestId?: string; body: string }

/**
 * Opens one connection every `everyMs` for `count` connections (each its own, as a client without
 * keep-alive does), the `probeAt`-th a GET /health, and prints every answer as JSON; prints "started"
 * once the first request is sent.
 */
const CLIENT = `
const http = require('node:http');
const [port, count, everyMs, probeAt] = process.argv.slice(1).map(Number);
const answers = [];
let done = 0;
for (let i = 0; i < count; i++) setTimeout(() => {
  const path = i === probeAt ? '/health' : '/graphql';
  const started = performance.now();
  const req = http.request({ port, host: '127.0.0.1', path, method: i === probeAt ? 'GET' : 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
    let body = '';
    res.on('data', (c) => (body += c));
    res.on('end', () => {
      answers.push({ path, status: res.statusCode, ms: performance.now() - started, retryAfter: res.headers['retry-after'], contentType: res.headers['content-type'], requestId: res.headers['x-request-id'], body });
      if (++done === count) console.log(JSON.stringify(answers));
    });
  });
  req.on('error', (err) => { answers.push({ path, status: 0, ms: performance.now() - started, body: err.message }); if (++done === count) console.log(JSON.stringify(answers)); });
  req.end(i === probeAt ? undefined : '{"query":"{ __typename }"}');
  if (i === 0) console.log('started');
}, i * everyMs);
`;

function runClients(port: number, count: number, everyMs: number, probeAt: number, onStarted: () => void): Promise<ClientAnswer[]> {
  const child = spawn(process.execPath, ['-e', CLIENT, String(port), String(count), String(everyMs), String(probeAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let started = false;
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
      if (!started && out.includes('started\n')) {
        started = true;
        out = out.replace('started\n', '');
        onStarted();
      }
    });
    child.once('exit', () => {
      try { resolve(JSON.parse(out)); } catch (err) { reject(err); }
    });
  });
}

interface KeptAnswer { name: string; status: number; ms: number; localPort?: number; connection?: string; retryAfter?: string; requestId?: string; body: string }

/**
 * One connection of its own (handed over, then left waiting by the blocked server), and 80 ms later a
 * keep-alive client with one connection: a request, one whose body comes in two parts 50 ms apart, and
 * at 1,100 ms (after the block) a third; prints "started", then the answers as JSON.
 */
const KEEP_ALIVE_CLIENT = `
const http = require('node:http');
const port = Number(process.argv[1]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const answers = [];
const started = performance.now();
const send = (name, path, agentFor, parts) => new Promise((resolve) => {
  const at = performance.now();
  const body = parts.join('');
  const req = http.request({ port, host: '127.0.0.1', path, method: 'POST', agent: agentFor, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
    let text = '';
    res.on('data', (c) => (text += c));
    res.on('end', () => {
      answers.push({ name, status: res.statusCode, ms: performance.now() - at, localPort: req.socket && req.socket.localPort, connection: res.headers.connection, retryAfter: res.headers['retry-after'], requestId: res.headers['x-request-id'], body: text });
      resolve();
    });
  });
  req.on('error', (err) => { answers.push({ name, status: 0, ms: performance.now() - at, body: err.message }); resolve(); });
  req.write(parts[0]);
  if (parts.length === 1) return req.end();
  setTimeout(() => req.end(parts[1]), 50);
});
const first = send('first', '/graphql?first', false, ['{}']);
console.log('started');
setTimeout(async () => {
  await send('refused', '/graphql', agent, ['{"query":"{ __typename }"}']);
  await send('split body', '/graphql', agent, ['{"query":', '"{ __typename }"}']);
  await new Promise((r) => setTimeout(r, 1100 - (performance.now() - started)));
  await send('after the block', '/graphql?after', agent, ['{}']);
  await first;
  console.log(JSON.stringify(answers.sort((a, b) => ['first', 'refused', 'split body', 'after the block'].indexOf(a.name) - ['first', 'refused', 'split body', 'after the block'].indexOf(b.name))));
  agent.destroy();
}, 80);
`;

function runKeepAliveClient(port: number, onStarted: () => void): Promise<KeptAnswer[]> {
  const child = spawn(process.execPath, ['-e', KEEP_ALIVE_CLIENT, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
      if (out.startsWith('started\n')) {
        out = out.slice('started\n'.length);
        onStarted();
      }
    });
    child.once('exit', () => {
      try { resolve(JSON.parse(out)); } catch (err) { reject(err); }
    });
  });
}

const blockFor = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* the gateway's loop, busy */ }
};

describe('acceptor process', () => {
  let server: Server;
  let acceptor: Acceptor | undefined;
  const events = { refusedReports: [] as number[], restarts: [] as (Error | null)[] };

  const open = async (minLifetimeMs?: number) => {
    events.refusedReports = [];
    events.restarts = [];
    server = createServer((req, res) => res.end(`ok ${req.url}`));
    acceptor = await openAcceptor(server, SETTINGS, {
      refused: (count) => events.refusedReports.push(count),
      restarted: (err) => events.restarts.push(err),
    }, minLifetimeMs);
    return acceptor;
  };

  afterEach(async () => {
    await acceptor?.close();
    acceptor = undefined;
    server.closeAllConnections();
  });

  it('hands connections to the server', async () => {
    const { port } = await open();
    const res = await fetch(`http://127.0.0.1:${port}/anything`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok /anything');
  });

  it('hands over a burst of new connections to a gateway that takes them in', async () => {
    const { port } = await open();
    const answers = await runClients(port, 30, 0, -1, () => {});
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(200));
  });

  it('refuses new connections once the gateway has taken none in for the burst wait, even while it is not refusing', async () => {
    const { port } = await open();
    // 40 connections over 1 s while the server's loop is blocked for 1.5 s from the first.
    const answers = await runClients(port, 40, 25, -1, () => blockFor(MAX_BURST_WAIT_MS + 1_000));
    const refused = answers.filter((a) => a.status === 503);
    expect(answers.filter((a) => a.status === 200).length + refused.length).toBe(40);
    // Those arriving after the burst wait at once; those let in before, once they had waited it in the acceptor's
    // queue rather than be sent late: all by the acceptor, the server's loop still blocked (bounds loose enough for a
    // loaded machine). Only the first reached the server, and waited out the block.
    expect(refused.filter((a) => a.ms < REFUSED_WITHIN_MS).length).toBeGreaterThan(5);
    for (const answer of refused) expect(answer.ms).toBeLessThan(MAX_BURST_WAIT_MS + REFUSED_WITHIN_MS);
    expect(answers.filter((a) => a.status === 200).length).toBeLessThan(5);
  });

  it('while the gateway refuses requests, refuses at once what it would take in too late, hands over probes, and leaves nothing unanswered', async () => {
    const { port } = await open();
    // 40 connections over 400 ms, while this process's loop (the server's) is blocked for 700 ms from the first.
    const answers = await runClients(port, 40, 10, 20, () => {
      acceptor!.overloaded();
      blockFor(700);
    });
    expect(answers).toHaveLength(40);
    const refused = answers.filter((a) => a.status === 503);
    const served = answers.filter((a) => a.status === 200);
    expect(refused.length + served.length).toBe(40);
    expect(refused.length).toBeGreaterThan(20);
    // Refused by the acceptor while the server's loop is still blocked, not after the block.
    for (const answer of refused) {
      expect(answer.ms).toBeLessThan(REFUSED_WITHIN_MS);
      expect(answer.retryAfter).toBe('1');
      expect(answer.contentType).toMatch(/^application\/json/);
      const error = JSON.parse(answer.body).errors[0];
      expect(error.extensions).toMatchObject({ code: 'OVERLOADED', retryAfter: 1, requestId: answer.requestId });
    }
    // The probe reached the server, the request the acceptor had read of it included.
    expect(answers.find((a) => a.path === '/health')).toMatchObject({ status: 200, body: 'ok /health' });
    // What was handed over was answered once the loop ran again.
    expect(served.some((a) => a.path === '/graphql' && a.ms > 300)).toBe(true);
    // The refusals are reported (for the log line and the metric) at most a second later.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(events.refusedReports.reduce((a, b) => a + b, 0)).toBe(refused.length);
  });

  it('refuses a keep-alive client\'s requests over the one connection, and hands that connection over once the gateway takes connections in again', async () => {
    const { port } = await open();
    const answers = await runKeepAliveClient(port, () => {
      acceptor!.overloaded();
      blockFor(700);
    });
    // The first connection was handed over and waited out the block; the kept one's requests, sent meanwhile, were refused at once.
    expect(answers.map((a) => [a.name, a.status])).toEqual([['first', 200], ['refused', 503], ['split body', 503], ['after the block', 200]]);
    const [, refused, split, after] = answers;
    for (const answer of [refused, split]) {
      expect(answer.ms).toBeLessThan(REFUSED_WITHIN_MS);
      expect(answer).toMatchObject({ retryAfter: '1', connection: 'keep-alive' });
      expect(JSON.parse(answer.body).errors[0].extensions).toMatchObject({ code: 'OVERLOADED', requestId: answer.requestId });
    }
    // One connection for all three (the body sent in two parts was skipped whole), the last request answered by the server.
    expect(new Set([refused.localPort, split.localPort, after.localPort]).size).toBe(1);
    expect(after.body).toBe('ok /graphql?after');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(events.refusedReports.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('is started again on the same port when it dies', async () => {
    const { port, pid } = await open(0);
    process.kill(pid, 'SIGKILL');
    await expect.poll(() => events.restarts.length, { timeout: 10_000 }).toBe(1);
    expect(events.restarts[0]).toBeNull();
    expect(acceptor!.pid).not.toBe(pid);
    expect(await (await fetch(`http://127.0.0.1:${port}/again`)).text()).toBe('ok /again');
  });

  it('stops accepting when closed', async () => {
    const { port } = await open();
    await acceptor!.close();
    acceptor = undefined;
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve('connected'); });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('says why when it cannot listen', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    server = createServer();
    await expect(openAcceptor(server, { ...SETTINGS, port }, { refused: () => {}, restarted: () => {} }))
      .rejects.toMatchObject({ code: 'EADDRINUSE' });
    taken.close();
  });
});

describe('intake gauge', () => {
  it('hands over while none waits, whatever it learned before', () => {
    const gauge = new IntakeGauge(50, 1000, 600);
    gauge.handedOver(0);
    gauge.takenIn(400);
    expect(gauge.admits(401, true)).toBe(true);
  });

  it('refuses, while the gateway refuses requests, once it has gone half the max wait without taking one in; else once the burst wait is spent at the rate learned', () => {
    const gauge = new IntakeGauge(50, 1000, 600);
    gauge.handedOver(0);
    expect(gauge.admits(25, true)).toBe(true);
    expect(gauge.admits(26, true)).toBe(false);
    // Not refusing: a stall of the loop is not taken for its pace (nothing learned yet), unless it lasts the burst wait.
    expect(gauge.admits(1000, false)).toBe(true);
    expect(gauge.admits(1001, false)).toBe(false);
    gauge.takenIn(1100);
    expect(gauge.admits(1101, true)).toBe(true);
  });

  it('refuses when, at the rate connections are taken in, one more would wait past the max wait (while overloaded), or when the most that may wait do', () => {
    const gauge = new IntakeGauge(50, 1000, 600);
    // Taken in 10 ms apart: four waiting and one more is 50 ms, five and one more 60.
    for (let i = 0; i < 3; i++) gauge.handedOver(0);
    gauge.takenIn(10);
    gauge.takenIn(20);
    gauge.takenIn(30);
    for (let i = 0; i < 4; i++) gauge.handedOver(31);
    expect(gauge.admits(32, true)).toBe(true);
    gauge.handedOver(32);
    expect(gauge.waiting).toBe(5);
    expect(gauge.admits(33, true)).toBe(false);
    // Not overloaded: a burst is handed over however slowly the gateway takes it in, up to the most that may wait.
    for (let i = 0; i < 594; i++) gauge.handedOver(33);
    expect(gauge.admits(34, false)).toBe(true);
    gauge.handedOver(34);
    expect(gauge.waiting).toBe(600);
    expect(gauge.admits(35, false)).toBe(false);
  });

  it('counts the time since the gateway refusing requests last took one in as the gap, before it has learned one', () => {
    const gauge = new IntakeGauge(100, 1000, 600);
    gauge.handedOver(0);
    // At 20 ms with none taken in: four waiting and one more is 100 ms.
    for (let i = 0; i < 3; i++) gauge.handedOver(10);
    expect(gauge.admits(20, true)).toBe(true);
    gauge.handedOver(20);
    expect(gauge.admits(20, true)).toBe(false);
    expect(gauge.admits(20, false)).toBe(true);
  });

  it('hands over a burst at a gateway taking connections in quickly up to the most that may wait', () => {
    const gauge = new IntakeGauge(50, 1000, 600);
    gauge.handedOver(0);
    gauge.handedOver(0);
    gauge.takenIn(1);
    for (let i = 0; i < 598; i++) gauge.handedOver(2);
    expect(gauge.admits(2, false)).toBe(true);
    gauge.handedOver(2);
    expect(gauge.waiting).toBe(600);
    expect(gauge.admits(2, false)).toBe(false);
  });
});

describe('GATEWAY_ACCEPTOR', () => {
  const read = (value?: string) => readGatewayConfig(value === undefined ? {} : { GATEWAY_ACCEPTOR: value }, { supergraphPath: 'unused' }).acceptor;

  it('is on unless set to false, and refuses anything but true or false', () => {
    expect(read()).toBe(true);
    expect(read('')).toBe(true);
    expect(read('false')).toBe(false);
    expect(() => read('off')).toThrow('GATEWAY_ACCEPTOR must be true or false: off');
  });
});
