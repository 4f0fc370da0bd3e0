/**
 * `recent.viewed` / `recent.carted`: one entry per product with its latest time, newest first,
 * capped at `recentProducts`. Keeping only the latest time per product makes the list a function
 * of the set of events: a product evicted by newer ones can only come back with a newer time,
 * which is its latest anyway.
 */
import { PROFILE_LIMITS } from './limits.js';
import type { RecentProduct } from './schema.js';
import { compareIso, mergeNewestByKey } from './timestamps.js';

export function addRecentProduct(list: readonly RecentProduct[], entry: RecentProduct): RecentProduct[] {
  return mergeRecentProducts(list, [entry]);
}

export function mergeRecentProducts(a: readonly RecentProduct[], b: readonly RecentProduct[]): RecentProduct[] {
  return mergeNewestByKey(a, b, {
    key: (entry) => entry.productId,
    pick: newer,
    limit: PROFILE_LIMITS.recentProducts,
  });
}

/** The later entry; at the same instant the one with the greater category, so the pick is deterministic. */
function newer(a: RecentProduct, b: RecentProduct): RecentProduct {
  const order = compareIso(a.at, b.at);
  if (order !== 0) return order > 0 ? a : b;
  return (a.category ?? '') >= (b.category ?? '') ? a : b;
}
