/**
 * The reconciler (DESIGN "Send": at most once): a ledger entry still `claimed` long after its
 * claim belongs to a send whose handler crashed (or timed out) between the claim and the
 * provider's answer. Nobody knows whether it went out, so it becomes `unknown` — counted by the
 * report, never resent. The timeout must exceed the send function's own timeout. Claims of
 * at-least-once channels (webhook) are left alone: their lease in `due` tries them again
 * (shared/channels/at-least-once.ts).
 */
import type { Clock } from '../ports.js';
import type { MessageStats, SendLedger } from './ports.js';
import { deliveryOf } from './registry/delivery.js';

export interface ReconcileDeps {
  ledger: SendLedger;
  stats: MessageStats;
  clock: Clock;
}

export async function reconcileStaleClaims(
  deps: ReconcileDeps,
  staleAfterMs: number,
): Promise<{ markedUnknown: number }> {
  const now = deps.clock.now();
  const before = new Date(now.getTime() - staleAfterMs).toISOString();
  let markedUnknown = 0;
  for await (const entry of deps.ledger.staleClaims(before)) {
    if (deliveryOf(entry.channel) === 'at-least-once') continue;
    try {
      await deps.ledger.settle(entry.customerId, entry.messageId, 'unknown', now.toISOString(), {
        detail: 'claim never answered',
      });
    } catch (error) {
      // Settled meanwhile by the send itself (its condition failed): nothing to do.
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') continue;
      throw error;
    }
    await deps.stats.increment(
      {
        journeyId: entry.journeyId,
        stepId: entry.stepId,
        ...(entry.variant ? { variant: entry.variant } : {}),
        channel: entry.channel,
        metric: 'unknown',
      },
      entry.messageId,
    );
    markedUnknown++;
  }
  return { markedUnknown };
}
