/**
 * Sends paced at enqueue (issue 20, "How we will know"): 1,000 sends of a journey limited to
 * 10 messages a second, queued at once as process-events queues a scheduled journey's sends, on
 * the virtual clock. They take their slots as they are queued (PacedSendQueue); release-deferred
 * passes every minute over the whole minute (as in AWS, decision 176), the real send handler
 * decides them over the local sends FIFO queue with AWS's visibility and receive count. Every
 * message must end sent or refused for a reason, none dead-lettered, none tried and deferred by
 * the send function, and every minute must carry the journey's rate within 10 %.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { buildHandler as buildReleaseDeferred } from '../../functions/release-deferred.js';
import { buildHandler as buildSendHandler } from '../../functions/send.js';
import { PacedSendQueue } from '../../shared/channels/paced-send-queue.js';
import type { EmailSender } from '../../shared/channels/ports.js';
import type { SendResult } from '../../shared/channels/send-outcome.js';
import { sendMessageId } from '../../shared/channels/send-request.js';
import { LocalFifoQueue } from '../../shared/local/fifo-queue.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import { LocalSendQueue } from '../../shared/local/local-send-queue.js';
import { InProcessSendRateLimiter } from '../../shared/local/local-send-rate.js';
import { drainQueue } from '../../shared/local/queue-driver.js';
import { consentingProfile, NOON, sendHarness, sendRequest } from '../unit/channels/send-harness.js';

const VISIBILITY_SECONDS = 180;
const MAX_RECEIVES = 5;
const MINUTE_MS = 60_000;
const RATE = 10;
const SENDS = 1000;

async function pacedBurst() {
  const h = sendHarness();
  const { clock } = h;
  for (let index = 0; index < SENDS; index++) {
    const profile = consentingProfile(`paced-${index}`);
    // Every 50th customer withdrew email consent, every 40th address is suppressed: refusals with a reason.
    if (index % 50 === 7) profile.consent.email = { granted: false, at: '2026-10-02T00:00:00Z' };
    profile.channels.email = `paced-${index}@example.com`;
    h.profiles.items.set(profile.id, profile);
    if (index % 40 === 3) await h.suppression.suppress(profile.channels.email, 'bounce', '2026-10-03T00:00:00Z');
  }
  const sentAt: number[] = [];
  const email: EmailSender = {
    sendRawEmail: async (message) => {
      sentAt.push(clock.now().getTime());
      return h.email.sendRawEmail(message);
    },
  };
  const rate = new InProcessSendRateLimiter();
  const journeyPolicy = (journeyId: string) =>
    journeyId === 'welcome-journey' ? { messagesPerSecond: RATE } : undefined;
  const results: SendResult[] = [];
  const decidedAt: number[] = [];
  const silent = (serviceName: string) => new Logger({ serviceName, logLevel: 'SILENT' });
  const send = buildSendHandler({
    ...h.deps,
    email,
    rate,
    journeyPolicy,
    logger: silent('send'),
    onResult: (_request, result) => {
      results.push(result);
      decidedAt.push(clock.now().getTime());
    },
  });
  const dlq = new LocalFifoQueue({ name: 'sends-dlq.fifo', clock });
  const queue = new LocalFifoQueue({
    name: 'sends.fifo',
    clock,
    dlq,
    visibilityTimeoutSeconds: VISIBILITY_SECONDS,
    maxReceiveCount: MAX_RECEIVES,
  });
  let deferWrites = 0;
  const due = {
    defer: async (...args: Parameters<typeof h.due.defer>) => {
      deferWrites++;
      await h.due.defer(...args);
    },
  };
  // As process-events and release-deferred queue them: slots taken at enqueue.
  const paced = new PacedSendQueue(new LocalSendQueue(queue), { rate, due, settings: {}, journeyPolicy, clock });
  const drain = () => drainQueue(queue, send, { clock, concurrency: 1, functionName: 'send' });
  const release = buildReleaseDeferred({
    due: h.due,
    sends: paced,
    clock,
    horizonMs: MINUTE_MS,
    waitUntil: async (at) => {
      await drain();
      if (at > clock.now()) clock.set(at);
    },
    logger: silent('release-deferred'),
  });
  const requests = Array.from({ length: SENDS }, (_, index) =>
    sendRequest({
      customerId: `paced-${index}`,
      runId: `run-${index}`,
      messageId: sendMessageId('welcome-journey', `run-${index}`, 's1', 0),
    }),
  );

  // One enqueue per customer, as process-events handles each customer's schedule message.
  for (const request of requests) await paced.enqueue([request]);
  const deferredAtEnqueue = deferWrites;
  await drain();
  let passes = 0;
  for (let passAt = NOON.getTime(); (h.due.items.size > 0 || queue.depth > 0) && passes < 10; passAt += MINUTE_MS) {
    if (clock.now().getTime() < passAt) clock.set(new Date(passAt));
    // The pass here also runs the send function's work (its waits drain the queue): no 60-s Lambda budget.
    await release({}, { ...localLambdaContext('release-deferred'), getRemainingTimeInMillis: () => 600_000 });
    await drain();
    passes++;
  }
  // Decisions per minute: a refused send used its slot as a sent one did.
  const perMinute: number[] = [];
  for (const at of decidedAt) {
    const minute = Math.floor((at - NOON.getTime()) / MINUTE_MS);
    perMinute[minute] = (perMinute[minute] ?? 0) + 1;
  }
  const perSecond = new Map<number, number>();
  for (const at of sentAt) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
  const reasons: Record<string, number> = {};
  for (const result of results) {
    const key = result.cause ?? result.reason;
    reasons[key] = (reasons[key] ?? 0) + 1;
  }
  return {
    passes,
    perMinute: Array.from(perMinute, (count) => count ?? 0),
    busiestSecond: Math.max(...perSecond.values()),
    reasons,
    decided: results.length,
    deferredAtEnqueue,
    deadLettered: queue.deadLettered + dlq.depth,
    queueLeft: queue.depth,
    deferredLeft: h.due.items.size,
    lastSendMs: Math.max(...sentAt) - NOON.getTime(),
  };
}

describe('1,000 sends of a journey limited to 10 per second, paced at enqueue', { timeout: 240_000 }, () => {
  it('ends every send sent or refused for a reason, none dead-lettered, each minute at the rate within 10 %', async () => {
    // Act
    const outcome = await pacedBurst();

    // Assess: every message has one end, and nothing is left anywhere
    expect(outcome.deadLettered).toBe(0);
    expect(outcome.queueLeft).toBe(0);
    expect(outcome.deferredLeft).toBe(0);
    expect(outcome.decided).toBe(SENDS);
    expect(outcome.reasons).toEqual({ sent: 955, no_consent: 20, suppressed: 25 });
    // Paced at enqueue: the first second went at once, the rest waited in `due`; the send
    // function never tried one over the rate (no `rate_limited` deferral of its own)
    expect(outcome.deferredAtEnqueue).toBe(SENDS - RATE);
    expect(outcome.reasons.rate_limited).toBeUndefined();
    // Each full minute at 10/s within 10 %, the last one no faster; never more than 10 emails in a second
    const full = outcome.perMinute.slice(0, -1);
    expect(full.length).toBeGreaterThan(0);
    for (const count of full) expect(Math.abs(count - RATE * 60)).toBeLessThanOrEqual(RATE * 60 * 0.1);
    expect(outcome.perMinute.at(-1)).toBeLessThanOrEqual(RATE * 60 * 1.1);
    expect(outcome.busiestSecond).toBeLessThanOrEqual(RATE);
    // 1,000 slots at 10/s: the last in the 100th second
    expect(outcome.lastSendMs).toBeLessThan(100_000);
    console.info(`paced burst, 1,000 at 10/s: ${JSON.stringify(outcome)}`);
  });
});
