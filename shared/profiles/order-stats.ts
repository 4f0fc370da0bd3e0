/**
 * `orders` (DESIGN "Profile" and "RFM and CLV"): count, revenue, first/last time and the distinct
 * order days (dates in the shop's time zone, calendar-day.ts) with the papers' convention that same-day orders merge — `firstAmount` is the
 * amount summed over the earliest order day and `repeatRevenue` the rest. Every field is a
 * function of the set of orders (sums, min, max, a set of days), so arrival order cannot show:
 * a late order on an earlier day becomes the new first day and the old first day's amount moves
 * into repeat revenue.
 *
 * `dayNumbers` keeps the newest `orderDayNumbers` days; `days` counts beyond that cap, but a
 * late order on a day older than every kept day is taken as a day already counted (it cannot be
 * told apart from one).
 */
import { shopDay } from '../analytics/calendar-day.js';
import { PROFILE_LIMITS } from './limits.js';
import { addMoney, subtractMoney } from './money.js';
import type { Orders } from './schema.js';
import { earlierIso, laterIso } from './timestamps.js';

/** Adds one order of `amount` (> 0; the caller skips non-orders) at `at`; days are `timezone`'s dates. */
export function addOrder(orders: Orders, amount: number, at: string, timezone: string): Orders {
  return mergeOrders(
    orders,
    {
      count: 1,
      revenue: amount,
      firstAt: at,
      lastAt: at,
      days: 1,
      firstAmount: amount,
      repeatRevenue: 0,
      dayNumbers: [shopDay(at, timezone)],
    },
    timezone,
  );
}

export function mergeOrders(a: Orders, b: Orders, timezone: string): Orders {
  if (a.count === 0) return b;
  if (b.count === 0) return a;
  const revenue = addMoney(a.revenue, b.revenue);
  const firstAmount = mergedFirstAmount(a, b, timezone);
  const { dayNumbers, days } = mergedDays(a, b);
  const firstAt = earlierIso(a.firstAt, b.firstAt);
  const lastAt = laterIso(a.lastAt, b.lastAt);
  return {
    count: a.count + b.count,
    revenue,
    ...(firstAt !== undefined ? { firstAt } : {}),
    ...(lastAt !== undefined ? { lastAt } : {}),
    days,
    firstAmount,
    repeatRevenue: subtractMoney(revenue, firstAmount),
    dayNumbers,
  };
}

function mergedFirstAmount(a: Orders, b: Orders, timezone: string): number {
  const firstA = a.firstAt !== undefined ? shopDay(a.firstAt, timezone) : undefined;
  const firstB = b.firstAt !== undefined ? shopDay(b.firstAt, timezone) : undefined;
  if (firstA === undefined || firstB === undefined) return firstA === undefined ? b.firstAmount : a.firstAmount;
  if (firstA === firstB) return addMoney(a.firstAmount, b.firstAmount);
  return firstA < firstB ? a.firstAmount : b.firstAmount;
}

function mergedDays(a: Orders, b: Orders): { dayNumbers: number[]; days: number } {
  const union = [...new Set([...a.dayNumbers, ...b.dayNumbers])].sort((x, y) => x - y);
  // A day one side lists that is older than everything the other side's full list keeps may be
  // among the other side's uncounted-in-list days: taken as already counted there.
  const assumedCounted = hiddenBy(a, b.dayNumbers) + hiddenBy(b, a.dayNumbers);
  const beyondLists = a.days - a.dayNumbers.length + (b.days - b.dayNumbers.length);
  return {
    dayNumbers: union.slice(-PROFILE_LIMITS.orderDayNumbers),
    days: beyondLists + union.length - assumedCounted,
  };
}

/** How many of `days` fall before the oldest day of `orders`' list while that list is full. */
function hiddenBy(orders: Orders, days: readonly number[]): number {
  const oldest = orders.dayNumbers[0];
  if (orders.dayNumbers.length < PROFILE_LIMITS.orderDayNumbers || oldest === undefined) return 0;
  return days.filter((day) => day < oldest).length;
}
