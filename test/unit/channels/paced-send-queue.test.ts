/** Sends paced at enqueue (decision 175): slots taken as requests are queued, waits go to `due` with what they hold. */
import { describe, expect, it } from 'vitest';
import { cursorOf, cursorShards, reserveSlots } from '../../../shared/channels/pace.js';
import { PacedSendQueue, paceAtEnqueue, type EnqueuePacingDeps } from '../../../shared/channels/paced-send-queue.js';
import type { RateScope, SendRateLimiter } from '../../../shared/channels/ports.js';
import type { SendRequest } from '../../../shared/channels/send-request.js';
import { InProcessSendRateLimiter } from '../../../shared/local/local-send-rate.js';
import { VirtualClock } from '../../../shared/local/virtual-clock.js';
import { InMemoryDueQueue } from '../../fakes/in-memory-channels.js';
import { NOON, sendRequest } from './send-harness.js';

/** A limiter that counts its writes (one per reserve call, as the table's cursor update). */
class CountingLimiter implements SendRateLimiter {
  readonly calls: { scope: RateScope; count: number }[] = [];
  private readonly inner = new InProcessSendRateLimiter();
  async reserve(scope: RateScope, perSecond: number, now: Date, count = 1): Promise<Date> {
    this.calls.push({ scope, count });
    return this.inner.reserve(scope, perSecond, now, count);
  }
}

function pacing(options: { journey?: number; account?: number } = {}) {
  const clock = new VirtualClock(NOON);
  const rate = new CountingLimiter();
  const due = new InMemoryDueQueue();
  const queued: SendRequest[] = [];
  const deps: EnqueuePacingDeps = {
    rate,
    due,
    clock,
    settings: options.account === undefined ? {} : { sending: { email: { messagesPerSecond: options.account } } },
    journeyPolicy: (journeyId) =>
      journeyId === 'welcome-journey' && options.journey !== undefined
        ? { messagesPerSecond: options.journey }
        : undefined,
  };
  const queue = new PacedSendQueue({ enqueue: async (requests) => void queued.push(...requests) }, deps);
  return { clock, rate, due, queued, deps, queue };
}

const requests = (count: number, journeyId = 'welcome-journey') =>
  Array.from({ length: count }, (_, index) =>
    sendRequest({
      customerId: `c${index}`,
      runId: `r${index}`,
      journeyId,
      messageId: index.toString(16).padStart(64, '0'),
    }),
  );

const deferred = (due: InMemoryDueQueue) => [...due.items.values()].sort((a, b) => a.wakeAt.localeCompare(b.wakeAt));

