/**
 * Monthly spend buckets (issue 22): what a 12-month net spend is answered from. The profile keeps
 * `spendMonths: { "<month>": [net spend, orders] }` for verified orders and refunds, keyed by the
 * month number (months since 1970-01) of the shop's calendar (its `defaultTimezone`, as order
 * days are). Thirteen months are kept: the window's twelve (the current month and the 11 before
 * it) and the one that just left it, so a refund dated there nets against its orders instead of
 * opening a bucket of its own. Sparse, so a customer who ordered in three months pays for three.
 *
 * Like the rest of the reducer, the buckets do not depend on arrival order: amounts are sums and
 * the kept months follow the newest month seen.
 */
import { shopDay, shopDayStartMs } from '../analytics/calendar-day.js';
import { addMoney } from '../profiles/money.js';

/** Month number → [net spend, verified orders]. */
export type SpendMonths = Record<string, [number, number]>;

export const SPEND_MONTHS_KEPT = 13;
/** The current month and the 11 before it. */
export const WINDOW_MONTHS = 12;

const MS_PER_DAY = 86_400_000;

/** Months since 1970-01 of a day number (days since 1970-01-01). */
export function monthOfDay(day: number): number {
  const date = new Date(day * MS_PER_DAY);
  return (date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth();
}

/** The shop-calendar month of an instant. */
export function shopMonth(epochMs: number, timezone: string): number {
  return monthOfDay(shopDay(new Date(epochMs).toISOString(), timezone));
}

/** When `month` begins in the shop's calendar (epoch ms). */
export function monthStartMs(month: number, timezone: string): number {
  const firstDay = Date.UTC(1970 + Math.floor(month / 12), month % 12, 1) / MS_PER_DAY;
  return shopDayStartMs(firstDay, timezone);
}

/**
 * Adds `amount` (negative for a refund) and `orders` to the month of `at`. A month older than the
 * kept thirteen is no longer read by any window and is dropped.
 */
export function addToSpendMonths(
  months: SpendMonths | undefined,
  at: string,
  timezone: string,
  amount: number,
  orders: number,
): SpendMonths {
  const month = monthOfDay(shopDay(at, timezone));
  const newest = Math.max(month, ...Object.keys(months ?? {}).map(Number));
  const oldestKept = newest - (SPEND_MONTHS_KEPT - 1);
  const next: SpendMonths = {};
  for (const [key, bucket] of Object.entries(months ?? {})) if (Number(key) >= oldestKept) next[key] = [...bucket];
  if (month < oldestKept) return next;
  const [spend, count] = next[month] ?? [0, 0];
  next[month] = [addMoney(spend, amount), count + orders];
  return next;
}

/** Two profiles' buckets summed (identity merge), kept months following the newer side. */
export function mergeSpendMonths(a: SpendMonths | undefined, b: SpendMonths | undefined): SpendMonths | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const newest = Math.max(...Object.keys(a).map(Number), ...Object.keys(b).map(Number));
  const merged: SpendMonths = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (Number(key) < newest - (SPEND_MONTHS_KEPT - 1)) continue;
    const [spendA, ordersA] = a[key] ?? [0, 0];
    const [spendB, ordersB] = b[key] ?? [0, 0];
    merged[key] = [addMoney(spendA, spendB), ordersA + ordersB];
  }
  return merged;
}

export interface WindowTotals {
  /** Net spend (orders − refunds) in the window, never below 0. */
  spend: number;
  orders: number;
}

/** Totals over the 12-month window ending with `month` (the current month and the 11 before it). */
export function windowTotals(months: SpendMonths | undefined, month: number): WindowTotals {
  let spend = 0;
  let orders = 0;
  for (const [key, bucket] of Object.entries(months ?? {})) {
    const at = Number(key);
    if (at > month || at <= month - WINDOW_MONTHS) continue;
    spend = addMoney(spend, bucket[0]);
    orders += bucket[1];
  }
  return { spend: Math.max(0, spend), orders };
}
