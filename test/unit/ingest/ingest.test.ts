import { describe, expect, it } from 'vitest';
import { handleIngestRequest } from '../../../shared/events/ingest.js';
import { basicAuth, fakeDeps, NOW, post, track, WRITE_KEY } from './in-memory-ports.js';

const noAuth = { headers: { 'content-type': 'application/json' } };

describe('ingest responses', () => {
  it('answers 200 with the count of accepted calls', async () => {
    // Prepare
    const { deps } = fakeDeps();

    // Act
    const response = await handleIngestRequest(deps, post('/v1/batch', { batch: [track(), track({ userId: 'u2' })] }));

    // Assess
    expect(response).toEqual({ statusCode: 200, body: { accepted: 2, rejected: [] } });
  });

  it('answers 200 with a rejection at index 0 for a bad single call', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    const response = await handleIngestRequest(deps, post('/v1/track', { messageId: 'm1', userId: 'u1' }));

    // Assess
    expect(response).toEqual({
      statusCode: 200,
      body: {
        accepted: 0,
        rejected: [
          { index: 0, messageId: 'm1', field: 'event', reason: 'is required for track (a non-empty event name)' },
        ],
      },
    });
    expect(queue.calls).toEqual([]);
  });

  it('answers 400 when the body is not JSON', async () => {
    // Act
    const response = await handleIngestRequest(fakeDeps().deps, post('/v1/batch', '{"batch": ['));

    // Assess
    expect(response).toEqual({ statusCode: 400, body: { error: 'body is not valid JSON' } });
  });

  it('answers 400 when the body is JSON but not an object', async () => {
    // Act
    const response = await handleIngestRequest(fakeDeps().deps, post('/v1/batch', [track()]));

    // Assess
    expect(response).toEqual({ statusCode: 400, body: { error: 'body must be a JSON object' } });
  });

  it('answers 400 when batch is not an array', async () => {
    // Act
    const response = await handleIngestRequest(fakeDeps().deps, post('/v1/batch', { batch: track() }));

    // Assess
    expect(response).toEqual({ statusCode: 400, body: { error: 'batch must be an array of calls' } });
  });

  it('answers 400 when batch is missing', async () => {
    // Act
    const response = await handleIngestRequest(fakeDeps().deps, post('/v1/batch', track()));

    // Assess
    expect(response.statusCode).toBe(400);
  });

  it('answers 400 for a batch of more than 1000 calls', async () => {
    // Act
    const response = await handleIngestRequest(
      fakeDeps().deps,
      post('/v1/batch', { batch: Array.from({ length: 1001 }, () => ({})) }),
    );

    // Assess
    expect(response).toEqual({
      statusCode: 400,
      body: { error: 'batch has 1001 calls; send at most 1000 per request' },
    });
  });

  it('answers 400 for a body nested absurdly deep', async () => {
    // Act
    const response = await handleIngestRequest(
      fakeDeps().deps,
      post('/v1/track', `{"properties":${'['.repeat(10_000)}${']'.repeat(10_000)}}`),
    );

    // Assess
    expect(response).toEqual({ statusCode: 400, body: { error: 'body is nested too deeply' } });
  });

  it('answers 401 without any write key', async () => {
    // Act
    const response = await handleIngestRequest(fakeDeps().deps, post('/v1/track', track(), noAuth));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.body).toEqual({ error: expect.stringContaining('missing write key') });
  });

  it('answers 401 for a wrong key in Basic auth', async () => {
    // Act
    const response = await handleIngestRequest(
      fakeDeps().deps,
      post('/v1/track', track(), { headers: { authorization: basicAuth('wk_wrong') } }),
    );

    // Assess
    expect(response).toEqual({ statusCode: 401, body: { error: 'invalid write key' } });
  });

  it('answers 401 for a wrong writeKey in the body', async () => {
    // Act
    const response = await handleIngestRequest(
      fakeDeps().deps,
      post('/v1/track', { ...track(), writeKey: 'wk_wrong' }, noAuth),
    );

    // Assess
    expect(response).toEqual({ statusCode: 401, body: { error: 'invalid write key' } });
  });

  it('answers 401 for an Authorization header that is not Basic', async () => {
    // Act
    const response = await handleIngestRequest(
      fakeDeps().deps,
      post('/v1/track', track(), { headers: { authorization: `Bearer ${WRITE_KEY}` } }),
    );

    // Assess
    expect(response.statusCode).toBe(401);
  });

  it('answers 401, not 400, for a body that is not JSON and no Basic auth', async () => {
    // Act
    const response = await handleIngestRequest(fakeDeps().deps, post('/v1/batch', 'not json', noAuth));

    // Assess
    expect(response.statusCode).toBe(401);
  });

  it('answers 404 JSON for an unknown route', async () => {
    // Act
    const response = await handleIngestRequest(fakeDeps().deps, post('/v1/purchase', track()));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toEqual({ error: expect.stringContaining('no route POST /v1/purchase') });
  });

  it('answers 404 for a known path with a method other than POST', async () => {
    // Act
    const response = await handleIngestRequest(fakeDeps().deps, { ...post('/v1/batch', {}), method: 'GET' });

    // Assess
    expect(response.statusCode).toBe(404);
  });

  it('answers 413 for a body over 500 KB', async () => {
    // Prepare
    const body = JSON.stringify({ batch: [track({ properties: { pad: 'x'.repeat(500 * 1024) } })] });

    // Act
    const response = await handleIngestRequest(fakeDeps().deps, post('/v1/batch', body));

    // Assess
    expect(response).toEqual({ statusCode: 413, body: { error: 'body is larger than 500 KB; send smaller batches' } });
  });

  it('accepts a body of exactly 500 KB', async () => {
    // Prepare
    const base = JSON.stringify({ batch: [track()], pad: '' });
    const body = JSON.stringify({ batch: [track()], pad: 'x'.repeat(500 * 1024 - base.length) });

    // Act
    const response = await handleIngestRequest(fakeDeps().deps, post('/v1/batch', body));

    // Assess
    expect(Buffer.byteLength(body)).toBe(500 * 1024);
    expect(response.statusCode).toBe(200);
  });

  it('rejects one call over 32 KB in a 200 instead of answering 413', async () => {
    // Act
    const response = await handleIngestRequest(
      fakeDeps().deps,
      post('/v1/batch', { batch: [track(), track({ properties: { pad: 'x'.repeat(33 * 1024) } })] }),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      accepted: 1,
      rejected: [{ index: 1, field: 'message', reason: 'is larger than 32 KB' }],
    });
  });

  it('answers 503 when the queue refuses the events', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();
    queue.failWith = new Error('throttled');

    // Act
    const response = await handleIngestRequest(deps, post('/v1/track', track()));

    // Assess
    expect(response).toEqual({ statusCode: 503, body: { error: 'the events could not be queued; retry the request' } });
  });

  it('answers 503 when the identity map cannot be read', async () => {
    // Prepare
    const { deps, identity, queue } = fakeDeps();
    identity.failWith = new Error('table unavailable');

    // Act
    const response = await handleIngestRequest(
      deps,
      post('/v1/track', track({ userId: undefined, anonymousId: 'a1' })),
    );

    // Assess
    expect(response.statusCode).toBe(503);
    expect(queue.calls).toEqual([]);
  });
});

