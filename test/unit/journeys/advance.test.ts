import { describe, expect, it } from 'vitest';
import { spreadOffsetMs } from '../../../shared/spread.js';
import { advance, type AdvanceContext, type RunEffect } from '../../../shared/journeys/advance.js';
import type { Journey } from '../../../shared/journeys/ast.js';
import type { JourneyRun } from '../../../shared/journeys/run.js';
import { assignVariant } from '../../../shared/experiments/assign.js';
import { sendMessageId } from '../../../shared/channels/send-request.js';
import { at, DAY, HOUR, journeyFrom, profile, run, T0 } from './journey-builders.js';

function context(journey: Journey, now: Date = T0, overrides: Partial<AdvanceContext> = {}): AdvanceContext {
  return { journey, profile: profile(), now, defaultTimezone: 'UTC', ...overrides };
}

function sends(effects: RunEffect[]) {
  return effects.flatMap((effect) => (effect.kind === 'send' ? [effect.request] : []));
}

const HEAD = 'id: j\ntrigger: { event: Product Viewed }\n';

describe('advance: wait', () => {
  const journey = journeyFrom(`${HEAD}steps:\n  - wait: 2h\n  - send: { channel: email, template: t }\n`);

  it('waits for the duration and schedules a wake at its end', () => {
    // Act
    const { run: waiting, effects } = advance(run(journey), { kind: 'enter' }, context(journey));
    // Assess
    expect(waiting).toMatchObject({ status: 'waiting', stepId: 'step-1', wakeAt: at(2 * HOUR).toISOString() });
    expect(effects).toContainEqual({ kind: 'schedule-wake', at: at(2 * HOUR).toISOString() });
    expect(sends(effects)).toEqual([]);
  });

  it('moves on when woken at its wakeAt', () => {
    const waiting = advance(run(journey), { kind: 'enter' }, context(journey)).run;
    const { run: after, effects } = advance(
      waiting,
      { kind: 'wake', dueAt: at(2 * HOUR).toISOString() },
      context(journey, at(2 * HOUR)),
    );
    expect(sends(effects).map((request) => request.stepId)).toEqual(['step-2']);
    expect(after.status).toBe('completed');
  });

  it('ignores a wake for another wakeAt (stale or repeated)', () => {
    const waiting = advance(run(journey), { kind: 'enter' }, context(journey)).run;
    const stale = advance(waiting, { kind: 'wake', dueAt: at(HOUR).toISOString() }, context(journey, at(2 * HOUR)));
    expect(stale).toEqual({ run: waiting, effects: [] });
  });

  it("waits until a time of day in the customer's timezone", () => {
    // Prepare: 08:00 UTC is 11:00 in Istanbul (UTC+3), so "10:00" there is tomorrow 07:00 UTC.
    const daily = journeyFrom(`${HEAD}steps:\n  - wait: { until: "10:00" }\n  - end: true\n`);
    // Act
    const { run: waiting } = advance(
      run(daily),
      { kind: 'enter' },
      context(daily, T0, { profile: profile({ timezone: 'Europe/Istanbul' }) }),
    );
    // Assess
    expect(waiting.wakeAt).toBe('2026-03-03T07:00:00.000Z');
  });

  it('ends a time-of-day wait at the customer’s offset within `spreadMinutes`, and says so', () => {
    // Prepare: a 30-minute spread (decision 177)
    const daily = journeyFrom(`${HEAD}steps:\n  - wait: { until: "10:00" }\n  - end: true\n`);
    const customer = profile({ timezone: 'Europe/Istanbul' });

    // Act
    const { run: waiting, effects } = advance(
      run(daily),
      { kind: 'enter' },
      context(daily, T0, { profile: customer, spreadMinutes: 30 }),
    );

    // Assess
    const offset = spreadOffsetMs(customer.id, 30);
    expect(offset).toBeGreaterThanOrEqual(0);
    expect(offset).toBeLessThan(30 * 60_000);
    expect(waiting.wakeAt).toBe(new Date(Date.parse('2026-03-03T07:00:00.000Z') + offset).toISOString());
    const seconds = offset / 1000;
    expect(JSON.stringify(effects)).toContain(
      `(10:00 + ${Math.floor(seconds / 60)}m ${seconds % 60}s of the 30-minute spread)`,
    );
  });

  it('uses the default timezone when the customer has none', () => {
    const daily = journeyFrom(`${HEAD}steps:\n  - wait: { until: "10:00" }\n  - end: true\n`);
    const { run: waiting } = advance(
      run(daily),
      { kind: 'enter' },
      context(daily, T0, { defaultTimezone: 'America/New_York' }),
    );
    expect(waiting.wakeAt).toBe('2026-03-02T15:00:00.000Z');
  });

  it('waits until a timestamp, or passes straight on when it is already past', () => {
    const dated = journeyFrom(
      `${HEAD}steps:\n  - wait: { until: "2026-03-05T12:00:00Z" }\n  - send: { channel: email, template: t }\n`,
    );
    expect(advance(run(dated), { kind: 'enter' }, context(dated)).run.wakeAt).toBe('2026-03-05T12:00:00.000Z');
    const late = advance(run(dated), { kind: 'enter' }, context(dated, new Date('2026-03-06T00:00:00Z')));
    expect(sends(late.effects)).toHaveLength(1);
  });
});

