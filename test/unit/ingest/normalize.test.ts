import { describe, expect, it } from 'vitest';
import type { EventType } from '../../../shared/events/event.js';
import {
  formatPath,
  normalizeCall,
  type NormalizeOptions,
  type NormalizeResult,
} from '../../../shared/events/normalize.js';
import { NOW, track } from './in-memory-ports.js';

const normalize = (
  raw: unknown,
  options: Partial<NormalizeOptions> & { routeType?: EventType } = {},
): NormalizeResult => normalizeCall(raw, { receivedAt: NOW, newMessageId: () => 'generated-id', ...options });

function accepted(raw: unknown, options: Partial<NormalizeOptions> = {}) {
  const result = normalize(raw, options);
  if (!result.ok) throw new Error(`expected acceptance, got ${result.field}: ${result.reason}`);
  return result.event;
}

function rejection(raw: unknown, options: Partial<NormalizeOptions> = {}) {
  const result = normalize(raw, options);
  if (result.ok) throw new Error('expected a rejection');
  return { field: result.field, reason: result.reason, messageId: result.messageId };
}

describe('normalizeCall rejections', () => {
  it.each([
    ['a call that is not an object', 'just a string', 'message', 'must be a JSON object'],
    [
      'a batch item without a type',
      track({ type: undefined }),
      'type',
      'must be one of track, identify, page, screen, alias, group',
    ],
    [
      'a batch item with an unknown type',
      track({ type: 'purchase' }),
      'type',
      'must be one of track, identify, page, screen, alias, group',
    ],
    [
      'a call without userId and anonymousId',
      track({ userId: undefined }),
      'userId',
      'userId or anonymousId is required',
    ],
    [
      'a call whose ids are null or empty',
      track({ userId: null, anonymousId: '' }),
      'userId',
      'userId or anonymousId is required',
    ],
    ['a userId that is neither string nor number', track({ userId: true }), 'userId', 'must be a string or a number'],
    ['a userId over 256 characters', track({ userId: 'u'.repeat(257) }), 'userId', 'must be at most 256 characters'],
    [
      'a userId with the anonymous prefix',
      track({ userId: 'anon:x' }),
      'userId',
      'must not start with "anon:" (reserved for anonymous profiles)',
    ],
    [
      'an anonymousId that is an object',
      track({ userId: undefined, anonymousId: { id: 1 } }),
      'anonymousId',
      'must be a string or a number',
    ],
    ['a messageId that is not a string', track({ messageId: 42 }), 'messageId', 'must be a string'],
    ['an alias without userId', { type: 'alias', previousId: 'a1' }, 'userId', 'is required for alias'],
    [
      'an alias without previousId',
      { type: 'alias', userId: 'u1', anonymousId: 'a1' },
      'previousId',
      'is required for alias',
    ],
    ['a group call without groupId', { type: 'group', userId: 'u1' }, 'groupId', 'is required for group'],
    [
      'a track without an event name',
      track({ event: undefined }),
      'event',
      'is required for track (a non-empty event name)',
    ],
    [
      'a track with a blank event name',
      track({ event: '  ' }),
      'event',
      'is required for track (a non-empty event name)',
    ],
    ['a track whose event name is a number', track({ event: 7 }), 'event', 'must be a string'],
    ['properties that are an array', track({ properties: [1, 2] }), 'properties', 'must be an object'],
    ['traits that are a string', { type: 'identify', userId: 'u1', traits: 'vip' }, 'traits', 'must be an object'],
    ['a context that is not an object', track({ context: 'web' }), 'context', 'must be an object'],
    [
      'a context timezone that is not IANA',
      track({ context: { timezone: 'Mars/Olympus' } }),
      'context.timezone',
      'must be an IANA time zone such as Europe/Istanbul',
    ],
    [
      'a context locale that is not BCP 47',
      track({ context: { locale: 'not a locale!' } }),
      'context.locale',
      'must be a BCP 47 locale such as tr-TR',
    ],
    [
      'a device token that is not a string',
      track({ context: { device: { token: 12, type: 'ios' } } }),
      'context.device.token',
      'must be a string',
    ],
    [
      'a timestamp that is not ISO-8601',
      track({ timestamp: 'yesterday' }),
      'timestamp',
      'must be an ISO-8601 date-time such as 2026-11-02T10:00:00Z',
    ],
    [
      'a timestamp with an impossible date',
      track({ timestamp: '2026-02-30T10:00:00Z' }),
      'timestamp',
      'must be an ISO-8601 date-time such as 2026-11-02T10:00:00Z',
    ],
    [
      'a numeric timestamp',
      track({ timestamp: 1762077600000 }),
      'timestamp',
      'must be an ISO-8601 date-time such as 2026-11-02T10:00:00Z',
    ],
    [
      'a sentAt that is not ISO-8601',
      track({ sentAt: 'now' }),
      'sentAt',
      'must be an ISO-8601 date-time such as 2026-11-02T10:00:00Z',
    ],
    [
      'a timestamp more than a day ahead',
      track({ timestamp: '2026-11-03T10:00:01Z' }),
      'timestamp',
      'is more than 1 day in the future',
    ],
    ['a timestamp before 2000', track({ timestamp: '1999-12-31T23:59:59Z' }), 'timestamp', 'is before 2000-01-01'],
    [
      'an order_id that is an object',
      track({ event: 'Order Completed', properties: { order_id: { id: 1 } } }),
      'properties.order_id',
      'must be a non-empty string or a number',
    ],
    [
      'an empty order_id',
      track({ event: 'Order Completed', properties: { order_id: '' } }),
      'properties.order_id',
      'must be a non-empty string or a number',
    ],
    [
      'a revenue that is a string',
      track({ event: 'Order Completed', properties: { revenue: 'lots' } }),
      'properties.revenue',
      'must be a number ≥ 0',
    ],
    [
      'a negative revenue',
      track({ event: 'Order Completed', properties: { revenue: -1 } }),
      'properties.revenue',
      'must be a number ≥ 0',
    ],
    [
      'a total that is a numeric string',
      track({ event: 'Order Refunded', properties: { total: '12.5' } }),
      'properties.total',
      'must be a number ≥ 0',
    ],
    [
      'products that are not an array',
      track({ event: 'Order Completed', properties: { products: { p1: 1 } } }),
      'properties.products',
      'must be an array of objects',
    ],
    [
      'a product that is not an object',
      track({ event: 'Cart Viewed', properties: { products: [{ product_id: 'a' }, 'b'] } }),
      'properties.products[1]',
      'must be an object',
    ],
    [
      'a product price that is not a number',
      track({ event: 'Order Completed', properties: { products: [{ price: '9.99' }] } }),
      'properties.products[0].price',
      'must be a number ≥ 0',
    ],
    [
      'a negative product quantity',
      track({ event: 'Order Completed', properties: { products: [{ quantity: -2 }] } }),
      'properties.products[0].quantity',
      'must be a number ≥ 0',
    ],
  ])('rejects %s', (_name, raw, field, reason) => {
    // Act
    const result = rejection(raw);

    // Assess
    expect({ field: result.field, reason: result.reason }).toEqual({ field, reason });
  });

  it('rejects a call larger than 32 KB as a whole', () => {
    // Prepare
    const raw = track({ properties: { blob: 'x'.repeat(32 * 1024) } });

    // Act
    const result = rejection(raw);

    // Assess
    expect(result).toMatchObject({ field: 'message', reason: 'is larger than 32 KB' });
  });

  it('names the first value nested deeper than 8 levels', () => {
    // Prepare
    const raw = track({ properties: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } } });

    // Act
    const result = rejection(raw);

    // Assess
    expect(result).toMatchObject({ field: 'properties.a.b.c.d.e.f.g.h', reason: 'is nested deeper than 8 levels' });
  });

  it('accepts values nested exactly 8 levels deep', () => {
    // Prepare
    const raw = track({ traits: { a: { b: { c: { d: { e: { f: { g: { h: 1 } } } } } } } } });

    // Act
    const event = accepted(raw);

    // Assess
    expect(event.traits).toEqual(raw.traits);
  });

  it('counts arrays as nesting levels', () => {
    // Prepare
    const raw = track({ properties: { list: [[[[[[[[1]]]]]]]] } });

    // Act
    const result = rejection(raw);

    // Assess
    expect(result.field).toBe('properties.list[0][0][0][0][0][0][0]');
  });

  it('reports the client messageId on a rejection', () => {
    // Act
    const result = rejection(track({ messageId: 'm-7', userId: undefined }));

    // Assess
    expect(result.messageId).toBe('m-7');
  });

  it('reports a generated messageId on a rejection of a call without one', () => {
    // Act
    const result = rejection(track({ userId: undefined }));

    // Assess
    expect(result.messageId).toBe('generated-id');
  });

  it('never rejects an unknown event name or its free-form properties', () => {
    // Prepare
    const raw = track({
      event: 'Wishlist Shared',
      properties: { revenue: 'n/a', products: 'none', order_id: { x: 1 } },
    });

    // Act
    const event = accepted(raw);

    // Assess
    expect(event.event).toBe('Wishlist Shared');
    expect(event.properties).toEqual(raw.properties);
  });
});

