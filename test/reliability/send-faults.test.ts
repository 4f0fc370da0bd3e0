/**
 * Sending under faults (issue 10; DESIGN "Send": at most once): the real send handler and DynamoDB
 * ledger on dynalite, with provider throttling (deferred through `due` and released), provider 5xx and a timeout after the
 * provider took the message (`unknown`), crashes between the provider call and settling the claim
 * (left `claimed`, turned `unknown` by the reconciler), crashes mid-batch and every batch
 * delivered up to three times. No message may go out twice, none may be lost.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandler as buildSendHandler } from '../../functions/send.js';
import { TemplateSet } from '../../shared/channels/render.js';
import { reconcileStaleClaims } from '../../shared/channels/reconcile-claims.js';
import { releaseDeferredSends } from '../../shared/channels/release-deferred.js';
import type { SendResult } from '../../shared/channels/send-outcome.js';
import { defaultSettings } from '../../shared/config/settings.js';
import { FaultInjector, FaultyEmailSender, FaultySendLedger, faultySqsHandler } from '../fakes/fault-injection.js';
import { LocalFifoQueue } from '../../shared/local/fifo-queue.js';
import { startLocalSending, type LocalSending } from '../../shared/local/local-sending.js';
import { LocalSendQueue } from '../../shared/local/local-send-queue.js';
import { drainQueue } from '../../shared/local/queue-driver.js';
import { startLocalRuntime, type LocalRuntime } from '../../shared/local/runtime.js';
import { SeededRandom } from '../../shared/local/seeded-random.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';
import { RecordingEmailSender } from '../fakes/in-memory-channels.js';
import { consentingProfile, sendRequest, TEMPLATES } from '../unit/channels/send-harness.js';

const NOON_ISTANBUL = new Date('2026-11-02T09:30:00Z');
const CUSTOMERS = 60;

describe('sending under injected faults (dynalite)', { timeout: 120_000 }, () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let sending: LocalSending;
  const clock = new VirtualClock(NOON_ISTANBUL);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-send-faults-'));
    runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock, fresh: true });
    sending = await startLocalSending(runtime, {
      campaign: {
        settings: {
          ...defaultSettings,
          defaultTimezone: 'Europe/Istanbul',
          sender: { fromAddress: 'offers@example.com', fromName: 'Demo Shop' },
        },
        journeys: [],
      },
      templates: new TemplateSet(TEMPLATES),
    });
  }, 60_000);

  afterAll(async () => {
    await sending?.stop();
    await runtime?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('sends each request at most once, defers throttling, and ends every crashed claim as unknown', async () => {
    // Prepare
    const faults = new FaultInjector(new SeededRandom(5), {
      'provider-throttle': 0.2,
      'provider-5xx': 0.08,
      'crash-after-provider-call': 0.05,
      'crash-before-settle': 0.12,
      'dynamo-throttle': 0.03,
      'crash-mid-batch': 0.1,
      redelivery: 0.9,
    });
    const provider = new RecordingEmailSender();
    const results: SendResult[] = [];
    const ledger = new FaultySendLedger(sending.deps.ledger, faults);
    const handler = buildSendHandler({
      ...sending.deps,
      ledger,
      email: new FaultyEmailSender(provider, faults),
      logger: new Logger({ serviceName: 'send', logLevel: 'SILENT' }),
      onResult: (_request, result) => results.push(result),
    });
    // Enough receives that throttling retries finish rather than dead-letter.
    const dlq = new LocalFifoQueue({ name: 'faulty-sends-dlq.fifo', clock });
    const queue = new LocalFifoQueue({ name: 'faulty-sends.fifo', clock, dlq, maxReceiveCount: 15 });
    const requests = Array.from({ length: CUSTOMERS }, (_, index) =>
      sendRequest({ customerId: `s-${index}`, runId: `run-${index}`, messageId: index.toString(16).padStart(64, 'a') }),
    );
    for (const request of requests) await runtime.profiles.putProfile(consentingProfile(request.customerId), undefined);
    await new LocalSendQueue(queue).enqueue(requests);

    // Act
    const drain = () =>
      drainQueue(queue, faultySqsHandler(handler, faults), { clock, concurrency: 4, functionName: 'send' });
    const stats = await drain();
    // Throttled sends wait in `due` (1–61 s with no account rate set): release them until none is left.
    let passes = 0;
    for (; passes < 20 && (await hasDeferrals()); passes++) {
      clock.advance(61_000);
      await releaseDeferredSends({ due: sending.deps.due, sends: new LocalSendQueue(queue), clock }, clock.now());
      await drain();
    }
    const claimedBefore = await statuses(requests.map((request) => [request.customerId, request.messageId]));
    clock.advance(60 * 60_000);
    const reconciled = await reconcileStaleClaims(
      { ledger: sending.deps.ledger, stats: sending.deps.stats, clock },
      15 * 60_000,
    );
    const final = await statuses(requests.map((request) => [request.customerId, request.messageId]));

    // Assess
    const deliveries = new Map<string, number>();
    for (const email of provider.sent)
      deliveries.set(email.tags.messageId, (deliveries.get(email.tags.messageId) ?? 0) + 1);
    const duplicates = [...deliveries.values()].filter((count) => count > 1).length;
    const lost = requests.filter((request) => !deliveries.has(request.messageId)).length;
    expect(dlq.depth).toBe(0);
    expect(duplicates).toBe(0);
    expect(lost).toBe(0);
    expect(reconciled.markedUnknown).toBe(claimedBefore.claimed);
    expect(claimedBefore.claimed).toBeGreaterThan(0);
    expect(final.claimed).toBe(0);
    expect(final.sent + final.unknown).toBe(CUSTOMERS);
    expect(final.unknown).toBeGreaterThan(0);
    expect(faults.injected['provider-throttle']).toBeGreaterThan(0);
    expect(results.filter((result) => result.cause === 'throttled').length).toBe(faults.injected['provider-throttle']);
    expect(await hasDeferrals()).toBe(false);
    console.info(
      `reliability figures (sends): ${JSON.stringify({ requests: CUSTOMERS, delivered: stats.delivered, releasePasses: passes, faults: faults.total, injected: faults.injected, duplicates, lost, unknown: final.unknown, reconciled: reconciled.markedUnknown })}`,
    );
  });

  async function hasDeferrals(): Promise<boolean> {
    for await (const _deferred of sending.deps.due.due('9999')) return true;
    return false;
  }

  async function statuses(keys: [string, string][]) {
    const counts = { sent: 0, unknown: 0, failed: 0, claimed: 0, retrying: 0, missing: 0 };
    for (const [customerId, messageId] of keys) {
      const entry = await sending.deps.ledger.find(customerId, messageId);
      counts[entry?.status ?? 'missing']++;
    }
    return counts;
  }
});
