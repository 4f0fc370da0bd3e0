/** fast-check generators: random profiles and random valid rules over the same small vocabulary. */
import fc from 'fast-check';
import type { AttrTest, CountTest, Rule, SegmentDefinition, Window } from '../../../shared/segments/ast.js';
import { emptyProfile, type EventHistory, type Profile } from '../../../shared/profiles/schema.js';
import { DAY, HOUR, NOW } from './profiles.js';

export const EVENTS = ['Product Viewed', 'Order Completed', 'Cart Viewed'] as const;
export const CATEGORIES = ['shoes', 'bags'] as const;
const SEGMENT_VALUES = ['champions', 'loyal_customers', 'at_risk', 'hibernating'] as const;
const TRAIT_KEYS = ['nps', 'plan', 'vip'] as const;
const WINDOWS = ['30m', '2h', '5h', '24h', '48h', '49h', '1d', '3d', '7d', '30d', '90d'] as const;

const timeNear = fc.integer({ min: NOW - 100 * DAY, max: NOW + DAY });
/** Mostly `toISOString()` text, as the reducer writes it; sometimes other forms Date.parse reads, or text that is no time. */
const isoNear = fc.oneof(
  { arbitrary: timeNear.map((ms) => new Date(ms).toISOString()), weight: 8 },
  {
    arbitrary: timeNear.map((ms) =>
      new Date(ms)
        .toISOString()
        .replace('.000Z', 'Z')
        .replace(/\.\d{3}Z$/, '+00:00'),
    ),
    weight: 1,
  },
  { arbitrary: fc.constantFrom('', 'soon', '2026-13-01T00:00:00.000Z', '2026-05-10T12:00:00.00xZ'), weight: 1 },
);

const history: fc.Arbitrary<EventHistory> = fc
  .record({
    daily: fc.dictionary(
      fc.integer({ min: 0, max: 95 }).map((back) => String(Math.floor(NOW / DAY) - back)),
      fc.integer({ min: 1, max: 4 }),
      { maxKeys: 6 },
    ),
    hourly: fc.dictionary(
      fc.integer({ min: 0, max: 55 }).map((back) => String(Math.floor(NOW / HOUR) - back)),
      fc.integer({ min: 1, max: 4 }),
      { maxKeys: 6 },
    ),
    extra: fc.integer({ min: 0, max: 5 }),
    lastAt: isoNear,
  })
  .map(({ daily, hourly, extra, lastAt }) => ({
    lastAt,
    daily,
    hourly,
    count: Object.values(daily).reduce((a, b) => a + b, 0) + extra,
  }));

const traitValue = fc.oneof(
  fc.integer({ min: 0, max: 10 }),
  fc.constantFrom('gold', 'silver', ''),
  fc.boolean(),
  fc.constant(null),
);
const consent = fc.option(fc.record({ granted: fc.boolean(), at: isoNear }), { nil: undefined });

export const profileArb: fc.Arbitrary<Profile> = fc
  .record({
    orderCount: fc.integer({ min: 0, max: 5 }),
    firstAt: fc.option(isoNear, { nil: undefined }),
    lastAt: fc.option(isoNear, { nil: undefined }),
    segment: fc.option(fc.constantFrom(...SEGMENT_VALUES), { nil: undefined }),
    pAlive: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    traits: fc.dictionary(fc.constantFrom(...TRAIT_KEYS), traitValue),
    events: fc.dictionary(
      fc.constantFrom(...EVENTS),
      fc.record({
        base: history,
        props: fc.dictionary(
          fc.constantFrom(...CATEGORIES).map((c) => `category=${c}`),
          history,
          { maxKeys: 2 },
        ),
      }),
    ),
    email: fc.option(fc.constant('a@example.com'), { nil: undefined }),
    phone: fc.option(fc.constant('+905551112233'), { nil: undefined }),
    devices: fc.array(fc.boolean(), { maxLength: 2 }),
    consentEmail: consent,
    consentSms: consent,
    consentPush: consent,
    suppressedEmail: fc.option(fc.boolean(), { nil: undefined }),
    suppressedSms: fc.option(fc.boolean(), { nil: undefined }),
    recommendations: fc.subarray(['sku-1', 'sku-2', 'sku-3']),
  })
  .map((r) => {
    const p = emptyProfile('c-1', '2026-01-01T00:00:00Z');
    p.orders.count = r.orderCount;
    if (r.firstAt) p.orders.firstAt = r.firstAt;
    if (r.lastAt) p.orders.lastAt = r.lastAt;
    if (r.segment) p.rfm = { r: 3, f: 3, m: 3, segment: r.segment };
    if (r.pAlive !== undefined) p.clv = { pAlive: r.pAlive, expectedPurchases30d: 0, value12m: 0, tier: 'low' };
    p.traits = r.traits;
    for (const [name, { base, props }] of Object.entries(r.events))
      p.events[name] = Object.keys(props).length > 0 ? { ...base, props } : base;
    if (r.email) p.channels.email = r.email;
    if (r.phone) p.channels.phone = r.phone;
    p.channels.push = r.devices.map((enabled, i) => ({
      token: `t${i}`,
      platform: 'ios' as const,
      enabled,
      at: '2026-01-01T00:00:00Z',
    }));
    if (r.consentEmail) p.consent.email = r.consentEmail;
    if (r.consentSms) p.consent.sms = r.consentSms;
    if (r.consentPush) p.consent.push = r.consentPush;
    if (r.suppressedEmail !== undefined) p.suppressed.email = r.suppressedEmail;
    if (r.suppressedSms !== undefined) p.suppressed.sms = r.suppressedSms;
    p.recommendations = r.recommendations;
    return p;
  });