describe('ingest write keys and bodies', () => {
  it('accepts Basic auth and ignores the password', async () => {
    // Act
    const response = await handleIngestRequest(
      fakeDeps().deps,
      post('/v1/track', track(), { headers: { Authorization: basicAuth(WRITE_KEY, 'anything') } }),
    );

    // Assess
    expect(response.statusCode).toBe(200);
  });

  it('accepts a text/plain JSON body carrying writeKey, as analytics.js sends it', async () => {
    // Prepare
    const request = post(
      '/v1/t',
      { ...track(), writeKey: WRITE_KEY },
      { headers: { 'content-type': 'text/plain;charset=UTF-8' } },
    );

    // Act
    const response = await handleIngestRequest(fakeDeps().deps, request);

    // Assess
    expect(response).toEqual({ statusCode: 200, body: { accepted: 1, rejected: [] } });
  });

  it('decodes a base64-encoded body', async () => {
    // Prepare
    const body = Buffer.from(JSON.stringify({ batch: [track({ event: 'Ürün Görüntülendi' })] })).toString('base64');
    const { deps, queue } = fakeDeps();

    // Act
    const response = await handleIngestRequest(deps, post('/v1/batch', body, { isBase64Encoded: true }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(queue.messages[0]).toMatchObject({ event: { event: 'Ürün Görüntülendi' } });
  });

  it('never logs the write key or the event content', async () => {
    // Prepare
    const { deps, logged, queue } = fakeDeps();
    queue.failWith = new Error('throttled');
    const body = {
      batch: [
        track({ userId: undefined, traits: { email: 'secret@example.com' } }),
        track({ traits: { email: 'secret@example.com' } }),
      ],
      writeKey: WRITE_KEY,
    };

    // Act
    await handleIngestRequest(deps, post('/v1/batch', body, noAuth));

    // Assess
    expect(logged.map((entry) => entry.level)).toEqual(['warn', 'error']);
    expect(JSON.stringify(logged)).not.toMatch(/secret@example\.com|wk_live_test|"u1"/);
  });
});

describe('ingest routes', () => {
  it.each([
    ['/v1/track', 'track', { event: 'Cart Viewed' }],
    ['/v1/t', 'track', { event: 'Cart Viewed' }],
    ['/v1/identify', 'identify', {}],
    ['/v1/i', 'identify', {}],
    ['/v1/page', 'page', {}],
    ['/v1/p', 'page', {}],
    ['/v1/screen', 'screen', {}],
    ['/v1/group', 'group', { groupId: 'g1' }],
    ['/v1/alias', 'alias', { previousId: 'a0' }],
  ])('%s queues a %s event', async (path, type, fields) => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    const response = await handleIngestRequest(deps, post(path, { userId: 'u1', ...fields }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(queue.messages.map((message) => message.kind === 'event' && message.event.type)).toEqual([type]);
  });

  it('/v1/b takes each item’s type from the item', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    await handleIngestRequest(
      deps,
      post('/v1/b', { batch: [track(), { type: 'identify', userId: 'u1' }, { type: 'page', userId: 'u1' }] }),
    );

    // Assess
    expect(queue.messages.map((message) => message.kind === 'event' && message.event.type)).toEqual([
      'track',
      'identify',
      'page',
    ]);
  });
});

describe('ingest batches', () => {
  it('keeps the 99 good calls of a batch and names the bad one’s index, field and reason', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();
    const batch = Array.from({ length: 100 }, (_, index) => track({ messageId: `m-${index}` }));
    batch[57] = track({ messageId: 'm-57', event: 'Order Completed', properties: { order_id: 'o1', revenue: 'lots' } });

    // Act
    const response = await handleIngestRequest(deps, post('/v1/batch', { batch }));

    // Assess
    expect(response).toEqual({
      statusCode: 200,
      body: {
        accepted: 99,
        rejected: [{ index: 57, messageId: 'm-57', field: 'properties.revenue', reason: 'must be a number ≥ 0' }],
      },
    });
    expect(queue.messages).toHaveLength(99);
    expect(queue.messages.map((message) => message.kind === 'event' && message.event.messageId)).not.toContain('m-57');
  });

  it("enqueues a request's events of one customer in one call as one message (decision 287)", async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    await handleIngestRequest(deps, post('/v1/batch', { batch: [track(), track(), track()] }));

    // Assess
    expect(queue.calls).toHaveLength(1);
    expect(queue.calls[0]).toHaveLength(1);
    expect(queue.calls[0]?.[0]).toMatchObject({ kind: 'events', customerId: 'u1' });
    expect(queue.messages).toHaveLength(3);
  });

  it('does not call the queue when every call is rejected', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    await handleIngestRequest(deps, post('/v1/batch', { batch: [{}] }));

    // Assess
    expect(queue.calls).toEqual([]);
  });

  it('queues a full event message with the received time', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    await handleIngestRequest(
      deps,
      post('/v1/track', track({ messageId: 'm1', context: { timezone: 'Europe/Istanbul' } })),
    );

    // Assess
    expect(queue.messages).toEqual([
      {
        kind: 'event',
        customerId: 'u1',
        event: {
          type: 'track',
          messageId: 'm1',
          userId: 'u1',
          event: 'Product Viewed',
          properties: { product_id: 'p1' },
          traits: {},
          context: { timezone: 'Europe/Istanbul' },
          timestamp: '2026-11-02T09:00:00.000Z',
          receivedAt: NOW.toISOString(),
        },
        source: { keyId: 'server-1', scope: 'server', verified: true },
      },
    ]);
  });

  it('applies the batch-level context to its items', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    await handleIngestRequest(deps, post('/v1/batch', { batch: [track()], context: { locale: 'tr-TR' } }));

    // Assess
    expect(queue.messages[0]).toMatchObject({ event: { context: { locale: 'tr-TR' } } });
  });

  it('strips prototype keys so nothing downstream can pollute a prototype', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();
    const body = `{"batch":[{"type":"identify","userId":"u1","traits":{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}},"plan":"gold"}}]}`;

    // Act
    await handleIngestRequest(deps, post('/v1/batch', body));
    const traits = queue.messages[0]?.kind === 'event' ? queue.messages[0].event.traits : undefined;
    const merged = Object.assign({}, traits);

    // Assess
    expect(traits).toEqual({ plan: 'gold' });
    expect(Object.keys(traits ?? {})).toEqual(['plan']);
    expect((merged as { isAdmin?: boolean }).isAdmin).toBeUndefined();
    expect(({} as { isAdmin?: boolean }).isAdmin).toBeUndefined();
  });
});

