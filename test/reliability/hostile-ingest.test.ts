/**
 * Hostile input to ingest (issue 10, "Hostile input"): adversarial requests through the real
 * Lambda handler (functions/ingest.ts) with in-memory ports. Whatever arrives, the answer is a
 * 2xx/4xx with a JSON body — never a 5xx, a throw, a polluted prototype or the write key echoed.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildHandler } from '../../functions/ingest.js';
import { apiGatewayEvent } from '../../shared/local/api-gateway-event.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import { SEGMENT_LIMITS } from '../../shared/events/segment-api.js';
import { basicAuth, fakeDeps, NOW, WRITE_KEY } from '../unit/ingest/in-memory-ports.js';
import { fuzzRuns } from './fuzz-runs.js';

const RUNS = fuzzRuns();
/** The classified properties check exact answers; a fifth of the budget each keeps CI fast. */
const CLASSIFIED_RUNS = Math.max(1, Math.floor(RUNS / 5));

const silent = new Logger({ serviceName: 'ingest-hostile', logLevel: 'SILENT' });

interface Sent {
  path: string;
  body: string;
  base64?: boolean;
  auth?: 'header' | 'none' | 'wrong' | 'malformed';
}

async function send(request: Sent) {
  const fakes = fakeDeps();
  const handler = buildHandler({ ...fakes.deps, logger: silent });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (request.auth === 'header' || request.auth === undefined) headers.authorization = basicAuth(WRITE_KEY);
  if (request.auth === 'wrong') headers.authorization = basicAuth('not-the-key');
  if (request.auth === 'malformed') headers.authorization = 'Basic %%%';
  const event = {
    ...apiGatewayEvent({ method: 'POST', path: request.path, headers, body: request.body, at: NOW }),
    isBase64Encoded: request.base64 ?? false,
  };
  const result = await handler(event, localLambdaContext('ingest'));
  const text = String(result.body);
  return {
    statusCode: result.statusCode ?? 200,
    text,
    json: JSON.parse(text) as Record<string, unknown>,
    queue: fakes.queue,
  };
}

// ---- generators -------------------------------------------------------------------------------

const dangerousKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf');
const anyKey = fc.oneof(dangerousKey, fc.string({ maxLength: 12 }));

/** JSON text with prototype-pollution keys written literally (JSON.stringify would hide __proto__). */
const pollutingJson: fc.Arbitrary<string> = fc
  .tuple(
    dangerousKey,
    fc.constantFrom('{"polluted":true}', '{"constructor":{"prototype":{"polluted":true}}}', '"x"', '[1]'),
  )
  .chain(([key, value]) =>
    fc.constantFrom(
      `{"${key}":${value}}`,
      `{"batch":[{"type":"track","userId":"u","event":"E","${key}":${value},"properties":{"${key}":${value}}}],"${key}":${value}}`,
      `{"type":"identify","userId":"u","traits":{"${key}":${value}},"context":{"${key}":${value}}}`,
      `{"batch":[${value}],"context":{"${key}":${value}}}`,
    ),
  );

const deepNesting = fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.constantFrom('[', '{"a":')).map(([depth, open]) => {
  const close = open === '[' ? ']' : '}';
  return `{"batch":[{"type":"track","userId":"u","event":"E","properties":{"p":${open.repeat(depth)}1${close.repeat(depth)}}}]}`;
});

const hugeString = fc
  .tuple(fc.integer({ min: 1, max: 400_000 }), fc.constantFrom('userId', 'event', 'messageId', 'anonymousId'))
  .map(([length, field]) =>
    JSON.stringify({ batch: [{ type: 'track', userId: 'u', event: 'E', [field]: 'x'.repeat(length) }] }),
  );

const extremeTimestamp = fc.oneof(
  fc.constantFrom(
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '+275760-09-13T00:00:00Z',
    '1970-01-01',
    '2026-13-40',
    'NaN',
    '',
    'now',
  ),
  fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => new Date(ms).toISOString()),
  fc.double(),
);

const wrongTypeValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant(null),
  fc.double(),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
);

