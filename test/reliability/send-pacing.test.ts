/**
 * Sends paced at enqueue (issue 20, "How we will know"): 1,000 sends of a journey limited to
 * 10 messages a second, queued at once on the virtual clock (test/reliability/paced-burst.ts).
 * Every message must end sent or refused for a reason, none dead-lettered, none tried and
 * deferred by the send function, and every minute must carry the journey's rate within 10 %.
 */
import { describe, expect, it } from 'vitest';
import { MINUTE_MS, pacedBurst } from './paced-burst.js';

const RATE = 10;
const SENDS = 1000;

describe('1,000 sends of a journey limited to 10 per second, paced at enqueue', { timeout: 240_000 }, () => {
  it('ends every send sent or refused for a reason, none dead-lettered, each minute at the rate within 10 %', async () => {
    // Act
    const outcome = await pacedBurst({ sends: SENDS, perSecond: RATE, atEnqueue: true });

    // Assess: every message has one end, and nothing is left anywhere
    expect(outcome.deadLettered).toBe(0);
    expect(outcome.queueLeft).toBe(0);
    expect(outcome.deferredLeft).toBe(0);
    expect(outcome.decided).toBe(SENDS);
    expect(outcome.reasons).toEqual({ sent: 955, no_consent: 20, suppressed: 25 });
    // Paced at enqueue: the first second went at once, the rest waited in `due`; the send
    // function never tried one over the rate (no `rate_limited` deferral of its own)
    expect(outcome.deferredAtEnqueue).toBe(SENDS - RATE);
    expect(outcome.deferWrites).toBe(SENDS - RATE);
    expect(outcome.reasons.rate_limited).toBeUndefined();
    // Each full minute at 10/s within 10 %, the last one no faster; never more than 10 emails in a second
    const full = outcome.perMinute.slice(0, -1);
    expect(full.length).toBeGreaterThan(0);
    for (const count of full) expect(Math.abs(count - (RATE * MINUTE_MS) / 1000)).toBeLessThanOrEqual(RATE * 6);
    expect(outcome.perMinute.at(-1)).toBeLessThanOrEqual(RATE * 66);
    expect(outcome.busiestSecond).toBeLessThanOrEqual(RATE);
    // 1,000 slots at 10/s: the last in the 100th second
    expect(outcome.lastDecisionMs).toBeLessThan(100_000);
    console.info(`paced burst, 1,000 at 10/s: ${JSON.stringify(outcome)}`);
  });
});
