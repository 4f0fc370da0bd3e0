/**
 * Deferred sends come back at their wake time (DESIGN "Send" 6 and 8). The release-deferred
 * function calls this every minute, in AWS and locally: every deferral already due is enqueued
 * again — marked with its wake time — and then removed at the version it released, so a
 * deferral written again meanwhile (the send was throttled again) stays. With a horizon, the
 * pass also releases what falls due within it, each at its own wake time (`waitUntil`), so a
 * rate's slots reach the sends queue spread over the minute instead of in one burst at the next
 * pass. The pass reads `due` again every few seconds (`roundMs`) until its horizon ends, so a
 * deferral written meanwhile — by the send function, or by process-events pacing at enqueue — is
 * released at its time as well; in AWS the horizon is the whole minute, so passes follow one
 * another (and may overlap by seconds) with no gap in which a slot passes unreleased (decision 176).
 * A crash between enqueue and removal enqueues it again next pass; FIFO deduplication
 * (same message id and wake time) or the ledger makes that a no-op at worst; so does a deferral
 * two overlapping passes both read.
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
  /**
   * With a horizon, `due` is read again every this many ms (default 5 s) while anything is due
   * within the horizon, so what the sends and process-events defer meanwhile is released on time
   * too; a pass with nothing due within its horizon ends at once.
   */
  roundMs?: number;
}

/**
 * How far ahead a pass in AWS releases, each deferral at its own time: the whole minute until the
 * next pass, so no slot passes between two passes unreleased (decision 176). The function's
 * timeout (RELEASE_TIMEOUT_SECONDS) leaves room to enqueue the last ones; the next pass starts meanwhile.
 */
export const RELEASE_HORIZON_MS = 60_000;
export const RELEASE_TIMEOUT_SECONDS = 75;

const DEFAULT_MAX_AHEAD = 10_000;
export const DEFAULT_ROUND_MS = 5000;
/** Rounds of one pass at most (a horizon of a minute is 12 rounds of 5 s). */
const MAX_ROUNDS = 100;

export async function releaseDeferredSends(
  deps: { due: DueQueue; sends: SendQueue; clock: Clock },
  now: Date,
  options: ReleaseDeferredOptions = {},
): Promise<{ released: number }> {
  const { waitUntil } = options;
  const horizonEnd = now.getTime() + (waitUntil ? Math.max(0, options.horizonMs ?? 0) : 0);
  const roundMs = Math.max(1, options.roundMs ?? DEFAULT_ROUND_MS);
  let released = 0;
  for (let round = 0, from = now; round < MAX_ROUNDS; round++) {
    // Each round holds only what falls due before the next read: a send deferred meanwhile (a
    // throttled send, a slot taken at enqueue) is read by the next round, not left to the next pass.
    const until = new Date(Math.min(horizonEnd, from.getTime() + roundMs));
    const releasedThisRound = await releaseRound(deps, from, until, options);
    released += releasedThisRound;
    // The pass goes on while something is due within its horizon, or while what it just released
    // may come back (a throttled send is deferred again seconds later); an idle pass ends at once.
    if (!waitUntil || until.getTime() >= horizonEnd) break;
    if (releasedThisRound === 0 && !(await anyDue(deps.due, new Date(horizonEnd)))) break;
    if (deps.clock.now() < until) await waitUntil(until);
    from = deps.clock.now();
  }
  return { released };
}

/** True when a deferral is due by `until` (reads until the first one). */
async function anyDue(due: DueQueue, until: Date): Promise<boolean> {
  for await (const _deferred of due.due(until.toISOString())) return true;
  return false;
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
