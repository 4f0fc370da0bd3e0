/**
 * `sadakat serve`: the real ingest and process-events handlers behind a local HTTP server, so a
 * storefront or an unchanged Segment/RudderStack library can post events here. Processing runs
 * continuously in the background; `close()` stops accepting, drains the queue and returns.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Clock } from '../ports.js';
import { apiGatewayEvent, structuredResult } from './api-gateway-event.js';
import { localLambdaContext } from './lambda-context.js';
import { drainQueue } from './queue-driver.js';
import type { LocalFifoQueue } from './fifo-queue.js';

/** Bodies past this are refused without reading further (ingest's own limit is 500 KB). */
const MAX_BODY_BYTES = 512 * 1024 + 1;

export interface IngestServerDeps {
  ingest: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
  processEvents: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  queue: LocalFifoQueue;
  clock: Clock;
  /** How often the background loop looks for queued messages. */
  pollMs?: number;
}

export interface RunningIngestServer {
  port: number;
  close(): Promise<void>;
}

export async function startIngestServer(deps: IngestServerDeps, port: number, host = '127.0.0.1'): Promise<RunningIngestServer> {
  let draining: Promise<unknown> = Promise.resolve();
  const drain = (): Promise<unknown> => {
    draining = draining.then(() => drainQueue(deps.queue, deps.processEvents, { concurrency: 8, clock: deps.clock }));
    return draining;
  };
  const poll = setInterval(() => void drain(), deps.pollMs ?? 200);

  const server = createServer((request, response) => {
    void handle(deps, request, response).catch((error: unknown) => {
      // Never echo internals to the client; the stack stays in the operator's terminal.
      process.stderr.write(`serve: ${error instanceof Error ? error.message : String(error)}\n`);
      if (!response.headersSent) respond(response, 500, { error: 'internal error' });
    });
  });
  await listen(server, port, host);

  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      clearInterval(poll);
      await drain();
    },
  };
}

async function handle(deps: IngestServerDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readBody(request);
  if (body === undefined) return respond(response, 413, { error: 'body larger than 500 KB' });
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
  const result = structuredResult(
    await deps.ingest(apiGatewayEvent({ method: request.method ?? 'GET', path, headers, body, sourceIp: request.socket.remoteAddress, at: deps.clock.now() }), localLambdaContext('ingest')),
  );
  response.writeHead(result.statusCode ?? 200, { 'content-type': 'application/json', ...stringHeaders(result.headers) });
  response.end(result.body ?? '');
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