const windowArb: fc.Arbitrary<Window> = fc.constantFrom(...WINDOWS).map((text) => {
  const amount = Number.parseInt(text, 10);
  const unit = text.slice(String(amount).length);
  const ms = amount * (unit === 'm' ? 60_000 : unit === 'h' ? HOUR : DAY);
  return { text, ms };
});

const small = fc.integer({ min: 0, max: 6 });
const countTest: fc.Arbitrary<CountTest> = fc.oneof(
  fc.record({ op: fc.constantFrom('eq', 'ne', 'lt', 'lte', 'gt', 'gte' as const), value: small }),
  fc
    .tuple(small, small)
    .map(([a, b]) => ({ op: 'between' as const, value: [Math.min(a, b), Math.max(a, b)] as const })),
);

const numericTest = (values: fc.Arbitrary<number>): fc.Arbitrary<AttrTest> =>
  fc.oneof(
    fc.record({ op: fc.constantFrom('eq', 'ne' as const), value: values }),
    fc.record({ op: fc.constantFrom('lt', 'lte', 'gt', 'gte' as const), value: values }),
    fc
      .tuple(values, values)
      .map(([a, b]) => ({ op: 'between' as const, value: [Math.min(a, b), Math.max(a, b)] as const })),
    fc.record({ op: fc.constant('in' as const), value: fc.array(values, { minLength: 1, maxLength: 3 }) }),
    fc.record({ op: fc.constant('exists' as const), value: fc.boolean() }),
  );

const timeTest: fc.Arbitrary<AttrTest> = fc.oneof(
  fc.record({ op: fc.constantFrom('olderThan', 'newerThan' as const), value: windowArb }),
  fc.record({ op: fc.constant('exists' as const), value: fc.boolean() }),
);

const attrRule: fc.Arbitrary<Rule> = fc.oneof(
  numericTest(fc.integer({ min: 0, max: 6 })).map((test) => ({ kind: 'attr' as const, path: 'orders.count', test })),
  numericTest(fc.constantFrom(0.1, 0.3, 0.5, 0.9)).map((test) => ({ kind: 'attr' as const, path: 'clv.pAlive', test })),
  fc
    .constantFrom('orders.firstAt', 'orders.lastAt')
    .chain((path) => timeTest.map((test) => ({ kind: 'attr' as const, path, test }))),
  fc
    .oneof(
      fc.record({ op: fc.constantFrom('eq', 'ne' as const), value: fc.constantFrom(...SEGMENT_VALUES) }),
      fc.record({ op: fc.constant('in' as const), value: fc.subarray([...SEGMENT_VALUES], { minLength: 1 }) }),
    )
    .map((test) => ({ kind: 'attr' as const, path: 'rfm.segment', test: test as AttrTest })),
  fc
    .tuple(
      fc.constantFrom(...TRAIT_KEYS),
      fc.oneof(
        numericTest(fc.integer({ min: 0, max: 10 })),
        fc.record({ op: fc.constantFrom('eq', 'ne' as const), value: traitValue }),
        fc.record({ op: fc.constant('contains' as const), value: fc.constantFrom('gol', 'x', '') }),
      ),
    )
    .map(([key, test]) => ({ kind: 'attr' as const, path: `traits.${key}`, test })),
  fc
    .constantFrom('sku-1', 'sku-4')
    .map((sku) => ({ kind: 'attr' as const, path: 'recommendations', test: { op: 'contains' as const, value: sku } })),
);

const eventRule: fc.Arbitrary<Rule> = fc
  .record({
    event: fc.constantFrom(...EVENTS),
    within: fc.option(windowArb, { nil: undefined }),
    count: fc.array(countTest, { minLength: 1, maxLength: 2 }),
    category: fc.option(fc.constantFrom(...CATEGORIES, 'hats'), { nil: undefined }),
  })
  .map(({ event, within, count, category }) => {
    const rule: Rule = { kind: 'event', event, count };
    if (within) rule.within = within;
    if (category && event === 'Product Viewed') rule.where = { property: 'category', value: category };
    return rule;
  });

const channelRule: fc.Arbitrary<Rule> = fc.record({
  kind: fc.constantFrom('consent', 'reachable' as const),
  channel: fc.constantFrom('email', 'sms', 'push' as const),
});

/** A rule that may reference the segments `refs` (defined earlier, so no cycles). */
export function ruleArb(refs: readonly string[]): fc.Arbitrary<Rule> {
  const leaves: fc.Arbitrary<Rule>[] = [attrRule, eventRule, channelRule];
  if (refs.length > 0) leaves.push(fc.constantFrom(...refs).map((id) => ({ kind: 'segment' as const, id })));
  const leaf = fc.oneof(...leaves);
  return fc.letrec<{ rule: Rule }>((tie) => ({
    rule: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({
        kind: fc.constantFrom('all', 'any' as const),
        rules: fc.array(tie('rule'), { minLength: 1, maxLength: 5 }),
      }),
      fc.record({ kind: fc.constant('not' as const), rule: tie('rule') }),
    ),
  })).rule;
}

/** Two to four segments, each allowed to reference the ones before it. */
export const definitionsArb: fc.Arbitrary<SegmentDefinition[]> = fc
  .tuple(ruleArb([]), ruleArb(['s0']), ruleArb(['s0', 's1']), ruleArb(['s0', 's1', 's2']))
  .chain((rules) =>
    fc.integer({ min: 2, max: 4 }).map((n) => rules.slice(0, n).map((rule, i) => ({ id: `s${i}`, rule }))),
  );

export const nowArb = fc.integer({ min: NOW - 2 * DAY, max: NOW + 2 * DAY });
