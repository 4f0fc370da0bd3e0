import { describe, expect, it } from 'vitest';
import type { CustomerMessage } from '../../../shared/events/messages.js';
import { applySignal } from '../../../shared/journeys/engine.js';
import { dueSlot } from '../../../shared/journeys/schedule.js';
import { schedulePass } from '../../../shared/journeys/schedule-pass.js';
import type { Profile } from '../../../shared/profiles/schema.js';
import { HOUR, journeyFrom, profile } from './journey-builders.js';

const MONDAY_10_ISTANBUL = new Date('2026-03-02T07:00:00Z');
const winBack = journeyFrom(
  'id: win-back\ntrigger: { schedule: "0 10 * * MON", audience: churn_risk }\nentry: { reentry: { after: 30d } }\nsteps:\n  - send: { channel: email, template: t }\n',
);

describe('dueSlot', () => {
  it("finds the slot at 10:00 in the customer's timezone within the window", () => {
    expect(dueSlot('0 10 * * MON', 'Europe/Istanbul', new Date('2026-03-02T07:30:00Z'), HOUR)).toBe(
      '2026-03-02T07:00:00.000Z',
    );
  });

  it('counts a pass exactly at the slot', () => {
    expect(dueSlot('0 10 * * MON', 'Europe/Istanbul', MONDAY_10_ISTANBUL, HOUR)).toBe('2026-03-02T07:00:00.000Z');
  });

  it("finds nothing once the window has passed, or for another timezone's 10:00", () => {
    expect(dueSlot('0 10 * * MON', 'Europe/Istanbul', new Date('2026-03-02T08:00:00Z'), HOUR)).toBeUndefined();
    expect(dueSlot('0 10 * * MON', 'America/New_York', new Date('2026-03-02T07:30:00Z'), HOUR)).toBeUndefined();
  });
});

describe('schedulePass', () => {
  async function* profiles(...items: Profile[]): AsyncIterable<Profile> {
    yield* items;
  }

  it('enqueues a schedule message for audience members whose local slot came, and no one else', async () => {
    // Prepare
    const member = (id: string, timezone: string) =>
      profile({ id, timezone, segments: { churn_risk: { enteredAt: '2026-01-01T00:00:00Z' } } });
    const queued: CustomerMessage[] = [];
    // Act
    const result = await schedulePass({
      journeys: [winBack],
      profiles: profiles(
        member('ist', 'Europe/Istanbul'),
        member('nyc', 'America/New_York'),
        profile({ id: 'outsider', timezone: 'Europe/Istanbul' }),
      ),
      queue: { enqueue: async (messages) => void queued.push(...messages) },
      clock: { now: () => new Date('2026-03-02T07:10:00Z') },
      defaultTimezone: 'UTC',
    });
    // Assess
    expect(queued).toEqual([
      { kind: 'schedule', customerId: 'ist', journeyId: 'win-back', slot: '2026-03-02T07:00:00.000Z' },
    ]);
    expect(result).toEqual({ scanned: 3, enqueued: 1, source: 'scan' });
  });

  it('starts one run per slot, whatever the number of passes', () => {
    const p = profile({ segments: { churn_risk: { enteredAt: '2026-01-01T00:00:00Z' } } });
    // Re-entry always: only the slot-derived run id can stop a second run.
    const always = journeyFrom(
      'id: win-back\ntrigger: { schedule: "0 10 * * MON", audience: churn_risk }\nentry: { reentry: always }\nsteps:\n  - end: true\n',
    );
    const context = {
      journeys: [always],
      profile: p,
      runs: [],
      now: MONDAY_10_ISTANBUL,
      defaultTimezone: 'UTC',
      holdoutPercent: 0,
    };
    const first = applySignal(context, {
      kind: 'schedule',
      journeyId: 'win-back',
      slot: MONDAY_10_ISTANBUL.toISOString(),
    });
    const again = applySignal(
      { ...context, runs: first.map((change) => change.run) },
      { kind: 'schedule', journeyId: 'win-back', slot: MONDAY_10_ISTANBUL.toISOString() },
    );
    expect(first).toHaveLength(1);
    expect(again).toEqual([]);
  });
});
