/** DESIGN "Trust" at the edge: key scopes, identity tokens, the `source` envelope, server-only events. */
import { describe, expect, it } from 'vitest';
import { customerMessageSchema, type EventSource, LEGACY_SOURCE } from '../../../shared/events/messages.js';
import { identityToken, verifyIdentityToken } from '../../../shared/events/identity-token.js';
import { handleIngestRequest } from '../../../shared/events/ingest.js';
import {
  basicAuth,
  BROWSER_KEY,
  fakeDeps,
  IDENTITY_SECRET,
  post,
  type RecordingQueue,
  track,
  WRITE_KEY,
} from './in-memory-ports.js';

const asBrowser = { headers: { 'content-type': 'application/json', authorization: basicAuth(BROWSER_KEY) } };
const order = (fields: Record<string, unknown> = {}) =>
  track({ event: 'Order Completed', properties: { order_id: 'o1', revenue: 10 }, ...fields });
/** Properties ingest checks for the CRM events (shared/events/crm-events.ts): valid ones, so only trust decides. */
const VALID_PROPERTIES: Record<string, Record<string, unknown>> = {
  'Survey Answered': { survey_id: 'nps', score: 9 },
  'Complaint Opened': { complaint_id: 'c1', category: 'delivery', channel: 'call_center' },
  'Complaint Resolved': { complaint_id: 'c1' },
  'Call Completed': { call_id: 'c'.repeat(64), outcome: 'reached' },
};
const survey = () => track({ event: 'Survey Answered', properties: VALID_PROPERTIES['Survey Answered'] });
const tokenFor = (userId: string) => identityToken(IDENTITY_SECRET, userId);
/** The `source` of each queued event message, in order. */
const sources = (queue: RecordingQueue): EventSource[] =>
  queue.messages.flatMap((message) => (message.kind === 'event' ? [message.source] : []));

describe('the source envelope', () => {
  it('marks a server-key call verified, with the key id and never the key', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    await handleIngestRequest(deps, post('/v1/track', track()));

    // Assess
    expect(sources(queue)[0]).toEqual({ keyId: 'server-1', scope: 'server', verified: true });
    expect(JSON.stringify(queue.messages)).not.toContain(WRITE_KEY);
  });

  it('marks a browser-key call unverified', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    await handleIngestRequest(deps, post('/v1/identify', { userId: 'u1', traits: {} }, asBrowser));

    // Assess
    expect(sources(queue)[0]).toEqual({ keyId: 'web', scope: 'browser', verified: false });
    expect(JSON.stringify(queue.messages)).not.toContain(BROWSER_KEY);
  });

  it('verifies a browser call carrying the identity token of its own userId', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    await handleIngestRequest(
      deps,
      post('/v1/identify', { userId: 'u1', traits: {}, context: { identityToken: tokenFor('u1') } }, asBrowser),
    );

    // Assess
    expect(sources(queue)[0]).toEqual({ keyId: 'web', scope: 'browser', verified: true });
    expect(JSON.stringify(queue.messages)).not.toContain(tokenFor('u1'));
  });

  it("does not verify a browser call carrying another customer's token", async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    await handleIngestRequest(
      deps,
      post(
        '/v1/identify',
        { userId: 'victim', traits: {}, context: { identityToken: tokenFor('attacker') } },
        asBrowser,
      ),
    );

    // Assess
    expect(sources(queue)[0]?.verified).toBe(false);
  });

  it('verifies each call of a browser batch on its own, with the batch context as default', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();
    const batch = {
      batch: [
        track({ userId: 'u1' }),
        track({ userId: 'u2', context: { identityToken: tokenFor('u2') } }),
        track({ userId: undefined, anonymousId: 'a1' }),
      ],
      context: { identityToken: tokenFor('u1') },
    };

    // Act
    await handleIngestRequest(deps, post('/v1/batch', batch, asBrowser));

    // Assess
    expect(sources(queue).map((source) => source.verified)).toEqual([true, true, false]);
  });

  it('verifies no browser call when no identity secret is configured', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();
    delete deps.identitySecret;

    // Act
    await handleIngestRequest(
      deps,
      post('/v1/track', track({ context: { identityToken: tokenFor('u1') } }), asBrowser),
    );

    // Assess
    expect(sources(queue)[0]?.verified).toBe(false);
  });

  it('reads a message queued before sources existed as a legacy server call', () => {
    // Prepare
    const queuedBefore = {
      kind: 'event',
      customerId: 'u1',
      event: {
        type: 'track',
        messageId: 'm1',
        userId: 'u1',
        event: 'Order Completed',
        properties: {},
        traits: {},
        context: {},
        timestamp: '2026-11-02T09:00:00.000Z',
        receivedAt: '2026-11-02T09:00:00.000Z',
      },
    };

    // Act
    const parsed = customerMessageSchema.parse(queuedBefore);

    // Assess
    expect(parsed).toMatchObject({ source: LEGACY_SOURCE });
    expect(LEGACY_SOURCE).toEqual({ keyId: 'legacy', scope: 'server', verified: true });
  });
});

