import { describe, expect, it } from 'vitest';
import { reconcileStaleClaims } from '../../../shared/channels/reconcile-claims.js';
import { CHANNEL_DELIVERY } from '../../../shared/channels/registry/delivery.js';
import { CHANNELS } from '../../../shared/channels/registry/registry.js';
import { VirtualClock } from '../../../shared/local/virtual-clock.js';
import { InMemoryMessageStats, InMemorySendLedger } from '../../fakes/in-memory-channels.js';

const claim = (messageId: string, claimedAt: string, channel: 'email' | 'webhook' = 'email') => ({
  customerId: 'c1',
  messageId,
  channel,
  journeyId: 'j',
  runId: 'r',
  stepId: 's',
  claimedAt,
});

describe('reconcileStaleClaims', () => {
  it('marks claims older than the timeout unknown and counts them, leaving recent claims alone', async () => {
    const ledger = new InMemorySendLedger();
    const stats = new InMemoryMessageStats();
    await ledger.claim(claim('old', '2026-11-02T08:00:00.000Z'));
    await ledger.claim(claim('recent', '2026-11-02T08:50:00.000Z'));
    const result = await reconcileStaleClaims(
      { ledger, stats, clock: new VirtualClock(new Date('2026-11-02T09:00:00Z')) },
      30 * 60_000,
    );
    expect(result).toEqual({ markedUnknown: 1 });
    expect((await ledger.find('c1', 'old'))?.status).toBe('unknown');
    expect((await ledger.find('c1', 'recent'))?.status).toBe('claimed');
    expect(stats.metrics()).toEqual(['unknown']);
  });

  it('leaves settled entries as they are', async () => {
    const ledger = new InMemorySendLedger();
    await ledger.claim(claim('m', '2026-11-02T08:00:00.000Z'));
    await ledger.settle('c1', 'm', 'sent', '2026-11-02T08:00:01.000Z');
    const result = await reconcileStaleClaims(
      { ledger, stats: new InMemoryMessageStats(), clock: new VirtualClock(new Date('2026-11-02T09:00:00Z')) },
      60_000,
    );
    expect(result).toEqual({ markedUnknown: 0 });
    expect((await ledger.find('c1', 'm'))?.status).toBe('sent');
  });

  it("leaves a stale claim of an at-least-once channel (webhook) to its lease, and the registry's entries agree", async () => {
    // Prepare
    const ledger = new InMemorySendLedger();
    await ledger.claim(claim('hook', '2026-11-02T08:00:00.000Z', 'webhook'));

    // Act
    const result = await reconcileStaleClaims(
      { ledger, stats: new InMemoryMessageStats(), clock: new VirtualClock(new Date('2026-11-02T09:00:00Z')) },
      60_000,
    );

    // Assess
    expect(result).toEqual({ markedUnknown: 0 });
    expect((await ledger.find('c1', 'hook'))?.status).toBe('claimed');
    expect(Object.values(CHANNELS).map((entry) => [entry.channel, entry.delivery])).toEqual(
      Object.entries(CHANNEL_DELIVERY),
    );
    expect(CHANNELS.webhook.delivery).toBe('at-least-once');
  });
});
