/**
 * Deferred sends come back when their quiet hours end (DESIGN "Send" 6: "journey-tick re-enqueues
 * the request then"). The release-deferred function calls this every minute, in AWS and locally: every due
 * deferral is enqueued again — marked with its wake time — and then removed. A crash between the
 * two enqueues it again next tick; the ledger makes the second decision a `duplicate` at worst.
 */
import type { DueQueue } from './ports.js';
import type { SendQueue } from './send-request.js';

export async function releaseDeferredSends(
  deps: { due: DueQueue; sends: SendQueue },
  now: Date,
): Promise<{ released: number }> {
  let released = 0;
  for await (const deferred of deps.due.due(now.toISOString())) {
    await deps.sends.enqueue([{ ...deferred.request, deferredUntil: deferred.wakeAt }]);
    await deps.due.remove(deferred.request.customerId, deferred.request.messageId);
    released++;
  }
  return { released };
}