describe('identity tokens', () => {
  it('accept only the lowercase hex HMAC-SHA256 of the userId', () => {
    // Prepare
    const token = tokenFor('u1');

    // Act + Assess
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyIdentityToken(IDENTITY_SECRET, 'u1', token)).toBe(true);
    expect(verifyIdentityToken(IDENTITY_SECRET, 'u1', token.toUpperCase())).toBe(false);
    expect(verifyIdentityToken(IDENTITY_SECRET, 'u2', token)).toBe(false);
    expect(verifyIdentityToken('another-secret', 'u1', token)).toBe(false);
    expect(verifyIdentityToken(IDENTITY_SECRET, 'u1', token.slice(0, 63))).toBe(false);
    expect(verifyIdentityToken(IDENTITY_SECRET, 'u1', 42)).toBe(false);
  });
});

describe('server-only events', () => {
  it('are rejected, field event, from an unverified browser call', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    const response = await handleIngestRequest(deps, post('/v1/track', order({ messageId: 'm1' }), asBrowser));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ accepted: 0, rejected: [{ index: 0, messageId: 'm1', field: 'event' }] });
    expect(queue.messages).toEqual([]);
  });

  it.each(['Order Refunded', 'Survey Answered', 'Complaint Opened', 'Complaint Resolved', 'Call Completed'])(
    'include %s',
    async (event) => {
      // Prepare
      const { deps } = fakeDeps();

      // Act
      const response = await handleIngestRequest(
        deps,
        post('/v1/track', track({ event, properties: VALID_PROPERTIES[event] ?? {} }), asBrowser),
      );

      // Assess
      expect(response.body).toMatchObject({ accepted: 0, rejected: [{ field: 'event' }] });
    },
  );

  it('are accepted from a server key', async () => {
    // Prepare
    const { deps } = fakeDeps();

    // Act
    const response = await handleIngestRequest(deps, post('/v1/track', order()));

    // Assess
    expect(response.body).toEqual({ accepted: 1, rejected: [] });
  });

  it('are accepted from a browser call with a valid identity token', async () => {
    // Prepare
    const { deps } = fakeDeps();

    // Act
    const response = await handleIngestRequest(
      deps,
      post('/v1/track', order({ context: { identityToken: tokenFor('u1') } }), asBrowser),
    );

    // Assess
    expect(response.body).toEqual({ accepted: 1, rejected: [] });
  });

  it('orders are accepted from unverified browser calls when settings say trust.browserOrders: accept', async () => {
    // Prepare
    const { deps } = fakeDeps();
    deps.trust = { browserOrders: 'accept', browserEvents: [] };

    // Act
    const orders = await handleIngestRequest(deps, post('/v1/track', order(), asBrowser));
    const answer = await handleIngestRequest(deps, post('/v1/track', survey(), asBrowser));

    // Assess
    expect(orders.body).toEqual({ accepted: 1, rejected: [] });
    expect(answer.body).toMatchObject({ accepted: 0 });
  });

  it('other server-only events are accepted from browsers only when listed in trust.browserEvents', async () => {
    // Prepare
    const { deps } = fakeDeps();
    deps.trust = { browserOrders: 'reject', browserEvents: ['Survey Answered'] };

    // Act
    const answer = await handleIngestRequest(deps, post('/v1/track', survey(), asBrowser));

    // Assess
    expect(answer.body).toEqual({ accepted: 1, rejected: [] });
  });

  it('reject only the server-only calls of a mixed browser batch', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    const response = await handleIngestRequest(
      deps,
      post(
        '/v1/batch',
        { batch: [track(), order({ type: 'track' })].map((call) => ({ ...call, type: 'track' })) },
        asBrowser,
      ),
    );

    // Assess
    expect(response.body).toMatchObject({ accepted: 1, rejected: [{ index: 1, field: 'event' }] });
    expect(queue.messages.map((message) => (message.kind === 'event' ? message.event.event : message.kind))).toEqual([
      'Product Viewed',
    ]);
  });
});

describe('write keys in the body (analytics.js)', () => {
  const textPlain = { headers: { 'content-type': 'text/plain' } };

  it('identify the key and scope from the top-level writeKey', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    const response = await handleIngestRequest(deps, post('/v1/t', { ...track(), writeKey: BROWSER_KEY }, textPlain));

    // Assess
    expect(response.body).toEqual({ accepted: 1, rejected: [] });
    expect(sources(queue)[0]?.scope).toBe('browser');
  });

  it('use the top-level key, not a valid key quoted inside properties', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();
    const call = { ...track({ properties: { note: { writeKey: WRITE_KEY } } }), writeKey: BROWSER_KEY };

    // Act
    await handleIngestRequest(deps, post('/v1/t', call, textPlain));

    // Assess
    expect(sources(queue)[0]?.scope).toBe('browser');
  });

  it('refuse a body whose top-level key is wrong even if a valid key is quoted inside it', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();
    const call = { ...track({ properties: { note: { writeKey: WRITE_KEY } } }), writeKey: 'guessed' };

    // Act
    const response = await handleIngestRequest(deps, post('/v1/t', call, textPlain));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(queue.messages).toEqual([]);
  });

  it('read a key with JSON escapes in it', async () => {
    // Prepare
    const { deps } = fakeDeps();
    const body = JSON.stringify({ ...track(), writeKey: BROWSER_KEY }).replace(BROWSER_KEY, 'wk\\u005fbrowser_test');

    // Act
    const response = await handleIngestRequest(deps, post('/v1/t', body, textPlain));

    // Assess
    expect(response.body).toEqual({ accepted: 1, rejected: [] });
  });
});
