/**
 * `sadakat serve`'s server: real HTTP on loopback into the real handlers on dynalite, and a
 * close that drains what was accepted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCampaign } from '../../shared/config/campaign.js';
import { startIngestServer, type RunningIngestServer } from '../../shared/local/ingest-server.js';
import { buildLocalHandlers } from '../../shared/local/local-handlers.js';
import { startLocalRuntime, type LocalRuntime } from '../../shared/local/runtime.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';

const WRITE_KEY = 'serve-test-key';
const basic = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
/** The server's own clock, fixed inside the example campaign's quiet hours: nothing here depends on the hour. */
const clock = new VirtualClock(new Date('2026-12-07T22:57:00.000Z'));

describe('ingest server', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let server: RunningIngestServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-serve-'));
    runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock, fresh: true });
    const { ingest, processEvents } = buildLocalHandlers(runtime, {
      campaign: await loadCampaign('campaign'),
      writeKeys: [WRITE_KEY],
      journeys: null,
    });
    // A slow poll: the test relies on close() to drain, not on the background loop.
    server = await startIngestServer({ ingest, processEvents, queue: runtime.eventsQueue, clock, pollMs: 60_000 }, 0);
  });

  afterAll(async () => {
    await runtime?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('accepts a Segment batch over HTTP, refuses a wrong key, and has processed everything once closed', async () => {
    // Prepare
    const url = `http://127.0.0.1:${server.port}`;
    const batch = {
      batch: [
        {
          type: 'identify',
          userId: 'http-1',
          traits: { email: 'http1@example.com' },
          timestamp: clock.now().toISOString(),
        },
        {
          type: 'track',
          userId: 'http-1',
          event: 'Order Completed',
          properties: { order_id: 'h-1', revenue: 12.5 },
          timestamp: clock.now().toISOString(),
        },
      ],
    };

    // Act
    const accepted = await fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    });
    const refused = await fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('wrong:').toString('base64')}` },
      body: JSON.stringify(batch),
    });
    // analytics.js style: text/plain JSON with the key in the body
    const plain = await fetch(`${url}/v1/t`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({
        writeKey: WRITE_KEY,
        userId: 'http-2',
        event: 'Product Viewed',
        properties: { product_id: 'p' },
      }),
    });
    await server.close();

    // Assess
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ accepted: 2, rejected: [] });
    expect(refused.status).toBe(401);
    expect(plain.status).toBe(200);
    expect((await runtime.profiles.getProfile('http-1'))?.orders).toMatchObject({ count: 1, revenue: 12.5 });
    expect((await runtime.profiles.getProfile('http-2'))?.events['Product Viewed']?.count).toBe(1);
    expect(runtime.eventsQueue.depth).toBe(0);
  });
});
