/**
 * Deferred sends come back at their wake time (DESIGN "Send" 6 and 8). The release-deferred
 * function calls this every minute, in AWS and locally: every deferral already due is enqueued
 * again — marked with its wake time — and then removed at the version it released, so a
 * deferral written again meanwhile (the send was throttled again) stays. With a horizon, the
 * pass also releases what falls due within it, each at its own wake time (`waitUntil`), so a
 * rate's slots reach the sends queue spread over the minute instead of in one burst at the next
 * pass. A crash between enqueue and removal enqueues it again next pass; FIFO deduplication
 * (same message id and wake time) or the ledger makes that a no-op at worst.
 */
import type { Clock } from '../ports.js';
import type { DeferredSend, DueQueue } from './ports.js';
import type { SendQueue } from './send-request.js';

export interface ReleaseDeferredOptions {
  /** Also release, each at its wake time, deferrals due within this many ms of `now`; 0 (default): only those due now. */
  horizonMs?: number;
  /** Waits until a time: a timer in Lambda, the virtual clock (after draining the sends) locally. */
  waitUntil?: (at: Date) => Promise<void>;
  /** Most deferrals a pass holds for later in its horizon; the rest are the next pass's. */
  maxAhead?: number;
}

const DEFAULT_MAX_AHEAD = 10_000;
/** Rounds of one pass: each reads again what the sends deferred into the horizon meanwhile. */
const MAX_ROUNDS = 100;

export async function releaseDeferredSends(
  deps: { due: DueQueue; sends: SendQueue; clock: Clock },
  now: Date,
  options: ReleaseDeferredOptions = {},
): Promise<{ released: number }> {
  const { waitUntil } = options;
  const horizonEnd = new Date(now.getTime() + (waitUntil ? Math.max(0, options.horizonMs ?? 0) : 0));
  let released = 0;
  for (let round = 0, from = now; round < MAX_ROUNDS; round++) {
    const count = await releaseRound(deps, from, horizonEnd, options);
    released += count;
    // A send deferred during the round to a time within the horizon (a throttled send, a slot
    // taken again) is released by this pass too, not left to burst at the next one.
    if (count === 0 || !waitUntil || deps.clock.now() >= horizonEnd) break;
    from = deps.clock.now();
    await waitUntil(from);
  }
  return { released };
}

/** Releases what is due at `now` at once, then what falls due by `until`, each at its wake time. */
async function releaseRound(
  deps: { due: DueQueue; sends: SendQueue; clock: Clock },
  now: Date,
  until: Date,
  options: ReleaseDeferredOptions,
): Promise<number> {
  const dueNow = now.toISOString();
  const ahead: DeferredSend[] = [];
  let released = 0;
  for await (const deferred of deps.due.due(until > now ? until.toISOString() : dueNow)) {
    if (deferred.wakeAt <= dueNow) {
      await release(deps, [deferred]);
      released++;
    } else if (ahead.length < (options.maxAhead ?? DEFAULT_MAX_AHEAD)) ahead.push(deferred);
  }
  ahead.sort((a, b) => a.wakeAt.localeCompare(b.wakeAt));
  for (let next = 0; next < ahead.length; ) {
    const first = ahead[next];
    if (!first) break;
    await options.waitUntil?.(new Date(first.wakeAt));
    // Everything due by the time the wait ended goes in one batch.
    const reached = deps.clock.now().toISOString();
    let end = next + 1;
    for (; end < ahead.length; end++) if ((ahead[end]?.wakeAt ?? reached) > reached) break;
    await release(deps, ahead.slice(next, end));
    released += end - next;
    next = end;
  }
  return released;
}

async function release(deps: { due: DueQueue; sends: SendQueue }, deferrals: readonly DeferredSend[]): Promise<void> {
  await deps.sends.enqueue(deferrals.map((deferred) => ({ ...deferred.request, deferredUntil: deferred.wakeAt })));
  for (const deferred of deferrals) await deps.due.remove(deferred);
}
