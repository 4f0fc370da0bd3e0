/**
 * `serve --trace` writes a line for every processed event, also for events whose client sent no
 * messageId (issue 18, finding 6: the README's own curl example has none).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceLine } from '../../shared/local/event-trace.js';
import { startServe } from '../../shared/local/serve-runtime.js';

const WRITE_KEY = 'trace-test-key';

describe('serve --trace', () => {
  it('traces events with and without a client messageId', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'sadakat-trace-'));
    const lines: TraceLine[] = [];
    const serve = await startServe({
      dataDir,
      engine: 'dynalite',
      campaignDir: 'campaign',
      writeKey: WRITE_KEY,
      port: 0,
      journeys: false,
      trace: (line) => lines.push(line),
    });
    try {
      // Act
      const response = await fetch(`http://127.0.0.1:${serve.port}/v1/batch`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          batch: [
            { type: 'identify', userId: 'u-1', traits: { email: 'u1@example.com' } },
            { type: 'track', userId: 'u-2', event: 'Product Viewed', messageId: 'client-id-1' },
          ],
        }),
      });
      expect(await response.json()).toMatchObject({ accepted: 2 });
    } finally {
      await serve.close();
      await rm(dataDir, { recursive: true, force: true });
    }

    // Assess
    expect(lines).toHaveLength(2);
    expect(lines.map((line) => line.messageId)).toContain('client-id-1');
    for (const line of lines) {
      expect(line.decision).toBe('none');
      expect(line.profileAt).toBeGreaterThanOrEqual(line.receivedAt);
    }
  }, 60_000);
});
