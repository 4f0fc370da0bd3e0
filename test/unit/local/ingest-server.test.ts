/** The local ingest server's routing and trace hook, with stand-in handlers (no engine). */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalFifoQueue } from '../../../shared/local/fifo-queue.js';
import { startIngestServer, type RunningIngestServer } from '../../../shared/local/ingest-server.js';
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
});
