import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../shared/events/event.js';
import { INTERNAL_SOURCE } from '../../../shared/events/messages.js';
import { customerMessagesOf } from '../../../shared/events/request-events-message.js';
import { MESSAGE_BODY_BYTES, requestMessages, type RoutedEvent } from '../../../shared/events/request-messages.js';
import { PROFILE_LIMITS } from '../../../shared/profiles/limits.js';

const AT = '2026-11-02T10:00:00.000Z';

function routed(customerId: string, messageId: string, overrides: Partial<NormalizedEvent> = {}): RoutedEvent {
  const event: NormalizedEvent = {
    type: 'track',
    messageId,
    event: 'Product Viewed',
    userId: customerId,
    properties: {},
    traits: {},
    context: {},
    timestamp: AT,
    receivedAt: AT,
    ...overrides,
  };
  return { customerId, event, source: INTERNAL_SOURCE };
}

const ids = (messages: ReturnType<typeof requestMessages>) =>
  messages.map((message) => message.events.map(({ event }) => event.messageId));

describe('requestMessages: a request as events-queue messages (decision 287)', () => {
  it("puts a browser request's events of one customer in one message, in order", () => {
    // Act
    const messages = requestMessages(['a', 'b', 'c'].map((id) => routed('u1', id)));

    // Assess
    expect(messages).toEqual([
      {
        kind: 'events',
        customerId: 'u1',
        events: ['a', 'b', 'c'].map((id) => ({ event: routed('u1', id).event, source: INTERNAL_SOURCE })),
      },
    ]);
  });

  it("keeps the request's order: a customer's events interleaved with another's make a message per run", () => {
    // Act
    const messages = requestMessages([routed('u1', 'a'), routed('u1', 'b'), routed('u2', 'c'), routed('u1', 'd')]);

    // Assess
    expect(messages.map((message) => message.customerId)).toEqual(['u1', 'u2', 'u1']);
    expect(ids(messages)).toEqual([['a', 'b'], ['c'], ['d']]);
    expect(messages.flatMap(customerMessagesOf).map((message) => message.kind)).toEqual([
      'event',
      'event',
      'event',
      'event',
    ]);
  });

  it("keeps a message's applied ids within the ring's floor, an order with an order id counting two", () => {
    // Prepare
    const order = (id: string) =>
      routed('u1', id, { event: 'Order Completed', properties: { order_id: `o-${id}`, revenue: 10 } });
    const views = Array.from({ length: PROFILE_LIMITS.recentIdsFloor + 3 }, (_, index) => routed('u1', `v${index}`));

    // Act
    const ofViews = requestMessages(views);
    const ofOrders = requestMessages(['a', 'b', 'c', 'd', 'e', 'f'].map(order));

    // Assess
    expect(ofViews.map((message) => message.events.length)).toEqual([PROFILE_LIMITS.recentIdsFloor, 3]);
    expect(ofOrders.map((message) => message.events.length)).toEqual([PROFILE_LIMITS.recentIdsFloor / 2, 1]);
  });

  it('starts a message at an event that links identities, so its merge cannot push out the ids before it', () => {
    // Prepare
    const identify = routed('u1', 'login', { type: 'identify', anonymousId: 'anon-1' });
    delete identify.event.event;
    const alias = routed('u1', 'alias', { type: 'alias', previousId: 'old' });
    delete alias.event.event;

    // Act
    const messages = requestMessages([routed('u1', 'a'), identify, routed('u1', 'b'), alias, routed('u1', 'c')]);

    // Assess
    expect(ids(messages)).toEqual([['a'], ['login', 'b'], ['alias', 'c']]);
  });

  it("keeps every message's body within SQS's 256 KB", () => {
    // Prepare: three events of ≈ 100 KB each.
    const big = (id: string) => routed('u1', id, { properties: { note: 'x'.repeat(100 * 1024) } });

    // Act
    const messages = requestMessages([big('a'), big('b'), big('c')]);

    // Assess
    expect(ids(messages)).toEqual([['a', 'b'], ['c']]);
    for (const message of messages)
      expect(Buffer.byteLength(JSON.stringify(message), 'utf8')).toBeLessThanOrEqual(MESSAGE_BODY_BYTES);
  });
});