describe('advance: send', () => {
  const journey = journeyFrom(
    `${HEAD}steps:\n  - id: mail\n    send: { channel: email, template: t, vars: { code: X }, fallback: [sms] }\n`,
  );

  it('emits a SendRequest whose messageId comes from journey, run, step and visit', () => {
    const { effects, run: after } = advance(run(journey), { kind: 'enter' }, context(journey));
    expect(sends(effects)).toEqual([
      {
        messageId: sendMessageId('j', 'r1', 'mail', 1),
        customerId: 'c1',
        journeyId: 'j',
        runId: 'r1',
        stepId: 'mail',
        visit: 1,
        holdout: false,
        channel: 'email',
        fallback: ['sms'],
        template: 't',
        vars: { code: 'X' },
        transactional: false,
        requestedAt: T0.toISOString(),
      },
    ]);
    expect(after.exposedAt).toBe(T0.toISOString());
  });

  it('marks sends of a global holdout run as holdout with variant holdout', () => {
    const { effects } = advance(run(journey, { holdout: true }), { kind: 'enter' }, context(journey));
    expect(sends(effects)[0]).toMatchObject({ holdout: true, variant: 'holdout' });
  });

  it('counts visits in a loop so each visit has its own message id', () => {
    const loop = journeyFrom(
      `${HEAD}steps:\n  - id: mail\n    send: { channel: email, template: t }\n  - wait: 7d\n    next: mail\n`,
    );
    const first = advance(run(loop), { kind: 'enter' }, context(loop));
    const second = advance(first.run, { kind: 'wake', dueAt: at(7 * DAY).toISOString() }, context(loop, at(7 * DAY)));
    expect(sends(second.effects).map((request) => request.visit)).toEqual([2]);
    expect(sends(second.effects)[0]?.messageId).not.toBe(sends(first.effects)[0]?.messageId);
  });
});

describe('advance: split', () => {
  const journey = journeyFrom(
    `${HEAD}steps:\n  - split: { experiment: e, variants: [{ id: a, weight: 1 }, { id: b, weight: 1, next: bee }, { id: control, weight: 1, holdout: true }] }\n  - id: aye\n    send: { channel: email, template: a }\n  - end: true\n  - id: bee\n    send: { channel: email, template: b }\n`,
  );
  const variantOf = (id: string) => ['a', 'b', 'control'][assignVariant({ key: 'e', weights: [1, 1, 1] }, id)];
  const customerIn = (variant: string) =>
    Array.from({ length: 100 }, (_, i) => `c${i}`).find((id) => variantOf(id) === variant) as string;

  it('assigns by the GrowthBook hash, records the assignment once and follows the variant', () => {
    const customer = customerIn('b');
    const { run: after, effects } = advance(
      run(journey, { customerId: customer }),
      { kind: 'enter' },
      context(journey, T0, { profile: profile({ id: customer }) }),
    );
    expect(after.variant).toBe('b');
    expect(effects).toContainEqual({ kind: 'assign', experiment: 'e', variant: 'b', at: T0.toISOString() });
    expect(sends(effects).map((request) => [request.template, request.variant])).toEqual([['b', 'b']]);
  });

  it('keeps the variant already recorded on the profile and does not record it again', () => {
    const customer = customerIn('b');
    const recorded = profile({ id: customer, experiments: { e: { variant: 'a', assignedAt: T0.toISOString() } } });
    const { effects } = advance(
      run(journey, { customerId: customer }),
      { kind: 'enter' },
      context(journey, T0, { profile: recorded }),
    );
    expect(effects.some((effect) => effect.kind === 'assign')).toBe(false);
    expect(sends(effects).map((request) => request.template)).toEqual(['a']);
  });

  it('skips the sends of a control variant', () => {
    const customer = customerIn('control');
    const { effects } = advance(
      run(journey, { customerId: customer }),
      { kind: 'enter' },
      context(journey, T0, { profile: profile({ id: customer }) }),
    );
    expect(sends(effects)[0]).toMatchObject({ holdout: true, variant: 'control' });
  });

  it('does not assign global holdout runs', () => {
    const { effects, run: after } = advance(run(journey, { holdout: true }), { kind: 'enter' }, context(journey));
    expect(effects.some((effect) => effect.kind === 'assign')).toBe(false);
    expect(after.variant).toBeUndefined();
  });
});