describe('ingest customer ids', () => {
  it('routes a call with userId to the user', async () => {
    // Prepare
    const { deps, queue, identity } = fakeDeps();

    // Act
    await handleIngestRequest(deps, post('/v1/track', track({ userId: 'u9', anonymousId: 'a9' })));

    // Assess
    expect(queue.messages[0]?.customerId).toBe('u9');
    expect(identity.resolveCalls).toEqual([]);
  });

  it('routes an alias to its userId', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    await handleIngestRequest(deps, post('/v1/alias', { userId: 'u9', previousId: 'a9' }));

    // Assess
    expect(queue.messages[0]?.customerId).toBe('u9');
  });

  it('routes an anonymous-only call to the user its anonymousId is linked to', async () => {
    // Prepare
    const { deps, queue } = fakeDeps(new Map([['a1', 'u1']]));

    // Act
    await handleIngestRequest(deps, post('/v1/track', track({ userId: undefined, anonymousId: 'a1' })));

    // Assess
    expect(queue.messages[0]?.customerId).toBe('u1');
  });

  it('routes an unlinked anonymous-only call to the anonymous profile', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    await handleIngestRequest(deps, post('/v1/track', track({ userId: undefined, anonymousId: 'a2' })));

    // Assess
    expect(queue.messages[0]?.customerId).toBe('anon:a2');
  });

  it('looks up all anonymous ids of a request in one identity-map call', async () => {
    // Prepare
    const { deps, identity } = fakeDeps();
    const batch = [
      track({ userId: undefined, anonymousId: 'a1' }),
      track({ userId: undefined, anonymousId: 'a2' }),
      track({ userId: undefined, anonymousId: 'a1' }),
      track(),
    ];

    // Act
    await handleIngestRequest(deps, post('/v1/batch', { batch }));

    // Assess
    expect(identity.resolveCalls).toEqual([['a1', 'a2']]);
  });
});
