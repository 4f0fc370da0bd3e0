/**
 * A scheduled pass runs once per scheduled time (issue 16, 6): a second delivery of the same
 * Scheduler invocation does nothing, through the real handlers.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { buildHandler as buildJourneySchedulePlan } from '../../../functions/journey-schedule-plan.js';
import { buildHandler as buildJourneyTick } from '../../../functions/journey-tick.js';
import { buildHandler as buildReleaseDeferred } from '../../../functions/release-deferred.js';
import type { DeferredSend, DueQueue } from '../../../shared/channels/ports.js';
import type { SendRequest } from '../../../shared/channels/send-request.js';
import { claimScheduledSlot } from '../../../shared/events/scheduled-slot.js';
import type { CustomerMessage } from '../../../shared/events/messages.js';
import { InMemoryJourneyStore } from '../../../shared/journeys/in-memory-journey-store.js';
import { localLambdaContext } from '../../../shared/local/lambda-context.js';
import { InMemoryPassSlots } from '../../fakes/in-memory-pass-slots.js';

const SLOT = '2026-12-07T10:00:00Z';
const NOW = new Date('2026-12-07T10:00:03Z');
const clock = { now: () => NOW };
const silent = (serviceName: string) => new Logger({ serviceName, logLevel: 'SILENT' });

describe('claimScheduledSlot', () => {
  it('runs the first delivery of a slot, skips the second, and runs a different slot', async () => {
    // Prepare
    const slots = new InMemoryPassSlots();

    // Act
    const first = await claimScheduledSlot(slots, 'journey-tick', { scheduledTime: SLOT });
    const second = await claimScheduledSlot(slots, 'journey-tick', { scheduledTime: SLOT });
    const next = await claimScheduledSlot(slots, 'journey-tick', { scheduledTime: '2026-12-07T10:01:00Z' });
    const otherPass = await claimScheduledSlot(slots, 'segment-expiry', { scheduledTime: SLOT });

    // Assess
    expect(first).toBeUndefined();
    expect(second).toEqual({ skipped: 'slot already claimed', scheduledTime: SLOT });
    expect(next).toBeUndefined();
    expect(otherPass).toBeUndefined();
  });

  it('always runs an invocation without a scheduled time (local runtime, manual run)', async () => {
    // Prepare
    const slots = new InMemoryPassSlots();

    // Act
    const runs = [await claimScheduledSlot(slots, 'journey-tick', {}), await claimScheduledSlot(undefined, 'x', {})];

    // Assess
    expect(runs).toEqual([undefined, undefined]);
    expect(slots.claimed.size).toBe(0);
  });

  it('refuses a scheduled invocation when no slot store was wired, naming the pass', async () => {
    // Act
    const claim = claimScheduledSlot(undefined, 'journey-tick', { scheduledTime: SLOT });

    // Assess
    await expect(claim).rejects.toThrow(/journey-tick: a scheduled invocation \(2026-12-07T10:00:00Z\) arrived/);
  });
});

describe('a repeated Scheduler delivery', () => {
  it('of journey-tick enqueues the due wakes once', async () => {
    // Prepare
    const store = new InMemoryJourneyStore();
    store.runs.set('k', {
      customerId: 'c1',
      journeyId: 'welcome',
      runId: 'r1',
      status: 'waiting',
      wakeAt: '2026-12-07T09:59:00Z',
    } as never);
    const queued: CustomerMessage[] = [];
    const handler = buildJourneyTick({
      index: store,
      queue: { enqueue: async (messages) => void queued.push(...messages) },
      clock,
      slots: new InMemoryPassSlots(),
      logger: silent('journey-tick'),
    });

    // Act
    const first = await handler({ scheduledTime: SLOT }, localLambdaContext('journey-tick'));
    const again = await handler({ scheduledTime: SLOT }, localLambdaContext('journey-tick'));

    // Assess
    expect(first).toMatchObject({ found: 1, enqueued: 1, complete: true });
    expect(again).toEqual({ skipped: 'slot already claimed', scheduledTime: SLOT });
    expect(queued).toHaveLength(1);
  });

  it('of release-deferred releases a deferred send once', async () => {
    // Prepare
    const request = { customerId: 'c1', messageId: 'm1' } as SendRequest;
    const deferred: DeferredSend[] = [{ request, wakeAt: '2026-12-07T06:00:00Z', version: 1 }];
    const due: DueQueue = {
      defer: async () => undefined,
      async *due() {
        yield* [...deferred];
      },
      cancel: async () => undefined,
      remove: async (released) => {
        const index = deferred.indexOf(released);
        if (index >= 0) deferred.splice(index, 1);
        return index >= 0;
      },
    };
    const sent: SendRequest[] = [];
    const handler = buildReleaseDeferred({
      due,
      sends: { enqueue: async (requests) => void sent.push(...requests) },
      clock,
      slots: new InMemoryPassSlots(),
      logger: silent('release-deferred'),
    });

    // Act
    const first = await handler({ scheduledTime: SLOT }, localLambdaContext('release-deferred'));
    deferred.push({ request, wakeAt: '2026-12-07T06:00:00Z', version: 1 }); // as if the removal had not been seen yet
    const again = await handler({ scheduledTime: SLOT }, localLambdaContext('release-deferred'));

    // Assess
    expect(first).toEqual({ released: 1 });
    expect(again).toEqual({ skipped: 'slot already claimed', scheduledTime: SLOT });
    expect(sent).toEqual([{ ...request, deferredUntil: '2026-12-07T06:00:00Z' }]);
  });

  it('of the journey-schedule plan ends the run without shards', async () => {
    // Prepare
    const handler = buildJourneySchedulePlan({
      slots: new InMemoryPassSlots(),
      clock,
      shards: 8,
      logger: silent('journey-schedule-plan'),
    });

    // Act
    const first = await handler({ scheduledTime: SLOT }, localLambdaContext('journey-schedule-plan'));
    const again = await handler({ scheduledTime: SLOT }, localLambdaContext('journey-schedule-plan'));

    // Assess
    expect(first).toMatchObject({ run: true, at: SLOT });
    expect(first.run && first.shards).toEqual(
      Array.from({ length: 8 }, (_, shard) => ({ shard, shards: 8, at: SLOT })),
    );
    expect(again).toEqual({ run: false, at: SLOT, reason: 'slot already claimed' });
  });
});