describe('advance: split with coverage', () => {
  const covered = (coverage: string) =>
    journeyFrom(
      `${HEAD}steps:\n  - split: { experiment: e, coverage: ${coverage}, variants: [{ id: a, weight: 1 }, { id: b, weight: 1, next: bee }] }\n  - id: aye\n    send: { channel: email, template: a }\n  - end: true\n  - id: bee\n    send: { channel: email, template: b }\n`,
    );
  const enter = (journey: Journey, customer: string) =>
    advance(
      run(journey, { customerId: customer }),
      { kind: 'enter' },
      context(journey, T0, { profile: profile({ id: customer }) }),
    );
  const customers = Array.from({ length: 2000 }, (_, i) => `c${i}`);

  it('leaves customers outside coverage unassigned, on the first variant’s path with its sends', () => {
    // Prepare
    const journey = covered('0.3');
    const outside = customers.find(
      (id) => assignVariant({ key: 'e', weights: [1, 1], coverage: 0.3 }, id) === -1,
    ) as string;
    // Act
    const { run: after, effects } = enter(journey, outside);
    // Assess
    expect(effects.some((effect) => effect.kind === 'assign')).toBe(false);
    expect(after.variant).toBeUndefined();
    expect(sends(effects).map((request) => [request.template, request.holdout])).toEqual([['a', false]]);
  });

  it('assigns about the covered share, and raising coverage never moves an assigned customer', () => {
    // Act
    const variantAt = (coverage: string) => {
      const journey = covered(coverage);
      return new Map(
        customers.map((id) => [id, enter(journey, id).effects.find((effect) => effect.kind === 'assign')] as const),
      );
    };
    const low = variantAt('0.3');
    const high = variantAt('0.8');
    // Assess
    const assignedLow = [...low.values()].filter(Boolean).length;
    expect(assignedLow / customers.length).toBeGreaterThan(0.25);
    expect(assignedLow / customers.length).toBeLessThan(0.35);
    for (const [id, assignment] of low) {
      if (assignment?.kind === 'assign') expect(high.get(id)).toMatchObject({ variant: assignment.variant });
    }
  });

  it('refuses a coverage outside (0, 1] naming the field', () => {
    expect(() => covered('0')).toThrow(/coverage/);
    expect(() => covered('1.5')).toThrow(/coverage/);
  });
});

describe('advance: branch', () => {
  it('follows then for members of the segment and else for others', () => {
    const journey = journeyFrom(
      `${HEAD}steps:\n  - branch: { segment: vip, then: yes, else: no }\n  - id: yes\n    update: { tag: was_vip }\n  - end: true\n  - id: no\n    update: { tag: not_vip }\n`,
    );
    const member = profile({ segments: { vip: { enteredAt: T0.toISOString() } } });
    const updates = (p: ReturnType<typeof profile>) =>
      advance(run(journey), { kind: 'enter' }, context(journey, T0, { profile: p })).effects.flatMap((effect) =>
        effect.kind === 'update' ? [effect.traits] : [],
      );
    expect(updates(member)).toEqual([{ was_vip: true }]);
    expect(updates(profile())).toEqual([{ not_vip: true }]);
  });

  describe('on engagement', () => {
    const journey = journeyFrom(
      `${HEAD}steps:\n  - id: mail\n    send: { channel: email, template: t }\n  - branch: { opened: mail, within: 1d, then: done, else: sms }\n  - id: sms\n    send: { channel: sms, template: s }\n  - id: done\n    end: true\n`,
    );
    const sent = (): JourneyRun => advance(run(journey), { kind: 'enter' }, context(journey)).run;

    it('waits for the window after the message', () => {
      expect(sent()).toMatchObject({ status: 'waiting', stepId: 'step-2', wakeAt: at(DAY).toISOString() });
    });

    it('takes then as soon as the message is opened within the window', () => {
      const { run: after, effects } = advance(
        sent(),
        { kind: 'engagement', type: 'opened', stepId: 'mail', at: at(3 * HOUR).toISOString() },
        context(journey, at(3 * HOUR)),
      );
      expect(after).toMatchObject({ status: 'completed', stepId: 'done' });
      expect(after.wakeAt).toBeUndefined();
      expect(sends(effects)).toEqual([]);
    });

    it('counts a click as an open', () => {
      const { run: after } = advance(
        sent(),
        { kind: 'engagement', type: 'clicked', stepId: 'mail', at: at(HOUR).toISOString() },
        context(journey, at(HOUR)),
      );
      expect(after.stepId).toBe('done');
    });

    it('takes else when the window closes without an open', () => {
      const { effects } = advance(sent(), { kind: 'wake', dueAt: at(DAY).toISOString() }, context(journey, at(DAY)));
      expect(sends(effects).map((request) => request.channel)).toEqual(['sms']);
    });

    it('records a delivery without moving on', () => {
      const waiting = sent();
      const { run: after } = advance(
        waiting,
        { kind: 'engagement', type: 'delivered', stepId: 'mail', at: at(HOUR).toISOString() },
        context(journey, at(HOUR)),
      );
      expect(after).toBe(waiting);
    });
  });
});

