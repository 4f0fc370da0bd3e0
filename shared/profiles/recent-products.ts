/**
 * `recent.viewed` / `recent.carted`: one entry per product with its latest time, newest first,
 * capped at `recentProducts`. Keeping only the latest time per product makes the list a function
 * of the set of events: a product evicted by newer ones can only come back with a newer time,
 * which is its latest anyway.
 */
import { PROFILE_LIMITS } from './limits.js';
import type { RecentProduct } from './schema.js';
import { compareIso } from './timestamps.js';

export function addRecentProduct(list: readonly RecentProduct[], entry: RecentProduct): RecentProduct[] {
  return mergeRecentProducts(list, [entry]);
}

export function mergeRecentProducts(a: readonly RecentProduct[], b: readonly RecentProduct[]): RecentProduct[] {
  const byProduct = new Map<string, RecentProduct>();
  for (const entry of [...a, ...b]) {
    const current = byProduct.get(entry.productId);
    byProduct.set(entry.productId, current === undefined ? entry : newer(current, entry));
  }
  return [...byProduct.values()]
    .sort((x, y) => compareIso(y.at, x.at) || (x.productId < y.productId ? -1 : x.productId > y.productId ? 1 : 0))
    .slice(0, PROFILE_LIMITS.recentProducts);
}

/** The later entry; at the same instant the one with the greater category, so the pick is deterministic. */
function newer(a: RecentProduct, b: RecentProduct): RecentProduct {
  const order = compareIso(a.at, b.at);
  if (order !== 0) return order > 0 ? a : b;
  return (a.category ?? '') >= (b.category ?? '') ? a : b;
}
