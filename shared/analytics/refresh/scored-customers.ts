/**
 * Which profiles the nightly refresh reads (issue 20): the ones it can give scores to — customers
 * with an order, and known customers (who get recommendations) — never anonymous visitors who
 * never bought, nor the frozen copies of merged anonymous profiles. The profile store keeps
 * exactly these in the sparse `customers` index, so the refresh reads them and the orders,
 * not every profile and every item type.
 */
import { isAnonymousCustomerId } from '../../identity/customer-id.js';
import type { Profile } from '../../profiles/schema.js';

export function scoredByRefresh(profile: Pick<Profile, 'id' | 'orders' | 'mergedInto'>): boolean {
  if (profile.mergedInto !== undefined) return false;
  return profile.orders.count > 0 || !isAnonymousCustomerId(profile.id);
}
