/**
 * A customer's RFM and CLV inputs, read from the profile's order fields (DESIGN "Profile"), not
 * from raw orders: recency/frequency/monetary from `orders.lastAt/count/revenue`; BG/NBD's
 * x = days − 1, t_x = last − first order day, T = as-of − first order day (days of the shop's
 * calendar, docs/decisions.md 84; the papers' conventions: same-day orders already merged into one day); Gamma-Gamma's
 * m_x = repeatRevenue / (days − 1).
 *
 * The profile holds every order it has seen, so an as-of date before a customer's last order
 * cannot undo those orders: recency is then 0 and T is stretched to t_x. The nightly run's as-of
 * is today, where this never happens.
 */
import type { Orders } from '../../profiles/schema.js';
import { shopDay } from '../calendar-day.js';

export interface PurchaseHistory {
  /** Whole days from the last order to the as-of date. */
  recency: number;
  /** Orders (with revenue). */
  frequency: number;
  /** Revenue. */
  monetary: number;
  firstDay: number;
  /** Repeat purchase days. */
  x: number;
  txDays: number;
  TDays: number;
  /** Mean revenue of a repeat purchase day; 0 when x = 0. */
  repeatMean: number;
}

/** Undefined for profiles without orders, or whose first order is after the as-of date. */
export function purchaseHistory(orders: Orders, asOfDay: number, timezone: string): PurchaseHistory | undefined {
  if (orders.count === 0 || orders.firstAt === undefined || orders.lastAt === undefined || orders.days === 0)
    return undefined;
  const firstDay = shopDay(orders.firstAt, timezone);
  const lastDay = shopDay(orders.lastAt, timezone);
  if (firstDay > asOfDay) return undefined;
  const x = orders.days - 1;
  const txDays = lastDay - firstDay;
  return {
    recency: Math.max(0, asOfDay - lastDay),
    frequency: orders.count,
    monetary: orders.revenue,
    firstDay,
    x,
    txDays,
    TDays: Math.max(asOfDay - firstDay, txDays),
    repeatMean: x > 0 ? orders.repeatRevenue / x : 0,
  };
}
