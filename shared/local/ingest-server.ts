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

/** Bodies past this are refused without reading further (ingest's own limit is 500 KB). */
const MAX_BODY_BYTES = 512 * 1024 + 1;

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
  /** The messageIds in each request that was read, with its arrival time (`serve --trace`). */
  onReceived?: (messageIds: readonly string[], at: number) => void;
}

export interface RunningIngestServer {
  port: number;
  close(): Promise<void>;
}

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

  const server = createServer((request, response) => {
    void handle(deps, request, response)
      .then((accepted) => {
        if (accepted) events.kick();
      })
      .catch((error: unknown) => {
        // Never echo internals to the client; the stack stays in the operator's terminal.
        process.stderr.write(`serve: ${error instanceof Error ? error.message : String(error)}\n`);
        if (!response.headersSent) respond(response, 500, { error: 'internal error' });
      });
  });
  // Longer than clients keep idle sockets (Node's 5 s default loses races with a client reusing one:
  // ECONNRESET); 65 s is what load balancers in front of Node are usually given.
  server.keepAliveTimeout = 65_000;
  await listen(server, port, host);

  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      // Keep-alive clients would hold close() open; idle sockets go now, busy ones after their answer.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      for (const pump of pumps) pump.stopPolling();
      await settleAll(pumps);
    },
  };
}

/** Answers one request; true when events were accepted (so processing should start). */
async function handle(deps: IngestServerDeps, request: IncomingMessage, response: ServerResponse): Promise<boolean> {
  const arrivedAt = preciseNow();
  const body = await readBody(request);
  if (body === undefined) {
    respond(response, 413, { error: 'body larger than 500 KB' });
    return false;
  }
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
  const event = apiGatewayEvent({
    method: request.method ?? 'GET',
    path,
    headers,
    body,
    sourceIp: request.socket.remoteAddress,
    at: deps.clock.now(),
  });
  const unsubscribe = path.startsWith('/u/') ? deps.unsubscribe : undefined;
  if (!unsubscribe && deps.onReceived) deps.onReceived(messageIdsIn(body), arrivedAt);
  const result = structuredResult(
    unsubscribe
      ? await unsubscribe(event, localLambdaContext('unsubscribe'))
      : await deps.ingest(event, localLambdaContext('ingest')),
  );
  const status = result.statusCode ?? 200;
  response.writeHead(status, { 'content-type': 'application/json', ...stringHeaders(result.headers) });
  response.end(result.body ?? '');
  return status === 200;
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

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
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
