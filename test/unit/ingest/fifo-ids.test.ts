import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { messageDeduplicationId, messageGroupId } from '../../../shared/events/fifo-ids.js';
import type { CustomerMessage } from '../../../shared/events/messages.js';
import { INTERNAL_SOURCE } from '../../../shared/events/messages.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const event = (messageId: string, customerId = 'u1'): CustomerMessage => ({
  kind: 'event',
  source: INTERNAL_SOURCE,
  customerId,
  event: {
    type: 'track',
    messageId,
    event: 'Cart Viewed',
    properties: {},
    traits: {},
    context: {},
    timestamp: '2026-11-02T10:00:00.000Z',
    receivedAt: '2026-11-02T10:00:00.000Z',
  },
});

describe('FIFO ids', () => {
  it('groups by the sha256 hex of the customer id', () => {
    // Act
    const group = messageGroupId('anon:ünïcode visitor/1');

    // Assess
    expect(group).toBe(sha256('anon:ünïcode visitor/1'));
    expect(group).toMatch(/^[0-9a-f]{64}$/);
  });

  it('deduplicates by the sha256 hex of the deduplication key', () => {
    // Act
    const id = messageDeduplicationId(event('m-1'));

    // Assess
    expect(id).toBe(sha256('event:m-1'));
  });

  it('gives the same event the same deduplication id whichever customer it was routed to', () => {
    // Act + Assess
    expect(messageDeduplicationId(event('m-1', 'anon:a1'))).toBe(messageDeduplicationId(event('m-1', 'u1')));
  });
});

describe("a request's message deduplication id (decision 285)", () => {
  it('is named by the customer and every event id in order', () => {
    // Prepare
    const event = (messageId: string) => ({
      type: 'track' as const,
      messageId,
      event: 'Product Viewed',
      properties: {},
      traits: {},
      context: {},
      timestamp: '2026-11-02T10:00:00.000Z',
      receivedAt: '2026-11-02T10:00:00.000Z',
    });
    const request = (customerId: string, ids: string[]) => ({
      kind: 'events' as const,
      customerId,
      events: ids.map((id) => ({ event: event(id), source: INTERNAL_SOURCE })),
    });

    // Act
    const id = messageDeduplicationId(request('u1', ['a', 'b']));

    // Assess
    expect(messageDeduplicationId(request('u1', ['a', 'b']))).toBe(id);
    expect(
      new Set([
        id,
        ...[request('u2', ['a', 'b']), request('u1', ['b', 'a']), request('u1', ['a'])].map(messageDeduplicationId),
      ]).size,
    ).toBe(4);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
  });
});
