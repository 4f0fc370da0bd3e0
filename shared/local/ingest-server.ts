/**
 * `sadakat serve`: the real ingest and process-events handlers behind a local HTTP server, so a
 * storefront or an unchanged Segment/RudderStack library can post events here. Processing runs
 * continuously in the background — a drain starts as soon as a request is accepted — and
 * `close()` stops accepting, drains every queue and returns.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { Clock } from '../ports.js';
import { apiGatewayEvent, structuredResult } from './api-gateway-event.js';
import { preciseNow } from './event-trace.js';
import { localLambdaContext } from './lambda-context.js';
import type { LocalFifoQueue } from './fifo-queue.js';
import type { SqsHandler } from './queue-driver.js';
import { QueuePump, settleAll } from './queue-pump.js';
import { writeKeyFromAuthorization, type WriteKeyVerifier } from '../events/write-key.js';

/** Bodies past this are refused without reading further (ingest's own limit is 500 KB). */
const MAX_BODY_BYTES = 512 * 1024;
/** Unsubscribe and confirmation pages post a one-field form. */
const MAX_PAGE_BODY_BYTES = 16 * 1024;

export interface IngestServerDeps {
  ingest: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
  processEvents: SqsHandler;
  queue: LocalFifoQueue;
  clock: Clock;
  /** How often the background loop looks for queued messages nobody kicked about. */
  pollMs?: number;
  /** Invocations of process-events in flight at once. */
  concurrency?: number;
  /** Other queues consumed beside events (sends); close settles them together. */
  consumers?: readonly QueuePump[];
  /** The unsubscribe handler, for the links in the emails sent (`GET|POST /u/{token}`). */
  unsubscribe?: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
  /** The confirm handler, for the double opt-in links (`GET|POST /c/{token}`). */
  confirm?: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
  /** Checks a Basic-auth key before the body is read (ingest checks it again, as in AWS). */
  writeKeys?: WriteKeyVerifier;
  /** The messageIds in each request that was read, with its arrival time (`serve --trace`). */
  onReceived?: (messageIds: readonly string[], at: number) => void;
}

export interface RunningIngestServer {
  port: number;
  /**
   * From now on every request is answered 503 with Retry-After (nothing more is accepted); the
   * requests already being answered finish. `close` starts with this.
   */
  stopAccepting(): void;
  /** Stops accepting, waits for the requests being answered, drains every queue, and stops listening. */
  close(): Promise<void>;
}

/** How long a connection still busy when serve stops listening may take to finish. */
const CLOSE_GRACE_MS = 2_000;

/** What a client is told while serve drains: try again after this many seconds (serve may be restarting). */
export const DRAINING_RETRY_AFTER_SECONDS = 5;

export async function startIngestServer(
  deps: IngestServerDeps,
  port: number,
  host = '127.0.0.1',
): Promise<RunningIngestServer> {
  const events = new QueuePump(deps.queue, deps.processEvents, {
    concurrency: deps.concurrency ?? 8,
    clock: deps.clock,
    ...(deps.pollMs ? { pollMs: deps.pollMs } : {}),
  });
  const pumps = [events, ...(deps.consumers ?? [])];
  let accepting = true;
  // Requests being answered: what they accept must be drained too.
  const answering = new Set<Promise<void>>();

  const server = createServer((request, response) => {
    if (!accepting) return draining(request, response);
    const answer: Promise<void> = handle(deps, request, response)
      .then((accepted) => {
        if (accepted) events.kick();
      })
      .catch((error: unknown) => {
        // Never echo internals to the client; the stack stays in the operator's terminal.
        process.stderr.write(`serve: ${error instanceof Error ? error.message : String(error)}\n`);
        if (!response.headersSent) respond(response, 500, { error: 'internal error' });
      })
      .finally(() => answering.delete(answer));
    answering.add(answer);
  });
  // Longer than clients keep idle sockets (Node's 5 s default loses races with a client reusing one:
  // ECONNRESET); 65 s is what load balancers in front of Node are usually given.
  server.keepAliveTimeout = 65_000;
  await listen(server, port, host);

  const stopAccepting = (): void => {
    accepting = false;
  };
  return {
    port: (server.address() as AddressInfo).port,
    stopAccepting,
    async close() {
      stopAccepting();
      // Everything a request accepted is on the queue once its answer is written.
      while (answering.size > 0) await Promise.all(answering);
      for (const pump of pumps) pump.stopPolling();
      await settleAll(pumps);
      // Keep-alive clients would hold close() open: idle sockets go now, so every answer written
      // reaches its client; a socket still busy (a client trickling a body into a 503) is cut
      // after a grace period.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await closed;
      clearTimeout(cut);
    },
  };
}