const hostileCall = fc.record(
  {
    type: fc.oneof(
      fc.constantFrom('track', 'identify', 'page', 'screen', 'alias', 'group', 'bogus', '__proto__'),
      wrongTypeValue,
    ),
    userId: fc.oneof(fc.string(), fc.integer(), wrongTypeValue, fc.constant('anon:impostor')),
    anonymousId: fc.oneof(fc.string(), wrongTypeValue),
    previousId: fc.oneof(fc.string(), wrongTypeValue),
    groupId: fc.oneof(fc.string(), wrongTypeValue),
    messageId: fc.oneof(fc.string(), wrongTypeValue),
    event: fc.oneof(
      fc.constantFrom('Order Completed', 'Product Viewed', 'Definitely Not A Known Event', ''),
      fc.string(),
      wrongTypeValue,
    ),
    timestamp: extremeTimestamp,
    sentAt: extremeTimestamp,
    properties: fc.oneof(
      wrongTypeValue,
      fc.dictionary(anyKey, wrongTypeValue, { maxKeys: 4 }),
      fc.record({ order_id: wrongTypeValue, revenue: wrongTypeValue, products: wrongTypeValue }),
    ),
    traits: fc.oneof(wrongTypeValue, fc.dictionary(anyKey, wrongTypeValue, { maxKeys: 4 })),
    context: fc.oneof(
      wrongTypeValue,
      fc.record({ timezone: fc.string(), locale: fc.string(), device: wrongTypeValue }, { requiredKeys: [] }),
    ),
    writeKey: fc.oneof(fc.constant(WRITE_KEY), fc.string()),
  },
  { requiredKeys: [] },
);

const hostileBody: fc.Arbitrary<Omit<Sent, 'path'>> = fc.oneof(
  fc.string({ maxLength: 200 }).map((body) => ({ body })),
  fc.jsonValue({ maxDepth: 4 }).map((value) => ({ body: JSON.stringify(value) })),
  hostileCall.map((call) => ({ body: JSON.stringify(call) })),
  fc
    .array(fc.oneof(hostileCall, wrongTypeValue), { maxLength: 20 })
    .map((batch) => ({ body: JSON.stringify({ batch, writeKey: WRITE_KEY }) })),
  pollutingJson.map((body) => ({ body })),
  deepNesting.map((body) => ({ body })),
  hugeString.map((body) => ({ body })),
  // Invalid UTF-8 (lone continuation bytes, overlongs, surrogates) as API Gateway's base64 bodies.
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ body: Buffer.from(bytes).toString('base64'), base64: true })),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => ({
    body: Buffer.concat([
      Buffer.from('{"batch":[{"type":"track","userId":"'),
      Buffer.from(bytes),
      Buffer.from('","event":"E"}]}'),
    ]).toString('base64'),
    base64: true,
  })),
  fc
    .integer({ min: SEGMENT_LIMITS.bodyBytes + 1, max: SEGMENT_LIMITS.bodyBytes + 4096 })
    .map((size) => ({ body: `{"batch":[],"pad":"${'y'.repeat(size)}"}` })),
);

const hostileRequest: fc.Arbitrary<Sent> = fc
  .tuple(
    hostileBody,
    fc.constantFrom('/v1/batch', '/v1/b', '/v1/track', '/v1/identify', '/v1/alias', '/v1/group', '/v1/page'),
    fc.constantFrom('header', 'none', 'wrong', 'malformed'),
  )
  .map(([body, path, auth]) => ({ ...body, path, auth: auth as Sent['auth'] }));

// ---- properties -------------------------------------------------------------------------------

