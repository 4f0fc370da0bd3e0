/**
 * fast-check arbitraries for storefront event sequences over a few customers, products and days.
 * Times fall on a 20-minute grid over ~4 months, a third of them on a few shared instants, so the
 * 48 h / 90 d windows and same-instant ties both occur. Ids are unique per sequence (`withUniqueIds`), as they are in real traffic.
 */
import fc from 'fast-check';
import type { NormalizedEvent } from '../../../shared/events/event.js';
import type { ReducerSettings } from '../../../shared/profiles/reduce.js';

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const GRID_MS = 20 * 60_000;
const SPAN_STEPS = (120 * 24 * 60) / 20;

export const settings: ReducerSettings = {
  trackedProperties: { 'Product Viewed': ['category'], 'Page Viewed': ['name'], 'Order Completed': ['currency'] },
  timezone: 'Europe/Istanbul',
};

const gridTime = fc.integer({ min: 0, max: SPAN_STEPS }).map((step) => new Date(T0 + step * GRID_MS).toISOString());
/** A few shared instants make same-time ties (two identifies, an add and an order…) common. */
const sharedInstant = fc.constantFrom(0, 1, 2, 100).map((step) => new Date(T0 + step * GRID_MS).toISOString());
export const timestamp = fc.oneof({ weight: 2, arbitrary: gridTime }, { weight: 1, arbitrary: sharedInstant });

// `constructor` and `toString` are client text that must not find Object.prototype's members.
const productId = fc.constantFrom('p1', 'p2', 'p3', 'constructor');
const category = fc.option(fc.constantFrom('shoes', 'bags', 'hats'), { nil: undefined });
const price = fc.constantFrom(0, 9.99, 19.9, 0.1, 120);
const quantity = fc.option(fc.constantFrom(1, 2, 3), { nil: undefined });

const product = fc.record({ product_id: productId, price, quantity, category }).map(dropUndefined);

const amount = fc.oneof(
  fc.record({ revenue: fc.constantFrom(10, 0.1, 0.2, 99.99, 0, -5) }),
  fc.record({ total: fc.constantFrom(42.5, 0.3) }),
  fc.constant({}),
);

const track = fc
  .oneof(
    fc.record({
      event: fc.constant('Product Viewed'),
      properties: fc.record({ product_id: productId, category }).map(dropUndefined),
    }),
    fc.record({ event: fc.constant('Product Added'), properties: product }),
    fc.record({ event: fc.constant('Product Removed'), properties: fc.record({ product_id: productId }) }),
    fc.record({
      event: fc.constantFrom('Cart Viewed', 'Checkout Started'),
      properties: fc.record({ products: fc.array(product, { maxLength: 3 }) }),
    }),
    fc.record({
      event: fc.constant('Order Completed'),
      properties: fc
        .tuple(amount, fc.array(product, { maxLength: 2 }), fc.constantFrom('TRY', 'USD'))
        .map(([money, products, currency]) => ({ ...money, products, currency })),
    }),
    fc.record({ event: fc.constant('Order Refunded'), properties: amount }),
    fc.record({
      event: fc.constantFrom('Newsletter Opened', 'Wishlist Shared', 'toString'),
      properties: fc.constant({}),
    }),
  )
  .map((call) => ({ type: 'track' as const, ...call }));

const page = fc.record({
  type: fc.constantFrom('page' as const, 'screen' as const),
  event: fc.constantFrom('Home', 'Sale'),
  properties: fc.constant({}),
});

/** Identify traits from small pools, so the same field gets competing values. */
const identifyTraits = fc
  .record(
    {
      email: fc.constantFrom('ayse@example.com', ' Mehmet@Example.com ', 'not-an-email'),
      phone: fc.constantFrom('+90 532 123 45 67', '0532 765 43 21', '12'),
      country: fc.constant('TR'),
      firstName: fc.constantFrom('Ayşe', 'Mehmet'),
      last_name: fc.constantFrom('Yılmaz', 'Kaya'),
      timezone: fc.constantFrom('Europe/Istanbul', 'Mars/Olympus'),
      plan: fc.constantFrom('gold', 'silver', 3, true, null),
      address: fc.constant({ city: 'İzmir' }),
      consent: fc
        .record({ email: fc.boolean(), sms: fc.boolean(), timestamp: timestamp }, { requiredKeys: [] })
        .map(dropUndefined),
    },
    { requiredKeys: [] },
  )
  .map(dropUndefined);

const identify = fc.record({ type: fc.constant('identify' as const), traits: identifyTraits });

const context = fc
  .record(
    {
      timezone: fc.constantFrom('Europe/Berlin', 'America/New_York'),
      locale: fc.constantFrom('tr-TR', 'en_US'),
      device: fc.record({ token: fc.constantFrom('tok-a', 'tok-b'), type: fc.constantFrom('ios', 'android', 'web') }),
    },
    { requiredKeys: [] },
  )
  .map(dropUndefined);

/** One event without ids (they are assigned per sequence). */
export const eventBody = fc
  .tuple(
    fc.oneof({ weight: 6, arbitrary: track }, { weight: 1, arbitrary: page }, { weight: 2, arbitrary: identify }),
    context,
    timestamp,
  )
  .map(([call, ctx, at]) => ({ properties: {}, traits: {}, ...call, context: ctx, timestamp: at, receivedAt: at }));

/** Events of one customer with unique message ids and order ids. */
export function withUniqueIds(
  bodies: ReadonlyArray<Omit<NormalizedEvent, 'messageId'>>,
  prefix: string,
  userId = 'u1',
): NormalizedEvent[] {
  return bodies.map((body, index) => {
    const properties =
      body.type === 'track' && body.event === 'Order Completed'
        ? { ...body.properties, order_id: `${prefix}-order-${index}` }
        : body.properties;
    return { ...body, properties, messageId: `${prefix}-${index}`, userId };
  });
}

export const eventSequence = (maxLength: number, prefix = 'm') =>
  fc.array(eventBody, { maxLength }).map((bodies) => withUniqueIds(bodies, prefix));

function dropUndefined<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
