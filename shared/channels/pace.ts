/**
 * Send pacing (DESIGN "Send" 8): a rate is a cursor per scope — the next free slot, epoch ms — as
 * in the generic cell rate algorithm. A send takes `max(cursor, now)` and moves the cursor one
 * interval (`1000 / perSecond` ms) past it. A slot less than a second ahead goes now (a burst of
 * at most `perSecond` in any second); a later one is a not-before time the send is deferred to.
 */

/** A slot closer than this to `now` is sent at once; a later one is deferred to the slot. */
export const PACE_TOLERANCE_MS = 1000;

export function paceIntervalMs(perSecond: number): number {
  if (!(perSecond > 0) || !Number.isFinite(perSecond))
    throw new Error(`messagesPerSecond must be a positive number, got ${perSecond}`);
  return 1000 / perSecond;
}

/** The slot a send takes from a cursor (undefined: the scope is idle) and the cursor after it. */
export function nextPaceCursor(
  cursor: number | undefined,
  perSecond: number,
  now: Date,
): { slot: number; next: number } {
  const slot = Math.max(cursor ?? 0, now.getTime());
  return { slot, next: slot + paceIntervalMs(perSecond) };
}

/** True when `slot` is far enough ahead of `now` that the send waits for it in the `due` index. */
export function mustWaitFor(slot: Date, now: Date): boolean {
  return slot.getTime() - now.getTime() >= PACE_TOLERANCE_MS;
}

/** True when a held slot passed a second or more ago (its release came late): the send takes a new one. */
export function isLate(slot: Date, now: Date): boolean {
  return now.getTime() - slot.getTime() >= PACE_TOLERANCE_MS;
}