describe('normalizeCall mapping', () => {
  it('takes the type from the route for single calls, ignoring the body', () => {
    // Act
    const event = accepted({ type: 'track', userId: 'u1', name: 'Home' }, { routeType: 'page' });

    // Assess
    expect(event).toMatchObject({ type: 'page', event: 'Home' });
  });

  it('keeps the client messageId as the event id', () => {
    // Act
    const event = accepted(track({ messageId: 'client-1' }));

    // Assess
    expect(event.messageId).toBe('client-1');
  });

  it('generates a messageId when the client omits it', () => {
    // Act
    const event = accepted(track());

    // Assess
    expect(event.messageId).toBe('generated-id');
  });

  it('copies timezone, locale and the push device from context, and nothing else', () => {
    // Prepare
    const context = {
      timezone: 'Europe/Istanbul',
      locale: 'tr-TR',
      device: { token: 'tok', type: 'ios', model: 'iPhone' },
      ip: '10.0.0.1',
    };

    // Act
    const event = accepted(track({ context }));

    // Assess
    expect(event.context).toEqual({
      timezone: 'Europe/Istanbul',
      locale: 'tr-TR',
      device: { token: 'tok', type: 'ios' },
    });
  });

  it('keeps identify traits in traits', () => {
    // Prepare
    const traits = { email: 'a@example.com', phone: '+905551112233', firstName: 'Ayşe', consent: { email: true } };

    // Act
    const event = accepted({ userId: 'u1', traits }, { routeType: 'identify' });

    // Assess
    expect(event).toMatchObject({ type: 'identify', userId: 'u1', traits });
  });

  it('keeps a group call’s traits out of the person’s traits', () => {
    // Act
    const event = accepted(
      { userId: 'u1', groupId: 'g1', traits: { email: 'office@example.com' } },
      { routeType: 'group' },
    );

    // Assess
    expect(event.traits).toEqual({});
    expect(event.properties).toEqual({ groupId: 'g1', traits: { email: 'office@example.com' } });
  });

  it('maps an alias with its previousId', () => {
    // Act
    const event = accepted({ userId: 'u1', previousId: 'anon-1' }, { routeType: 'alias' });

    // Assess
    expect(event).toMatchObject({ type: 'alias', userId: 'u1', previousId: 'anon-1' });
  });

  it('turns numeric ids and order ids into strings', () => {
    // Act
    const event = accepted(
      track({ userId: 1234, event: 'Order Completed', properties: { order_id: 987, revenue: 10 } }),
    );

    // Assess
    expect(event.userId).toBe('1234');
    expect(event.properties.order_id).toBe('987');
  });

  it('uses the received time when the call has no timestamp', () => {
    // Act
    const event = accepted(track({ timestamp: undefined }));

    // Assess
    expect(event.timestamp).toBe(NOW.toISOString());
    expect(event.receivedAt).toBe(NOW.toISOString());
  });

  it('corrects client clock skew with sentAt as Segment does', () => {
    // Prepare: the client clock runs 2 hours slow; the event happened 5 minutes before sending
    const raw = track({ timestamp: '2026-11-02T07:55:00Z', sentAt: '2026-11-02T08:00:00Z' });

    // Act
    const event = accepted(raw);

    // Assess
    expect(event.timestamp).toBe('2026-11-02T09:55:00.000Z');
  });

  it('applies a batch-level sentAt to items without their own', () => {
    // Act
    const event = accepted(track({ timestamp: '2026-11-02T07:55:00Z' }), { batchSentAt: '2026-11-02T08:00:00Z' });

    // Assess
    expect(event.timestamp).toBe('2026-11-02T09:55:00.000Z');
  });

  it('reads a timestamp without an offset as UTC', () => {
    // Act
    const event = accepted(track({ timestamp: '2026-11-02T08:30:00' }));

    // Assess
    expect(event.timestamp).toBe('2026-11-02T08:30:00.000Z');
  });

  it('converts an offset timestamp to UTC', () => {
    // Act
    const event = accepted(track({ timestamp: '2026-11-02T11:30:00+03:00' }));

    // Assess
    expect(event.timestamp).toBe('2026-11-02T08:30:00.000Z');
  });

  it('merges the batch context under the call’s own context', () => {
    // Act
    const event = accepted(track({ context: { locale: 'en-GB' } }), {
      batchContext: { locale: 'tr-TR', timezone: 'Europe/Istanbul' },
    });

    // Assess
    expect(event.context).toEqual({ locale: 'en-GB', timezone: 'Europe/Istanbul' });
  });
});

describe('formatPath', () => {
  it('writes keys with dots, indexes in brackets and odd keys quoted', () => {
    // Act
    const field = formatPath(['traits', 'first name', 'parts', 2, 'x']);

    // Assess
    expect(field).toBe('traits["first name"].parts[2].x');
  });
});
