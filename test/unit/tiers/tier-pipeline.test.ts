/**
 * Tiers through the one writer (issue 22): only verified orders count, a tier is a generated
 * segment whose entry starts a `trigger: { tier }` journey, and the expiry pass alone — no event
 * — first starts the grace period and then demotes. Real process-events domain and expiry pass
 * on the in-memory ports; the clock is moved by hand.
 */
import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../../../shared/config/settings.js';
import type { NormalizedEvent } from '../../../shared/events/event.js';
import { type CustomerMessage, INTERNAL_SOURCE } from '../../../shared/events/messages.js';
import { InMemoryJourneyStore } from '../../../shared/journeys/in-memory-journey-store.js';
import { checkJourneySources } from '../../../shared/journeys/load.js';
import type { DueExpiry, ExpiryIndex } from '../../../shared/ports.js';
import { processCustomerMessage, type ProcessDeps } from '../../../shared/profiles/process-customer-message.js';
import { compileSegments } from '../../../shared/segments/evaluate.js';
import { expiryPass } from '../../../shared/segments/expiry-pass.js';
import { tierSegmentId } from '../../../shared/tiers/tier-segment-id.js';
import {
  InMemoryIdentityMap,
  InMemoryOrderLedger,
  InMemoryProfileStore,
  InMemoryRefunds,
  NO_ERASED_ORDERS,
} from '../../fakes/in-memory-ports.js';
import { LocalSendOutbox } from '../../fakes/local-send-outbox.js';

const DAY = 86_400_000;
const SETTINGS = settingsSchema.parse({
  defaultTimezone: 'UTC',
  tiers: [
    { id: 'silver', minSpend12m: 1000, graceDays: 30 },
    { id: 'gold', minSpend12m: 3000, minClv: 5000, graceDays: 30 },
  ],
});
const GOLD_WELCOME = [
  'id: gold-welcome',
  'trigger: { tier: gold, on: enter }',
  'steps:',
  '  - update: { trait: welcomedToGold, value: true }',
].join('\n');

/** The expiry index over the in-memory profiles: one shard, what is due by `until`. */
function expiryIndexOf(profiles: InMemoryProfileStore): ExpiryIndex {
  return {
    async *due(_shard: number, until: string): AsyncIterable<DueExpiry> {
      for (const profile of profiles.items.values())
        if (profile.nextExpiryAt !== undefined && profile.nextExpiryAt <= until)
          yield { customerId: profile.id, nextExpiryAt: profile.nextExpiryAt };
    },
  };
}

function orderEvent(
  id: string,
  revenue: number,
  at: string,
  type: 'Order Completed' | 'Order Refunded' = 'Order Completed',
): NormalizedEvent {
  return {
    type: 'track',
    messageId: `m-${id}-${type}`,
    userId: 'u1',
    event: type,
    properties: { order_id: id, revenue },
    traits: {},
    context: {},
    timestamp: at,
    receivedAt: at,
  };
}

function setUp() {
  let now = new Date('2026-03-10T09:00:00Z');
  const clock = { now: () => now };
  const profiles = new InMemoryProfileStore();
  const runs = new InMemoryJourneyStore();
  const journeys = checkJourneySources([{ file: 'gold-welcome.yaml', text: GOLD_WELCOME }], {
    segmentIds: new Set([tierSegmentId('silver'), tierSegmentId('gold')]),
    trackedProperties: {},
    templateFiles: () => undefined,
  });
  if (!journeys.ok) throw new Error(JSON.stringify(journeys.errors));
  const moves: { entered: string[]; exited: string[] }[] = [];
  const deps: ProcessDeps = {
    profiles,
    orders: new InMemoryOrderLedger(),
    identity: new InMemoryIdentityMap(),
    clock,
    settings: { trackedProperties: {}, timezone: 'UTC', tiers: SETTINGS.tiers },
    segments: compileSegments([], SETTINGS),
    segmentChanges: { publish: (changes) => void moves.push({ entered: changes.entered, exited: changes.exited }) },
    tombstones: NO_ERASED_ORDERS,
    refunds: new InMemoryRefunds(),
    journeys: {
      definitions: journeys.journeys,
      store: runs,
      sends: new LocalSendOutbox(),
      holdoutPercent: 0,
      defaultTimezone: 'UTC',
    },
  };
  const queued: CustomerMessage[] = [];
  const pass = async (at: Date) => {
    now = at;
    await expiryPass(
      { index: expiryIndexOf(profiles), queue: { enqueue: async (messages) => void queued.push(...messages) }, clock },
      { shards: 1 },
    );
    for (const message of queued.splice(0)) await processCustomerMessage(deps, message);
  };
  const send = (event: NormalizedEvent, verified = true) =>
    processCustomerMessage(deps, {
      kind: 'event',
      customerId: 'u1',
      event,
      source: verified ? INTERNAL_SOURCE : { keyId: 'browser', scope: 'browser', verified: false },
    });
  const scores = (value12m: number, at: string) =>
    processCustomerMessage(deps, {
      kind: 'scores',
      customerId: 'u1',
      clv: { pAlive: 0.9, expectedPurchases30d: 1, value12m, tier: 'high' },
      at,
    });
  return { deps, profiles, runs, moves, pass, send, scores, setNow: (at: Date) => void (now = at) };
}

