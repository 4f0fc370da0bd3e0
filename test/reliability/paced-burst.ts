/**
 * A burst of journey sends under a journey rate, on the virtual clock (issue 20): queued at once
 * as process-events queues a scheduled journey's sends, released by release-deferred passes every
 * minute over their whole minute (decision 176) and decided by the real send handler over the
 * local sends FIFO queue with AWS's visibility and receive count. `atEnqueue` paces them as
 * process-events does now (PacedSendQueue, decision 175); without it they go on the queue as they
 * are and the send function paces them (try, then defer), as before issue 20. Used by
 * test/reliability/send-pacing.test.ts (1,000 sends) and `npm run bench pacing` (10,000).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { buildHandler as buildReleaseDeferred } from '../../functions/release-deferred.js';
import { buildHandler as buildSendHandler } from '../../functions/send.js';
import { PacedSendQueue } from '../../shared/channels/paced-send-queue.js';
import type { EmailSender, RateScope, SendRateLimiter } from '../../shared/channels/ports.js';
import type { SendResult } from '../../shared/channels/send-outcome.js';
import { sendMessageId, type SendQueue } from '../../shared/channels/send-request.js';
import { LocalFifoQueue } from '../../shared/local/fifo-queue.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import { LocalSendQueue } from '../../shared/local/local-send-queue.js';
import { InProcessSendRateLimiter } from '../../shared/local/local-send-rate.js';
import { drainQueue } from '../../shared/local/queue-driver.js';
import { consentingProfile, NOON, sendHarness, sendRequest } from '../unit/channels/send-harness.js';

/** The sends queue in AWS (infra/constructs/customer-queue.ts): 180-s visibility, five receives. */
const VISIBILITY_SECONDS = 180;
const MAX_RECEIVES = 5;
export const MINUTE_MS = 60_000;

export interface BurstOptions {
  sends: number;
  /** The journey's `limits.messagesPerSecond`. */
  perSecond: number;
  /** Pace at enqueue (now) or in the send function (before issue 20). */
  atEnqueue: boolean;
}

export interface BurstOutcome {
  passes: number;
  /** Send decisions per minute from the start (a refused send used its slot as a sent one did). */
  perMinute: number[];
  /** Most emails sent within one second. */
  busiestSecond: number;
  /** Decisions by reason (deferrals by cause). */
  reasons: Record<string, number>;
  /** Send handler decisions, deferrals included: each one a queue message received and its reads. */
  decided: number;
  /** Deferral writes, at enqueue and by the send function. */
  deferWrites: number;
  deferredAtEnqueue: number;
  /** Rate cursor writes (one per reservation, however many slots it takes). */
  cursorWrites: number;
  deadLettered: number;
  queueLeft: number;
  deferredLeft: number;
  /** Virtual ms from the burst to the last decision. */
  lastDecisionMs: number;
}

/** A limiter that counts its writes, as the table's cursor update would be one. */
class CountingLimiter implements SendRateLimiter {
  writes = 0;
  private readonly inner = new InProcessSendRateLimiter();
  reserve(scope: RateScope, perSecond: number, now: Date, count?: number): Promise<Date> {
    this.writes++;
    return this.inner.reserve(scope, perSecond, now, count);
  }
}

export async function pacedBurst(options: BurstOptions): Promise<BurstOutcome> {
  const h = sendHarness();
  const { clock } = h;
  for (let index = 0; index < options.sends; index++) {
    const profile = consentingProfile(`paced-${index}`);
    // Every 50th customer withdrew email consent, every 40th address is suppressed: refusals with a reason.
    if (index % 50 === 7) profile.consent.email = { granted: false, at: '2026-10-02T00:00:00Z' };
    profile.channels.email = `paced-${index}@example.com`;
    h.profiles.items.set(profile.id, profile);
    if (index % 40 === 3) await h.suppression.suppress(profile.channels.email, 'bounce', '2026-10-03T00:00:00Z');
  }
  const sentAt: number[] = [];
  const email: EmailSender = {
    sendEmail: async (message) => {
      sentAt.push(clock.now().getTime());
      return h.email.sendEmail(message);
    },
  };
  const rate = new CountingLimiter();
  const journeyPolicy = (journeyId: string) =>
    journeyId === 'welcome-journey' ? { messagesPerSecond: options.perSecond } : undefined;
  let deferWrites = 0;
  const due = {
    defer: async (...args: Parameters<typeof h.due.defer>) => {
      deferWrites++;
      await h.due.defer(...args);
    },
    due: (until: string) => h.due.due(until),
    remove: (...args: Parameters<typeof h.due.remove>) => h.due.remove(...args),
    cancel: (...args: Parameters<typeof h.due.cancel>) => h.due.cancel(...args),
  };
  const results: SendResult[] = [];
  const decidedAt: number[] = [];
  const silent = (serviceName: string) => new Logger({ serviceName, logLevel: 'SILENT' });
  const send = buildSendHandler({
    ...h.deps,
    due,
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
  const raw = new LocalSendQueue(queue);
  // As process-events and release-deferred queue them now, or as they did before issue 20.
  const sends: SendQueue = options.atEnqueue
    ? new PacedSendQueue(raw, { rate, due, settings: {}, journeyPolicy, clock })
    : raw;
  const drain = () => drainQueue(queue, send, { clock, concurrency: 1, functionName: 'send' });
  const release = buildReleaseDeferred({
    due,
    sends,
    clock,
    horizonMs: MINUTE_MS,
    waitUntil: async (at) => {
      await drain();
      if (at > clock.now()) clock.set(at);
    },
    logger: silent('release-deferred'),
  });
  const requests = Array.from({ length: options.sends }, (_, index) =>
    sendRequest({
      customerId: `paced-${index}`,
      runId: `run-${index}`,
      messageId: sendMessageId('welcome-journey', `run-${index}`, 's1', 0),
    }),
  );

  // One enqueue per customer, as process-events handles each customer's schedule message.
  for (const request of requests) await sends.enqueue([request]);
  const deferredAtEnqueue = deferWrites;
  await drain();
  let passes = 0;
  const maxPasses = Math.ceil(options.sends / options.perSecond / 60) * 3 + 5;
  for (let passAt = NOON.getTime(); (h.due.items.size > 0 || queue.depth > 0) && passes < maxPasses; ) {
    if (clock.now().getTime() < passAt) clock.set(new Date(passAt));
    // The pass here also runs the send function's work (its waits drain the queue): no 60-s Lambda budget.
    await release({}, { ...localLambdaContext('release-deferred'), getRemainingTimeInMillis: () => 3_600_000 });
    await drain();
    passes++;
    passAt += MINUTE_MS;
  }
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
    busiestSecond: Math.max(0, ...perSecond.values()),
    reasons,
    decided: results.length,
    deferWrites,
    deferredAtEnqueue,
    cursorWrites: rate.writes,
    deadLettered: queue.deadLettered + dlq.depth,
    queueLeft: queue.depth,
    deferredLeft: h.due.items.size,
    lastDecisionMs: Math.max(0, ...decidedAt) - NOON.getTime(),
  };
}
