/**
 * Spread wake-ups (decision 177): the end of quiet hours, `wait: { until: "10:00" }` and daily
 * segment windows lapsing at 00:00 UTC would each wake every customer in the same minute — a
 * million-run journey's whole day in one tick, three million segment rechecks at midnight. Each
 * customer instead wakes at a fixed offset within `settings.spreadMinutes` (default 30) after the
 * time: the same offset for the same customer every day, so one customer's messages keep their
 * order and a simulation shows the time the pipeline will use.
 */
import { fnv1a32 } from './experiments/hash.js';

export const DEFAULT_SPREAD_MINUTES = 30;

/** The customer's offset in whole seconds within the window, in ms (0 without a window). */
export function spreadOffsetMs(customerId: string, spreadMinutes: number | undefined): number {
  const seconds = Math.floor((spreadMinutes ?? 0) * 60);
  if (seconds <= 0) return 0;
  // Hashed twice, as GrowthBook's version 2 does: one FNV pass over similar ids is visibly biased.
  return (fnv1a32(`sadakat-spread:${fnv1a32(customerId)}`) % seconds) * 1000;
}

/** `at` moved by the customer's offset. */
export function spreadFrom(at: Date, customerId: string, spreadMinutes: number | undefined): Date {
  return new Date(at.getTime() + spreadOffsetMs(customerId, spreadMinutes));
}
