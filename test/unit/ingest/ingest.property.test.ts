import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handleIngestRequest } from '../../../shared/events/ingest.js';
import { fakeDeps, post, WRITE_KEY } from './in-memory-ports.js';

const segmentishCall = fc.record(
  {
    type: fc.constantFrom('track', 'identify', 'page', 'screen', 'alias', 'group', 'bogus'),
    userId: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    anonymousId: fc.oneof(fc.string(), fc.constant(null)),
    messageId: fc.oneof(fc.string(), fc.integer()),
    event: fc.oneof(fc.constantFrom('Order Completed', 'Product Viewed'), fc.string()),
    timestamp: fc.oneof(
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
      fc.string(),
    ),
    properties: fc.oneof(
      fc.jsonValue(),
      fc.record({ revenue: fc.jsonValue(), products: fc.jsonValue(), order_id: fc.jsonValue() }),
    ),
    traits: fc.jsonValue(),
    context: fc.oneof(
      fc.jsonValue(),
      fc.record({ timezone: fc.string(), locale: fc.string(), device: fc.jsonValue() }),
    ),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  fc.string(),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc
    .record(
      { batch: fc.array(fc.oneof(segmentishCall, fc.jsonValue())), writeKey: fc.constantFrom(WRITE_KEY, 'nope') },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  segmentishCall.map((value) => JSON.stringify(value)),
);

describe('ingest on arbitrary input', () => {
  it('never throws and answers only 200, 400, 401 or 413', async () => {
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.constantFrom('/v1/batch', '/v1/track', '/v1/i', '/v1/alias'),
        fc.boolean(),
        async (text, path, withBasicAuth) => {
          // Prepare
          const { deps } = fakeDeps();
          const request = post(path, text, withBasicAuth ? {} : { headers: { 'content-type': 'text/plain' } });

          // Act
          const response = await handleIngestRequest(deps, request);

          // Assess
          expect([200, 400, 401, 413]).toContain(response.statusCode);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('accounts for every call of a parsed batch exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(segmentishCall, fc.jsonValue()), { maxLength: 30 }), async (batch) => {
        // Prepare
        const { deps, queue } = fakeDeps();

        // Act
        const response = await handleIngestRequest(deps, post('/v1/batch', { batch }));

        // Assess
        if (response.body === undefined || !('accepted' in response.body))
          throw new Error(`unexpected ${response.statusCode}`);
        expect(response.body.accepted + response.body.rejected.length).toBe(batch.length);
        expect(queue.messages).toHaveLength(response.body.accepted);
        expect(new Set(response.body.rejected.map((rejection) => rejection.index)).size).toBe(
          response.body.rejected.length,
        );
      }),
      { numRuns: 300 },
    );
  });
});