describe('PacedSendQueue', () => {
  it('queues the first second of a journey at 10/s now and defers the rest to their slots, holding them, in one cursor write', async () => {
    // Prepare
    const { queue, queued, due, rate } = pacing({ journey: 10 });

    // Act
    await queue.enqueue(requests(25));

    // Assess: 10 slots within the second go now; the other 15 wait 100 ms apart from 1 s on
    expect(queued.map((request) => request.pacedAt)).toEqual(
      Array.from({ length: 10 }, (_, index) => new Date(NOON.getTime() + index * 100).toISOString()),
    );
    const waiting = deferred(due);
    expect(waiting.map((item) => item.wakeAt)).toEqual(
      Array.from({ length: 15 }, (_, index) => new Date(NOON.getTime() + 1000 + index * 100).toISOString()),
    );
    expect(
      waiting.every((item) => item.request.journeySlot === item.wakeAt && item.request.pacedAt === undefined),
    ).toBe(true);
    expect(rate.calls).toEqual([{ scope: 'journey:welcome-journey', count: 25 }]);
  });

  it('leaves requests alone when no rate applies, and confirmations always', async () => {
    // Prepare
    const { queue, queued, due, rate } = pacing({ account: 1 });
    const confirm = sendRequest({ kind: 'confirm', customerId: 'x' });

    // Act
    await queue.enqueue([confirm]);
    await new PacedSendQueue({ enqueue: async (r) => void queued.push(...r) }, { ...pacing().deps }).enqueue(
      requests(3),
    );

    // Assess
    expect(queued).toEqual([confirm, ...requests(3)]);
    expect(due.items.size).toBe(0);
    expect(rate.calls).toEqual([]);
  });

  it('takes the account slot only when the journey slot has come, so a slow journey does not hold the account back', async () => {
    // Prepare: a journey at 1/s and an account at 10/s
    const { queue, queued, due, rate, clock } = pacing({ journey: 1, account: 10 });

    // Act: three sends of the slow journey, then five of another journey
    await queue.enqueue(requests(3));
    await queue.enqueue(requests(5, 'other-journey'));

    // Assess: the slow journey's later two wait for its slots without an account slot; the other
    // journey's five go now on the account's slots right after the first send's
    expect(deferred(due).map((item) => [item.wakeAt, item.request.journeySlot])).toEqual([
      [new Date(NOON.getTime() + 1000).toISOString(), new Date(NOON.getTime() + 1000).toISOString()],
      [new Date(NOON.getTime() + 2000).toISOString(), new Date(NOON.getTime() + 2000).toISOString()],
    ]);
    expect(queued.map((request) => [request.journeyId, request.pacedAt])).toEqual([
      ['welcome-journey', NOON.toISOString()],
      ...[1, 2, 3, 4, 5].map((index) => ['other-journey', new Date(NOON.getTime() + index * 100).toISOString()]),
    ]);

    // Act: the first deferral comes back (release-deferred puts it on this queue at its wake time)
    clock.set(new Date(NOON.getTime() + 1000));
    const [first] = deferred(due);
    due.items.clear();
    queued.length = 0;
    await queue.enqueue([{ ...(first?.request as SendRequest), deferredUntil: first?.wakeAt }]);

    // Assess: it keeps its journey slot and takes the account's next one (after the other journey's)
    expect(queued.map((request) => [request.pacedAt, request.journeySlot])).toEqual([
      [new Date(NOON.getTime() + 1000).toISOString(), undefined],
    ]);
    expect(rate.calls.map((call) => call.scope)).toEqual([
      'journey:welcome-journey',
      'account:email',
      'account:email',
      'account:email',
    ]);
  });

  it('passes a request through with an unspent slot, and takes a new one for a slot that passed unused', async () => {
    // Prepare
    const { deps } = pacing({ journey: 10 });
    const [held, stale] = requests(2);
    const heldAt = new Date(NOON.getTime() + 300).toISOString();
    const staleAt = new Date(NOON.getTime() - 5000).toISOString();

    // Act
    const plan = await paceAtEnqueue(deps, [
      { ...(held as SendRequest), pacedAt: heldAt },
      { ...(stale as SendRequest), journeySlot: staleAt },
    ]);

    // Assess
    expect(plan.deferred).toEqual([]);
    expect(plan.now.map((request) => [request.pacedAt, request.journeySlot])).toEqual([
      [heldAt, undefined],
      [NOON.toISOString(), undefined],
    ]);
  });
});

describe('cursor shards', () => {
  it('keeps one cursor up to 250/s and splits a faster scope evenly, a customer always on the same shard', async () => {
    // Assess
    expect(cursorShards(250)).toBe(1);
    expect(cursorShards(251)).toBe(2);
    expect(cursorOf('journey:j', 10, 'c1')).toEqual({ cursor: 'journey:j', perSecond: 10 });
    const sharded = cursorOf('account:email', 1000, 'c1');
    expect(sharded.perSecond).toBe(250);
    expect(sharded.cursor).toMatch(/^account:email#[0-3]$/);
    expect(cursorOf('account:email', 1000, 'c1')).toEqual(sharded);
    const shards = new Set(Array.from({ length: 200 }, (_, index) => cursorOf('journey:j', 1000, `c${index}`).cursor));
    expect(shards.size).toBe(4);

    // Act: 1,000 sends at 1,000/s over four shards
    const limiter = new InProcessSendRateLimiter();
    const slots = await Promise.all(
      Array.from({ length: 1000 }, (_, index) =>
        reserveSlots(limiter, 'journey:j', 1000, `c${index}`, NOON).then(([slot]) => slot?.getTime() ?? 0),
      ),
    );

    // Assess: about a second of slots, as one cursor at 1,000/s would give (shards fill unevenly by a few percent)
    const span = Math.max(...slots) - NOON.getTime();
    expect(span).toBeGreaterThan(900);
    expect(span).toBeLessThan(1200);
  });
});
