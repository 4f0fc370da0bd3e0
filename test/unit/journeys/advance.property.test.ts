/**
 * Properties of the journey reducer under any sequence of wakes (due, stale, repeated),
 * engagements, goals and exits: a message id is never produced twice, a finished run never
 * sends again, and a waiting run always carries the wake it waits for.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advance, type RunTrigger } from '../../../shared/journeys/advance.js';
import type { JourneyRun } from '../../../shared/journeys/run.js';
import { DAY, HOUR, journeyFrom, profile, run, T0 } from './journey-builders.js';

const journey = journeyFrom(`id: j
trigger: { event: Product Viewed }
goal: { event: Order Completed, within: 7d }
steps:
  - id: mail
    send: { channel: email, template: t }
  - branch: { opened: mail, within: 1d, then: later, else: sms }
  - id: sms
    send: { channel: sms, template: s }
  - id: later
    wait: 2d
  - split: { experiment: e, variants: [{ id: a, weight: 1 }, { id: b, weight: 1, next: mail }] }
  - update: { tag: done }
`);

type Action =
  | { kind: 'wake-due' }
  | { kind: 'wake-stale'; offset: number }
  | { kind: 'open' }
  | { kind: 'click' }
  | { kind: 'goal' }
  | { kind: 'exit' }
  | { kind: 'time'; ms: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ kind: 'wake-due' as const }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: -3 * DAY, max: 3 * DAY }).map((offset) => ({ kind: 'wake-stale' as const, offset })),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'open' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'click' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'goal' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'exit' as const }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 3 * DAY }).map((ms) => ({ kind: 'time' as const, ms })) },
);

describe('advance (properties)', () => {
  it('never produces a message id twice, never sends after the run ended, and always waits with a wakeAt', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 8 }),
        fc.array(action, { maxLength: 40 }),
        (customerId, actions) => {
          let now = T0.getTime();
          let current: JourneyRun = run(journey, { customerId });
          const ids = new Set<string>();
          const step = (trigger: RunTrigger): void => {
            const ended = current.status === 'completed' || current.status === 'exited';
            const { run: next, effects } = advance(current, trigger, {
              journey,
              profile: profile({ id: customerId }),
              now: new Date(now),
              defaultTimezone: 'UTC',
            });
            for (const effect of effects) {
              if (effect.kind !== 'send') continue;
              expect(ended).toBe(false);
              expect(ids.has(effect.request.messageId)).toBe(false);
              ids.add(effect.request.messageId);
            }
            if (next.status === 'waiting') expect(next.wakeAt).toBeDefined();
            else expect(next.wakeAt).toBeUndefined();
            current = next;
          };
          step({ kind: 'enter' });
          for (const a of actions) {
            const at = new Date(now).toISOString();
            switch (a.kind) {
              case 'time':
                now += a.ms;
                break;
              case 'wake-due':
                if (current.wakeAt) {
                  now = Math.max(now, Date.parse(current.wakeAt));
                  step({ kind: 'wake', dueAt: current.wakeAt });
                }
                break;
              case 'wake-stale':
                step({
                  kind: 'wake',
                  dueAt: new Date(
                    Date.parse(current.wakeAt ?? at) + a.offset + (a.offset === 0 ? HOUR : 0),
                  ).toISOString(),
                });
                break;
              case 'open':
              case 'click':
                step({ kind: 'engagement', type: a.kind === 'open' ? 'opened' : 'clicked', stepId: 'mail', at });
                break;
              case 'goal':
                step({ kind: 'goal', at });
                break;
              case 'exit':
                step({ kind: 'exit', reason: 'test' });
                break;
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("ignores a wake that does not name the run's wakeAt", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10 * DAY, max: 10 * DAY }).filter((offset) => offset !== 0),
        (offset) => {
          const waiting = advance(
            run(journey),
            { kind: 'enter' },
            { journey, profile: profile(), now: T0, defaultTimezone: 'UTC' },
          ).run;
          const dueAt = new Date(Date.parse(waiting.wakeAt as string) + offset).toISOString();
          const later = new Date(T0.getTime() + 20 * DAY);
          expect(
            advance(
              waiting,
              { kind: 'wake', dueAt },
              { journey, profile: profile(), now: later, defaultTimezone: 'UTC' },
            ),
          ).toEqual({ run: waiting, effects: [] });
        },
      ),
    );
  });
});
