/** The local ingest server's routing and trace hook, with stand-in handlers (no engine). */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalFifoQueue } from '../../../shared/local/fifo-queue.js';
import {
  DRAINING_RETRY_AFTER_SECONDS,
  startIngestServer,
  type RunningIngestServer,
} from '../../../shared/local/ingest-server.js';
import { VirtualClock } from '../../../shared/local/virtual-clock.js';

describe('ingest server', () => {
  let server: RunningIngestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  function start(seen: { handler: string; path: string }[], received: string[][]) {
    // The server's own clock, fixed: nothing here depends on the hour.
    const clock = new VirtualClock(new Date('2026-12-07T22:57:00.000Z'));
    const record = (handler: string) => async (event: APIGatewayProxyEventV2) => {
      seen.push({ handler, path: event.rawPath });
      return {
        statusCode: 200,
        headers: { 'content-type': handler === 'unsubscribe' ? 'text/html; charset=utf-8' : 'application/json' },
        body: handler === 'unsubscribe' ? '<p>done</p>' : '{"accepted":2,"rejected":[]}',
      };
    };
    return startIngestServer(
      {
        ingest: record('ingest'),
        unsubscribe: record('unsubscribe'),
        processEvents: async () => ({ batchItemFailures: [] }),
        queue: new LocalFifoQueue({ name: 'events.fifo', clock }),
        clock,
        onReceived: (messageIds) => void received.push([...messageIds]),
      },
      0,
    );
  }

  it('hands /u/{token} to the unsubscribe handler and everything else to ingest', async () => {
    // Prepare
    const seen: { handler: string; path: string }[] = [];
    server = await start(seen, []);
    const url = `http://127.0.0.1:${server.port}`;

    // Act
    const page = await fetch(`${url}/u/some-token`);
    await fetch(`${url}/v1/batch`, { method: 'POST', body: '{"batch":[]}' });

    // Assess
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(seen).toEqual([
      { handler: 'unsubscribe', path: '/u/some-token' },
      { handler: 'ingest', path: '/v1/batch' },
    ]);
  });

  it("reports the messageIds of each posted body to the trace hook, a batch's and a single call's", async () => {
    // Prepare
    const received: string[][] = [];
    server = await start([], received);
    const url = `http://127.0.0.1:${server.port}`;

    // Act
    await fetch(`${url}/v1/batch`, {
      method: 'POST',
      body: JSON.stringify({ batch: [{ messageId: 'a' }, { messageId: 'b' }, { userId: 'no-id' }] }),
    });
    await fetch(`${url}/v1/track`, { method: 'POST', body: JSON.stringify({ messageId: 'c' }) });
    await fetch(`${url}/v1/track`, { method: 'POST', body: 'not json' });

    // Assess
    expect(received).toEqual([['a', 'b'], ['c'], []]);
  });

  it('while closing: answers new requests 503 with Retry-After, finishes the one being answered, and drains what it accepted', async () => {
    // Prepare: ingest holds its request until released, then queues one event, as the real one does.
    const clock = new VirtualClock(new Date('2026-12-07T22:57:00.000Z'));
    const queue = new LocalFifoQueue({ name: 'events.fifo', clock });
    const processed: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((done) => {
      release = done;
    });
    let ingesting: () => void = () => undefined;
    const arrived = new Promise<void>((done) => {
      ingesting = done;
    });
    server = await startIngestServer(
      {
        ingest: async () => {
          ingesting();
          await held;
          queue.send({ body: '{}', groupId: 'c-1', deduplicationId: 'd-1' });
          return { statusCode: 200, body: '{"accepted":1,"rejected":[]}' };
        },
        processEvents: async (event) => {
          for (const record of event.Records) processed.push(record.messageId);
          return { batchItemFailures: [] };
        },
        queue,
        clock,
        pollMs: 60_000,
      },
      0,
    );
    const url = `http://127.0.0.1:${server.port}/v1/batch`;
    const first = fetch(url, { method: 'POST', body: '{"batch":[]}' });
    await arrived;

    // Act
    const closed = server.close();
    const late = await fetch(url, { method: 'POST', body: '{"batch":[]}' });
    const drainedEarly = processed.length;
    release();
    const answered = await first;
    await closed;

    // Assess
    expect(late.status).toBe(503);
    expect(late.headers.get('retry-after')).toBe(String(DRAINING_RETRY_AFTER_SECONDS));
    expect(answered.status).toBe(200);
    expect(drainedEarly).toBe(0);
    expect(processed).toHaveLength(1);
    expect(queue.depth + queue.inFlight).toBe(0);
  });
});
