/**
 * At-least-once delivery (decision 160), for channels whose receiver de-duplicates by the message
 * id (webhook: `webhook-id` is the ledger id). The other channels are at most once (DESIGN "Send").
 *
 * Each attempt claims the ledger entry (attempt 1 creates it, later ones `reclaim` it) and, before
 * the provider call, defers the request to its next attempt's time in the `due` index — a lease:
 * if the process dies between the call and the ledger, the lease brings the request back and the
 * entry, still `claimed` by an attempt long dead, is claimed again. A 2xx settles `sent` and
 * cancels the lease; a 4xx settles `failed` (the receiver refused this message: trying again
 * cannot help); a 5xx, 429 or timeout settles `retrying` and lets the lease stand. FIFO queues
 * have no per-message delay, so the back-off is the `due` index's wake time.
 */
import type { LedgerEntry } from './ports.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The wait before attempt 2, 3, …: Standard Webhooks' schedule, starting at 2 minutes (below: ABANDONED_CLAIM_MS). */
export const RETRY_DELAYS_MS: readonly number[] = [
  2 * MINUTE,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/**
 * A claim this old belongs to an attempt that died: the send function times out after 30 s and
 * an endpoint waits at most 10 s. Every retry delay is longer, so the lease finds it abandoned.
 */
export const ABANDONED_CLAIM_MS = 90_000;

/** Whether a delivery may take this ledger entry for another attempt. */
export function resumable(entry: Pick<LedgerEntry, 'status' | 'updatedAt'>, now: Date): boolean {
  if (entry.status === 'retrying') return true;
  return entry.status === 'claimed' && now.getTime() - Date.parse(entry.updatedAt) >= ABANDONED_CLAIM_MS;
}

/** When attempt `attempt + 1` is due after attempt `attempt` began at `now`; undefined after the last. */
export function nextAttemptAt(attempt: number, now: Date): Date | undefined {
  const delay = RETRY_DELAYS_MS[attempt - 1];
  return delay === undefined ? undefined : new Date(now.getTime() + delay);
}