describe('ingest under hostile input', { timeout: 240_000 }, () => {
  it(`answers every hostile request with 200, 400, 401 or 413, never leaks the key and never pollutes Object.prototype (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(hostileRequest, async (request) => {
        // Act
        const response = await send(request);

        // Assess
        expect([200, 400, 401, 413]).toContain(response.statusCode);
        expect(response.text).not.toContain(WRITE_KEY);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype).not.toHaveProperty('polluted');
      }),
      { numRuns: RUNS },
    );
  });

  it('answers 413 to any body over 500 KB, whatever it holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 64 * 1024 }),
        fc.constantFrom('{', 'x', '['),
        fc.constantFrom<Sent['auth']>('header', 'none'),
        async (excess, fill, auth) => {
          // Prepare
          const body = fill.repeat(SEGMENT_LIMITS.bodyBytes + excess);

          // Act
          const response = await send({ path: '/v1/batch', body, auth });

          // Assess
          expect(response.statusCode).toBe(413);
        },
      ),
      { numRuns: Math.min(CLASSIFIED_RUNS, 500) },
    );
  });

  it('answers 401 to any body without a write key in the header or the body', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileBody.filter(
          (sent) => !sent.body.includes('writeKey') && !sent.base64 && sent.body.length <= SEGMENT_LIMITS.bodyBytes,
        ),
        async (sent) => {
          // Act
          const response = await send({ ...sent, path: '/v1/batch', auth: 'none' });

          // Assess
          expect(response.statusCode).toBe(401);
        },
      ),
      { numRuns: CLASSIFIED_RUNS },
    );
  });

  it('answers 400 to any authorised body that is not JSON', async () => {
    const notJson = fc.oneof(
      fc.string({ maxLength: 200 }).filter((text) => !isJson(text)),
      fc
        .uint8Array({ minLength: 1, maxLength: 200 })
        .map((bytes) => Buffer.from(bytes).toString('utf8'))
        .filter((text) => !isJson(text)),
    );
    await fc.assert(
      fc.asyncProperty(notJson, fc.constantFrom('/v1/batch', '/v1/track'), async (body, path) => {
        // Act
        const response = await send({ path, body });

        // Assess
        expect(response.statusCode).toBe(400);
        expect(response.json.error).toEqual(expect.any(String));
      }),
      { numRuns: CLASSIFIED_RUNS },
    );
  });

  it('answers 200 to a mixed batch, names every bad call by index and queues every good one', async () => {
    const good = fc.record({
      userId: fc.string({ minLength: 1, maxLength: 40 }).filter((id) => id.trim() !== '' && !id.startsWith('anon:')),
      event: fc.oneof(
        fc.constantFrom('Product Viewed', 'Some Event Nobody Configured'),
        fc.string({ minLength: 1, maxLength: 30 }).filter((name) => name.trim() !== ''),
      ),
      timestamp: fc
        .date({ min: new Date('2001-01-01T00:00:00Z'), max: NOW, noInvalidDate: true })
        .map((date) => date.toISOString()),
    });
    const bad = fc.oneof(
      fc.constant({ type: 'track', event: 'No Ids' }),
      fc.constant({ type: 'bogus', userId: 'u', event: 'E' }),
      fc.constant({ type: 'track', userId: { nested: true }, event: 'E' }),
      fc.constant({ type: 'track', userId: 'u', event: 'E', timestamp: '9999-12-31T00:00:00Z' }),
      fc.constant({ type: 'track', userId: 'u', event: 'E', timestamp: '1900-01-01T00:00:00Z' }),
      fc.constant({ type: 'track', userId: 'u', event: 'E', timestamp: 'yesterday' }),
      fc.constant({ type: 'track', userId: 'u' }),
      fc.constant({ type: 'track', userId: 'u', event: 'Order Completed', properties: { order_id: 'o', revenue: -5 } }),
      fc.constant({ type: 'track', userId: 'x'.repeat(SEGMENT_LIMITS.idLength + 1), event: 'E' }),
      fc.constant({
        type: 'track',
        userId: 'u',
        event: 'E',
        properties: { big: 'z'.repeat(SEGMENT_LIMITS.eventBytes) },
      }),
      fc.constant(42),
      fc.constant(null),
      fc.constant('a string'),
    );
    const mixed = fc.array(
      fc.oneof(
        good.map((call) => ({ good: true as const, call })),
        bad.map((call) => ({ good: false as const, call })),
      ),
      { minLength: 1, maxLength: 25 },
    );

    await fc.assert(
      fc.asyncProperty(mixed, async (calls) => {
        // Prepare
        const batch = calls.map(({ good: isGood, call }, index) =>
          isGood ? { type: 'track', messageId: `m-${index}`, ...call } : call,
        );

        // Act
        const response = await send({ path: '/v1/batch', body: JSON.stringify({ batch }) });

        // Assess
        const badIndexes = calls.flatMap(({ good: isGood }, index) => (isGood ? [] : [index]));
        const goodIds = calls.flatMap(({ good: isGood }, index) => (isGood ? [`m-${index}`] : []));
        expect(response.statusCode).toBe(200);
        expect(response.json.accepted).toBe(goodIds.length);
        expect((response.json.rejected as { index: number }[]).map((rejection) => rejection.index)).toEqual(badIndexes);
        expect(
          response.queue.messages.map((message) => (message.kind === 'event' ? message.event.messageId : '')),
        ).toEqual(goodIds);
      }),
      { numRuns: CLASSIFIED_RUNS },
    );
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
