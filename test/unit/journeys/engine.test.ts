import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../shared/events/event.js';
import { isInGlobalHoldout } from '../../../shared/experiments/global-holdout.js';
import { applySignal, type JourneyEngineContext } from '../../../shared/journeys/engine.js';
import type { JourneyRun } from '../../../shared/journeys/run.js';
import { at, DAY, journeyFrom, profile, run, T0 } from './journey-builders.js';

const journey = journeyFrom(`id: vnb
trigger: { event: Product Viewed, where: { category: shoes } }
entry: { segment: vnb, reentry: { after: 30d } }
exit: [{ event: Order Completed }, { segment: email_ok }]
goal: { event: Order Completed, within: 7d }
steps:
  - wait: 2h
  - send: { channel: email, template: t }
`);
const member = profile({ segments: { vnb: { enteredAt: T0.toISOString() } } });

function event(name: string, properties: Record<string, unknown> = {}, messageId = 'm1'): NormalizedEvent {
  return {
    type: 'track',
    event: name,
    properties,
    messageId,
    timestamp: T0.toISOString(),
    userId: 'c1',
    context: {},
  } as unknown as NormalizedEvent;
}

function ctx(overrides: Partial<JourneyEngineContext> = {}): JourneyEngineContext {
  return {
    journeys: [journey],
    profile: member,
    runs: [],
    now: T0,
    defaultTimezone: 'UTC',
    holdoutPercent: 0,
    ...overrides,
  };
}

describe('journey entry', () => {
  it('starts a run when the event and its property filter match and the customer is in the entry segment', () => {
    const [change] = applySignal(ctx(), { kind: 'event', event: event('Product Viewed', { category: 'shoes' }) });
    expect(change?.before).toBeUndefined();
    expect(change?.run).toMatchObject({ journeyId: 'vnb', status: 'waiting', holdout: false });
  });

  it('does not start on another property value', () => {
    expect(applySignal(ctx(), { kind: 'event', event: event('Product Viewed', { category: 'bags' }) })).toEqual([]);
  });

  it('does not start outside the entry segment', () => {
    expect(
      applySignal(ctx({ profile: profile() }), {
        kind: 'event',
        event: event('Product Viewed', { category: 'shoes' }),
      }),
    ).toEqual([]);
  });

  it('derives the run id from the triggering message, so a redelivery finds its run', () => {
    const first = applySignal(ctx(), { kind: 'event', event: event('Product Viewed', { category: 'shoes' }) });
    const again = applySignal(ctx({ runs: first.map((change) => change.run), now: at(1000) }), {
      kind: 'event',
      event: event('Product Viewed', { category: 'shoes' }),
    });
    expect(again).toEqual([]);
  });

  it('lets a customer re-enter only after the re-entry period since the last entry', () => {
    const finished: JourneyRun = { ...run(journey, { journeyId: 'vnb' }), status: 'completed' };
    const trigger = { kind: 'event' as const, event: event('Product Viewed', { category: 'shoes' }, 'm2') };
    expect(applySignal(ctx({ runs: [finished], now: at(29 * DAY) }), trigger)).toEqual([]);
    expect(applySignal(ctx({ runs: [finished], now: at(30 * DAY) }), trigger)).toHaveLength(1);
  });

  it('marks the run of a global holdout customer', () => {
    const held = Array.from({ length: 200 }, (_, i) => `h${i}`).find((id) => isInGlobalHoldout(id, 10)) as string;
    const [change] = applySignal(ctx({ profile: { ...member, id: held }, holdoutPercent: 10 }), {
      kind: 'event',
      event: event('Product Viewed', { category: 'shoes' }),
    });
    expect(change?.run.holdout).toBe(true);
  });

  it('starts segment-triggered journeys on enter', () => {
    const cart = journeyFrom('id: cart\ntrigger: { segment: carted, on: enter }\nsteps:\n  - end: true\n');
    const changes = applySignal(ctx({ journeys: [cart] }), {
      kind: 'segments',
      entered: ['carted'],
      exited: [],
      at: T0.toISOString(),
    });
    expect(changes.map((change) => change.run.status)).toEqual(['completed']);
  });
});

describe('journey exit and goal', () => {
  const waiting = (): JourneyRun =>
    applySignal(ctx(), { kind: 'event', event: event('Product Viewed', { category: 'shoes' }) })[0]!.run;

  it('exits on an exit event and records the goal', () => {
    const [change] = applySignal(ctx({ runs: [waiting()], now: at(DAY) }), {
      kind: 'event',
      event: { ...event('Order Completed', {}, 'o1'), timestamp: at(DAY).toISOString() },
    });
    expect(change?.run).toMatchObject({ status: 'exited', convertedAt: at(DAY).toISOString() });
  });

  it('exits when the customer leaves an exit segment', () => {
    const [change] = applySignal(ctx({ runs: [waiting()] }), {
      kind: 'segments',
      entered: [],
      exited: ['email_ok'],
      at: T0.toISOString(),
    });
    expect(change?.run).toMatchObject({ status: 'exited', exitReason: 'left segment email_ok' });
  });
});