/** While serve drains: nothing is read or accepted; the client is told when to try again. */
function draining(request: IncomingMessage, response: ServerResponse): void {
  request.resume();
  response.writeHead(503, {
    'content-type': 'application/json',
    'retry-after': String(DRAINING_RETRY_AFTER_SECONDS),
    connection: 'close',
  });
  response.end(JSON.stringify({ error: 'serve is stopping: nothing more is accepted; retry later' }));
}

/** Answers one request; true when events were accepted (so processing should start). */
async function handle(deps: IngestServerDeps, request: IncomingMessage, response: ServerResponse): Promise<boolean> {
  const arrivedAt = preciseNow();
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const linkPage = path.startsWith('/u/')
    ? { handler: deps.unsubscribe, name: 'unsubscribe' }
    : path.startsWith('/c/')
      ? { handler: deps.confirm, name: 'confirm' }
      : undefined;
  const pageHandler = linkPage?.handler;
  const isLinkPage = pageHandler !== undefined;
  const limit = isLinkPage ? MAX_PAGE_BODY_BYTES : MAX_BODY_BYTES;
  // Refused before a byte of the body is read: an unauthenticated or oversize request costs nothing.
  if (Number(request.headers['content-length'] ?? 0) > limit) return refuse(request, response, 413, TOO_LARGE);
  if (!isLinkPage && !(await authorizationAcceptable(deps, request.headers.authorization)))
    return refuse(request, response, 401, 'invalid write key');
  const body = await readBody(request, limit);
  if (body === undefined) return refuse(request, response, 413, TOO_LARGE);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
  // As a load balancer in front of it would say: this server speaks plain HTTP (analytics.js settings use it).
  headers['x-forwarded-proto'] ??= 'http';
  // A content-coded body is binary: it reaches the handler base64-encoded, as API Gateway passes it.
  const binary = headers['content-encoding'] !== undefined;
  const event = apiGatewayEvent({
    method: request.method ?? 'GET',
    path,
    headers,
    body: body.toString(binary ? 'base64' : 'utf8'),
    isBase64Encoded: binary,
    sourceIp: request.socket.remoteAddress,
    at: deps.clock.now(),
  });
  if (!isLinkPage && !binary && deps.onReceived) deps.onReceived(messageIdsIn(body.toString('utf8')), arrivedAt);
  const result = structuredResult(
    pageHandler && linkPage
      ? await pageHandler(event, localLambdaContext(linkPage.name))
      : await deps.ingest(event, localLambdaContext('ingest')),
  );
  const status = result.statusCode ?? 200;
  response.writeHead(status, { 'content-type': 'application/json', ...stringHeaders(result.headers) });
  response.end(result.body ?? '');
  return status === 200 && request.method === 'POST';
}

const TOO_LARGE = 'body larger than 500 KB';

/** A Basic-auth key, when there is one, must be ours; without one the body may carry it (ingest decides). */
async function authorizationAcceptable(deps: IngestServerDeps, authorization: string | undefined): Promise<boolean> {
  if (!deps.writeKeys) return true;
  const fromHeader = writeKeyFromAuthorization(authorization);
  if (fromHeader.kind === 'absent') return true;
  return fromHeader.kind === 'key' && (await deps.writeKeys.verify(fromHeader.key)) !== undefined;
}

/**
 * Answers without reading the rest of the body, then closes the connection: the client may still
 * be sending, and nothing it sends after this is read.
 */
function refuse(request: IncomingMessage, response: ServerResponse, status: 401 | 413, error: string): false {
  request.pause();
  response.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
  response.end(JSON.stringify({ error }), () => {
    request.socket.end();
    // Give the answer time to reach a client that is still writing, then drop the connection.
    setTimeout(() => request.socket.destroy(), 1000).unref();
  });
  return false;
}

/** The client's messageIds in a Segment body (a batch or a single call); none if it does not parse. */
function messageIdsIn(body: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  const calls: unknown[] = isRecord(parsed) && Array.isArray(parsed.batch) ? parsed.batch : [parsed];
  return calls.flatMap((call) => (isRecord(call) && typeof call.messageId === 'string' ? [call.messageId] : []));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The body, or undefined as soon as it passes `limit` bytes (the rest is never read). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      request.off('data', onData);
      resolve(undefined);
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function respond(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function stringHeaders(headers: Record<string, string | number | boolean> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}
