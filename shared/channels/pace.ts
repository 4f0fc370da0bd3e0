/**
 * Send pacing (DESIGN "Send" 8): a rate is a cursor per scope — the next free slot, epoch ms — as
 * in the generic cell rate algorithm. A send takes `max(cursor, now)` and moves the cursor one
 * interval (`1000 / perSecond` ms) past it. A slot less than a second ahead goes now (a burst of
 * at most `perSecond` in any second); a later one is a not-before time the send is deferred to.
 *
 * A scope faster than one cursor item can take (CURSOR_SLOTS_PER_SECOND) is split into shards,
 * each a cursor at its share of the rate; a customer's sends always take the same shard. Slots
 * are taken when a send is enqueued (shared/channels/paced-send-queue.ts), several in one write.
 */
import { fnv1a32 } from '../experiments/hash.js';
import type { Settings } from '../config/settings.js';
import type { RateScope, SendRateLimiter } from './ports.js';
import type { Channel } from './send-request.js';

/** A slot closer than this to `now` is sent at once; a later one is deferred to the slot. */
export const PACE_TOLERANCE_MS = 1000;

/**
 * Most slots one cursor item hands out per second. DynamoDB takes about 1,000 writes a second on
 * one item; a cursor write is one unit, and the rest is headroom for lost conditional races.
 */
export const CURSOR_SLOTS_PER_SECOND = 250;

export function paceIntervalMs(perSecond: number): number {
  if (!(perSecond > 0) || !Number.isFinite(perSecond))
    throw new Error(`messagesPerSecond must be a positive number, got ${perSecond}`);
  return 1000 / perSecond;
}

/**
 * The first of `count` consecutive slots a cursor (undefined: the scope is idle) hands out, and
 * the cursor after them; the slots are `slot + i * interval`.
 */
export function nextPaceCursor(
  cursor: number | undefined,
  perSecond: number,
  now: Date,
  count = 1,
): { slot: number; next: number } {
  const slot = Math.max(cursor ?? 0, now.getTime());
  return { slot, next: slot + count * paceIntervalMs(perSecond) };
}

/** How many cursor items a scope at `perSecond` is split into. */
export function cursorShards(perSecond: number): number {
  return Math.max(1, Math.ceil(perSecond / CURSOR_SLOTS_PER_SECOND));
}

/**
 * The cursor a customer's sends take within a scope, and its rate (the scope's rate split evenly
 * over its shards). One shard keeps the scope's own key, so cursors from before sharding stay valid.
 */
export function cursorOf(
  scope: RateScope,
  perSecond: number,
  customerId: string,
): { cursor: RateScope; perSecond: number } {
  const shards = cursorShards(perSecond);
  if (shards === 1) return { cursor: scope, perSecond };
  return { cursor: `${scope}#${fnv1a32(customerId) % shards}` as RateScope, perSecond: perSecond / shards };
}

/** Takes `count` consecutive slots of the customer's cursor in the scope; returns them in order. */
export async function reserveSlots(
  rate: SendRateLimiter,
  scope: RateScope,
  perSecond: number,
  customerId: string,
  now: Date,
  count = 1,
): Promise<Date[]> {
  const { cursor, perSecond: share } = cursorOf(scope, perSecond, customerId);
  const first = (await rate.reserve(cursor, share, now, count)).getTime();
  const interval = paceIntervalMs(share);
  return Array.from({ length: count }, (_, index) => new Date(first + index * interval));
}

/** True when `slot` is far enough ahead of `now` that the send waits for it in the `due` index. */
export function mustWaitFor(slot: Date, now: Date): boolean {
  return slot.getTime() - now.getTime() >= PACE_TOLERANCE_MS;
}

/** True when a held slot passed a second or more ago (its release came late): the send takes a new one. */
export function isLate(slot: Date, now: Date): boolean {
  return now.getTime() - slot.getTime() >= PACE_TOLERANCE_MS;
}

/** The account's `sending.<channel>` rate; channels without one there (webhook) have none. */
export function accountRate(settings: { sending?: Settings['sending'] }, channel: Channel): number | undefined {
  const rates: Partial<Record<Channel, { messagesPerSecond: number }>> = settings.sending ?? {};
  return rates[channel]?.messagesPerSecond;
}