describe('tiers in process-events', () => {
  it('counts verified orders only: an unverified browser order lifts no tier', async () => {
    const { profiles, send } = setUp();
    await send(orderEvent('o1', 5000, '2026-03-10T09:00:00Z'), false);
    const profile = await profiles.getProfile('u1');
    expect(profile?.orders.count).toBe(1);
    expect(profile?.spendMonths).toBeUndefined();
    expect(profile?.tier).toBeUndefined();
  });

  it('enters the tier segment and starts the tier journey; the expiry pass alone starts grace, then demotes', async () => {
    const { profiles, runs, moves, pass, send } = setUp();

    await send(orderEvent('o1', 3200, '2026-03-10T09:00:00Z'));
    const gold = await profiles.getProfile('u1');
    expect(gold?.tier).toBe('gold');
    expect(Object.keys(gold?.segments ?? {})).toEqual(['tier:gold']);
    expect([...runs.runs.values()].map((run) => run.journeyId)).toEqual(['gold-welcome']);
    // The run keeps the tier at entry: the report's conversion by tier reads it.
    expect([...runs.runs.values()].map((run) => run.tier)).toEqual(['gold']);
    // The month of the order leaves the 12-month window on 2027-03-01, rechecked at the customer's
    // own minute of the 30 that follow (decision 177's spread of midnight lapses).
    const windowEnds = Date.parse('2027-03-01T00:00:00Z');
    const lapse = Date.parse(gold?.nextExpiryAt ?? '');
    expect(lapse).toBeGreaterThanOrEqual(windowEnds);
    expect(lapse).toBeLessThan(windowEnds + 30 * 60_000);

    await pass(new Date(windowEnds - 60_000));
    expect((await profiles.getProfile('u1'))?.tierGraceUntil).toBeUndefined();

    await pass(new Date(lapse + 30_000));
    const graced = await profiles.getProfile('u1');
    expect(graced?.tier).toBe('gold');
    expect(graced?.nextExpiryAt).toBe(graced?.tierGraceUntil);
    expect(Date.parse(graced?.tierGraceUntil ?? '')).toBe(lapse + 30_000 + 30 * DAY);

    await pass(new Date(lapse + 30_000 + 30 * DAY));
    const lapsed = await profiles.getProfile('u1');
    expect(lapsed?.tier).toBeUndefined();
    expect(lapsed?.segments).toEqual({});
    expect(lapsed?.nextExpiryAt).toBeUndefined();
    expect(moves.at(-1)).toEqual({ entered: [], exited: ['tier:gold'] });
  });

  it('a refund of the qualifying order demotes at once, with no grace', async () => {
    const { profiles, send, setNow } = setUp();
    await send(orderEvent('o1', 900, '2026-03-10T09:00:00Z'));
    await send(orderEvent('o2', 2200, '2026-03-11T09:00:00Z'));
    expect((await profiles.getProfile('u1'))?.tier).toBe('gold');

    setNow(new Date('2026-03-12T09:00:00Z'));
    await send(orderEvent('o2', 2200, '2026-03-12T09:00:00Z', 'Order Refunded'));
    const refunded = await profiles.getProfile('u1');
    expect(refunded?.tier).toBeUndefined();
    expect(refunded?.tierGraceUntil).toBeUndefined();
  });

  it('a CLV score from the nightly refresh promotes at once and starts the tier journey; a lower one starts grace', async () => {
    const { profiles, runs, send, scores, setNow } = setUp();
    await send(orderEvent('o1', 200, '2026-03-10T09:00:00Z'));
    expect((await profiles.getProfile('u1'))?.tier).toBeUndefined();

    setNow(new Date('2026-03-11T02:00:00Z'));
    await scores(6000, '2026-03-11T02:00:00Z');
    expect((await profiles.getProfile('u1'))?.tier).toBe('gold');
    expect([...runs.runs.values()].map((run) => run.journeyId)).toEqual(['gold-welcome']);

    setNow(new Date('2026-03-12T02:00:00Z'));
    await scores(100, '2026-03-12T02:00:00Z');
    const lower = await profiles.getProfile('u1');
    expect(lower?.tier).toBe('gold');
    expect(lower?.tierGraceUntil).toBe(new Date(Date.parse('2026-03-12T02:00:00Z') + 30 * DAY).toISOString());
    expect(lower?.nextExpiryAt).toBe(lower?.tierGraceUntil);
  });
});

describe('tier segments beside the campaign segments', () => {
  it('keep the midnight spread of decision 177 (it was dropped whenever tiers were configured)', () => {
    // Prepare
    const settings = settingsSchema.parse({ ...SETTINGS, spreadMinutes: 30 });

    // Act
    const compiled = compileSegments([], settings);

    // Assess
    expect(compiled.spreadMinutes).toBe(30);
    expect(compiled.byId.has(tierSegmentId('gold'))).toBe(true);
  });
});
