/**
 * Which profiles the nightly refresh reads (issue 20): the ones it can give scores to — customers
 * with an order, and known customers (who get recommendations) — never anonymous visitors who
 * never bought, nor the frozen copies of merged anonymous profiles. The profile store keeps
 * exactly these in the sparse `customers` index, so the refresh reads them and the orders,
 * not every profile and every item type.
 */
import { isAnonymousCustomerId } from '../../identity/customer-id.js';
import * as z from 'zod';
import { emptyProfile, ordersSchema, profileSchema, type Profile } from '../../profiles/schema.js';

export function scoredByRefresh(profile: Pick<Profile, 'id' | 'orders' | 'mergedInto'>): boolean {
  if (profile.mergedInto !== undefined) return false;
  return profile.orders.count > 0 || !isAnonymousCustomerId(profile.id);
}

/** What the refresh reads of a profile: the order summary and the scores it compares (the `customers` index's projection). */
export const scoredProfileSchema = profileSchema
  .pick({ id: true, orders: true, rfm: true, clv: true, recommendations: true })
  .extend({
    // Stored only when not empty (the profile store's defaults).
    orders: ordersSchema.default(() => emptyProfile('', '').orders),
    recommendations: z.array(z.string()).default(() => []),
  });

export type ScoredProfile = z.infer<typeof scoredProfileSchema>;
