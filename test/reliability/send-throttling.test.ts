/**
 * Throttling never dead-letters (issue 16, "How we will know"): a burst of 2,000 sends against an
 * SES that allows one call a second, on the virtual clock. The real send and release-deferred
 * handlers run over the local sends FIFO queue with AWS's settings (visibility 180 s, five
 * receives, then the DLQ); the send ports are the in-memory ones, so the burst stays cheap.
 * Each throttled or over-rate send must wait in `due` and come back, none may reach the DLQ, and
 * none may go out twice. Before throttling was deferred, the handler threw on a throttled send
 * and the queue retried it: 2,000 > 5 receives × 180 s × 1/s, so most of the burst dead-lettered.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { buildHandler as buildReleaseDeferred } from '../../functions/release-deferred.js';
import { buildHandler as buildSendHandler } from '../../functions/send.js';
import type { SendResult } from '../../shared/channels/send-outcome.js';
import { sendMessageId } from '../../shared/channels/send-request.js';
import type { Settings } from '../../shared/config/settings.js';
import { LocalFifoQueue } from '../../shared/local/fifo-queue.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import { LocalSendQueue } from '../../shared/local/local-send-queue.js';
import { InProcessSendRateLimiter } from '../../shared/local/local-send-rate.js';
import { drainQueue } from '../../shared/local/queue-driver.js';
import { RateLimitedEmailSender } from '../fakes/in-memory-channels.js';
import { consentingProfile, NOON, sendHarness, sendRequest } from '../unit/channels/send-harness.js';

/** The sends queue in AWS (infra/constructs/customer-queue.ts): six times the 30-s consumer timeout, five receives. */
const VISIBILITY_SECONDS = 180;
const MAX_RECEIVES = 5;
/** release-deferred runs every minute. */
const MINUTE_MS = 60_000;

function burst(customers: number, sending?: Settings['sending']) {
  const h = sendHarness();
  const { clock } = h;
  for (let index = 0; index < customers; index++) {
    const profile = consentingProfile(`burst-${index}`);
    h.profiles.items.set(profile.id, profile);
  }
  const ses = new RateLimitedEmailSender(clock, 1);
  const results: SendResult[] = [];
  const silent = (serviceName: string) => new Logger({ serviceName, logLevel: 'SILENT' });
  const send = buildSendHandler({
    ...h.deps,
    email: ses,
    rate: new InProcessSendRateLimiter(),
    settings: { ...h.deps.settings, ...(sending ? { sending } : {}) },
    logger: silent('send'),
    onResult: (_request, result) => results.push(result),
  });
  const dlq = new LocalFifoQueue({ name: 'sends-dlq.fifo', clock });
  const queue = new LocalFifoQueue({
    name: 'sends.fifo',
    clock,
    dlq,
    visibilityTimeoutSeconds: VISIBILITY_SECONDS,
    maxReceiveCount: MAX_RECEIVES,
  });
  const drain = () => drainQueue(queue, send, { clock, concurrency: 1, functionName: 'send' });
  // As in AWS: each pass also releases what falls due within its minute, each at its wake time;
  // while it waits, the send function works through the queue.
  const release = buildReleaseDeferred({
    due: h.due,
    sends: new LocalSendQueue(queue),
    clock,
    horizonMs: MINUTE_MS,
    waitUntil: async (at) => {
      await drain();
      if (at > clock.now()) clock.set(at);
    },
    logger: silent('release-deferred'),
  });
  const requests = Array.from({ length: customers }, (_, index) =>
    sendRequest({
      customerId: `burst-${index}`,
      runId: `run-${index}`,
      messageId: sendMessageId('welcome-journey', `run-${index}`, 's1', 0),
    }),
  );

  async function run(maxPasses: number) {
    await new LocalSendQueue(queue).enqueue(requests);
    await drain();
    let passes = 0;
    let passAt = NOON.getTime();
    while (h.due.items.size > 0 && passes < maxPasses) {
      // The next minute's pass (a pass that waited to the end of its horizon is already there).
      passAt += MINUTE_MS;
      if (clock.now().getTime() < passAt) clock.set(new Date(passAt));
      const released = await release({}, localLambdaContext('release-deferred'));
      if ('skipped' in released) throw new Error('a local pass has no slot to skip');
      await drain();
      passes++;
    }
    const delivered = new Map<string, number>();
    for (const email of ses.sent) delivered.set(email.tags.messageId, (delivered.get(email.tags.messageId) ?? 0) + 1);
    const ledger = await Promise.all(requests.map((request) => h.ledger.find(request.customerId, request.messageId)));
    return {
      passes,
      delivered,
      sentInLedger: ledger.filter((entry) => entry?.status === 'sent').length,
      elapsedMs: clock.now().getTime() - NOON.getTime(),
      deadLettered: queue.deadLettered + dlq.depth,
      queueLeft: queue.depth,
      deferredLeft: h.due.items.size,
      throttled: ses.throttled,
      causes: tally(results.map((result) => result.cause ?? result.reason)),
    };
  }
  return { run, requests };
}

function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

describe('a send burst against an SES that allows one email a second', { timeout: 240_000 }, () => {
  it('sends all 2,000 at the account rate, each once, with none dead-lettered', async () => {
    // Prepare: settings.sending.email.messagesPerSecond set to the SES rate, as docs/deploy.md asks
    const { run, requests } = burst(2000, { email: { messagesPerSecond: 1 } });

    // Act
    const outcome = await run(60);

    // Assess
    expect(outcome.deadLettered).toBe(0);
    expect(outcome.queueLeft).toBe(0);
    expect(outcome.deferredLeft).toBe(0);
    expect(outcome.delivered.size).toBe(requests.length);
    expect([...outcome.delivered.values()].every((count) => count === 1)).toBe(true);
    expect(outcome.sentInLedger).toBe(requests.length);
    // Paced at the rate: 2,000 s for 2,000 emails, plus the first minute's slots, which passed
    // before the first release pass and were taken again at the end.
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(1999_000);
    expect(outcome.elapsedMs).toBeLessThanOrEqual(2000_000 + 2 * MINUTE_MS);
    // Each request deferred to its slot (the first minute's twice), never throttled: the cursor keeps SES's rate.
    expect(outcome.causes.sent).toBe(2000);
    expect(outcome.causes.rate_limited).toBeGreaterThanOrEqual(1999);
    expect(outcome.causes.rate_limited).toBeLessThanOrEqual(1999 + 60);
    expect(outcome.throttled).toBe(0);
    console.info(
      `send burst at 1/s (account rate set): ${JSON.stringify(outcome, (_k, v) => (v instanceof Map ? v.size : v))}`,
    );
  });

  it('without an account rate, defers what SES throttles and still sends each once, none dead-lettered', async () => {
    // Prepare: no settings.sending, so only SES's own throttling slows the burst
    const { run, requests } = burst(100);

    // Act
    const outcome = await run(60);

    // Assess
    expect(outcome.deadLettered).toBe(0);
    expect(outcome.deferredLeft).toBe(0);
    expect(outcome.delivered.size).toBe(requests.length);
    expect([...outcome.delivered.values()].every((count) => count === 1)).toBe(true);
    expect(outcome.sentInLedger).toBe(requests.length);
    expect(outcome.throttled).toBeGreaterThan(0);
    expect(outcome.causes.throttled).toBe(outcome.throttled);
    console.info(
      `send burst at 1/s (no account rate): ${JSON.stringify(outcome, (_k, v) => (v instanceof Map ? v.size : v))}`,
    );
  });
});