describe('advance: update, end, exit, goal', () => {
  const journey = journeyFrom(
    `${HEAD}goal: { event: Order Completed, within: 7d }\nsteps:\n  - update: { trait: plan, value: gold }\n  - wait: 1d\n  - end: true\n  - send: { channel: email, template: never }\n`,
  );

  it('emits trait updates and ends at an end step without running later steps', () => {
    const first = advance(run(journey), { kind: 'enter' }, context(journey));
    expect(first.effects).toContainEqual({ kind: 'update', traits: { plan: 'gold' } });
    const done = advance(first.run, { kind: 'wake', dueAt: at(DAY).toISOString() }, context(journey, at(DAY)));
    expect(done.run.status).toBe('completed');
    expect(sends(done.effects)).toEqual([]);
  });

  it('exits a waiting run and forgets its wake', () => {
    const waiting = advance(run(journey), { kind: 'enter' }, context(journey)).run;
    const { run: exited } = advance(
      waiting,
      { kind: 'exit', reason: 'event Order Completed' },
      context(journey, at(HOUR)),
    );
    expect(exited).toMatchObject({ status: 'exited', exitReason: 'event Order Completed' });
    expect(exited.wakeAt).toBeUndefined();
  });

  it('records the goal once, only within its window from entry', () => {
    const entered = run(journey);
    const inTime = advance(entered, { kind: 'goal', at: at(2 * DAY).toISOString() }, context(journey, at(2 * DAY)));
    expect(inTime.run.convertedAt).toBe(at(2 * DAY).toISOString());
    expect(
      advance(inTime.run, { kind: 'goal', at: at(3 * DAY).toISOString() }, context(journey, at(3 * DAY))).effects,
    ).toEqual([]);
    expect(
      advance(entered, { kind: 'goal', at: at(8 * DAY).toISOString() }, context(journey, at(8 * DAY))).run.convertedAt,
    ).toBeUndefined();
  });
});

describe('advance: a goal before the split', () => {
  const journey = journeyFrom(
    `${HEAD}goal: { event: Signed Up, within: 7d }\nsteps:\n  - wait: 1d\n  - split: { experiment: e, variants: [{ id: a, weight: 1 }, { id: b, weight: 1 }] }\n  - send: { channel: email, template: t }\n`,
  );

  it('does not hide the first goal after the split, which the variant arms count from', () => {
    // Prepare: the goal is reached during the wait, before the customer is assigned a variant.
    const waiting = advance(run(journey), { kind: 'enter' }, context(journey)).run;
    const early = advance(waiting, { kind: 'goal', at: at(HOUR).toISOString() }, context(journey, at(HOUR)));
    const split = advance(early.run, { kind: 'wake', dueAt: at(DAY).toISOString() }, context(journey, at(DAY))).run;

    // Act
    const later = advance(split, { kind: 'goal', at: at(2 * DAY).toISOString() }, context(journey, at(2 * DAY)));
    const again = advance(later.run, { kind: 'goal', at: at(3 * DAY).toISOString() }, context(journey, at(3 * DAY)));

    // Assess: entry's goal stays (the holdout comparison counts from entry); the split's is kept once.
    expect(early.run.convertedAt).toBe(at(HOUR).toISOString());
    expect(split.assignedAt).toBe(at(DAY).toISOString());
    expect(later.run).toMatchObject({
      convertedAt: at(HOUR).toISOString(),
      convertedAfterSplitAt: at(2 * DAY).toISOString(),
    });
    expect(again.run).toBe(later.run);
  });

  it('keeps one goal when the first came after the split', () => {
    // Prepare
    const waiting = advance(run(journey), { kind: 'enter' }, context(journey)).run;
    const split = advance(waiting, { kind: 'wake', dueAt: at(DAY).toISOString() }, context(journey, at(DAY))).run;

    // Act
    const goal = advance(split, { kind: 'goal', at: at(2 * DAY).toISOString() }, context(journey, at(2 * DAY)));
    const second = advance(goal.run, { kind: 'goal', at: at(3 * DAY).toISOString() }, context(journey, at(3 * DAY)));

    // Assess
    expect(goal.run.convertedAt).toBe(at(2 * DAY).toISOString());
    expect(second.run.convertedAfterSplitAt).toBeUndefined();
  });
});
