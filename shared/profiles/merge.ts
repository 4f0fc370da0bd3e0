/**
 * Identity merge of two profiles (DESIGN "Identity"): folds an anonymous profile (`source`) into
 * the known customer's (`target`) as if the source's events had been applied to the target —
 * counters summed, windows and caps re-applied, newer identify fields and consent win.
 *
 * Not idempotent: merging the same source twice counts its events twice. The caller guards
 * with `anonymousIds`, which gains the source's own anonymous id (from its `anon:` profile id) and
 * the ids merged into it before (identity/merge-anonymous.ts applies a merge only while the
 * anonymous id is not yet listed). Ids in both rings are not de-duplicated
 * across the two profiles either: an event can only have landed on one of them.
 */
import { ANONYMOUS_CUSTOMER_PREFIX, isAnonymousCustomerId } from '../identity/customer-id.js';
import { mergeCarts } from './cart.js';
import { CONSENT_CHANNELS, laterConsent } from './consent.js';
import { mergeSummaries } from './event-summary.js';
import { mergeFields } from './last-write-wins.js';
import { PROFILE_LIMITS } from './limits.js';
import { addMoney } from './money.js';
import { mergeOrders } from './order-stats.js';
import { mergeDevices } from './push-devices.js';
import { mergeRecentProducts } from './recent-products.js';
import { isKnownCustomer, type CallTrust } from './identify.js';
import type { EventSummary, Pending, Profile } from './schema.js';
import { earlierIso, laterIso } from './timestamps.js';
import { trimToBudget } from './trim.js';
import { mergeSpendMonths } from '../tiers/spend-months.js';

/**
 * `trust`: the call that asked for the merge. An unverified call (DESIGN "Trust") may fold an
 * anonymous visitor's behaviour into a known customer, but not what it says about the person:
 * its name, traits, contact points, grants, devices and pending values stay behind (revocations
 * still count). `timezone` is the shop's (order days are its dates).
 */
export function mergeProfiles(
  targetProfile: Profile,
  sourceProfile: Profile,
  timezone: string,
  trust: CallTrust = 'verified',
): Profile {
  const personal = trust === 'verified' || !isKnownCustomer(targetProfile);
  // Private copies: the result shares nothing with either input, so it may be edited freely.
  const target = structuredClone(targetProfile);
  const source = structuredClone(sourceProfile);
  const merged: Profile = { ...target };
  const sourceAnonymousId = isAnonymousCustomerId(source.id)
    ? source.id.slice(ANONYMOUS_CUSTOMER_PREFIX.length)
    : undefined;
  merged.anonymousIds = [
    ...new Set([
      ...target.anonymousIds,
      ...source.anonymousIds,
      ...(sourceAnonymousId !== undefined ? [sourceAnonymousId] : []),
    ]),
  ];

  const events: Record<string, EventSummary> = {};
  for (const name of new Set([...Object.keys(target.events), ...Object.keys(source.events)])) {
    const own = (events: Profile['events']) => (Object.hasOwn(events, name) ? events[name] : undefined);
    const summary = mergeSummaries(own(target.events), own(source.events));
    if (summary !== undefined) events[name] = summary;
  }
  merged.events = events;
  merged.orders = mergeOrders(target.orders, source.orders, timezone);
  merged.refunds = {
    count: target.refunds.count + source.refunds.count,
    amount: addMoney(target.refunds.amount, source.refunds.amount),
  };
  const spendMonths = mergeSpendMonths(target.spendMonths, source.spendMonths);
  if (spendMonths !== undefined) merged.spendMonths = spendMonths;
  merged.recent = {
    viewed: mergeRecentProducts(target.recent.viewed, source.recent.viewed),
    carted: mergeRecentProducts(target.recent.carted, source.recent.carted),
  };
  merged.cart = mergeCarts(target.cart, source.cart);

  if (personal) mergeFields(merged, source);
  for (const channel of CONSENT_CHANNELS) {
    const incoming = source.consent[channel];
    if (!personal && incoming?.granted !== false) continue;
    const decided = laterConsent(target.consent[channel], incoming);
    if (decided !== undefined) merged.consent[channel] = decided;
  }
  if (personal) {
    merged.channels.push = mergeDevices(target.channels.push, source.channels.push);
    const pending = mergePending(target.pending, source.pending);
    if (pending) merged.pending = pending;
  }
  // A suppression is a safety fact about an address: either side's holds.
  for (const channel of ['email', 'sms'] as const) {
    const either = [target.suppressed[channel], source.suppressed[channel]].filter((flag) => flag !== undefined);
    if (either.length > 0) merged.suppressed[channel] = either.some(Boolean);
  }
  // The source's assignments keep their exposure history; the target's win on the same key.
  merged.experiments = { ...source.experiments, ...merged.experiments };

  const targetIds = new Set(target.recentIds);
  merged.recentIds = [...target.recentIds, ...source.recentIds.filter((id) => !targetIds.has(id))].slice(
    -PROFILE_LIMITS.recentIds,
  );
  merged.createdAt = earlierIso(target.createdAt, source.createdAt);
  merged.updatedAt = laterIso(target.updatedAt, source.updatedAt);
  return trimToBudget(merged);
}

/** Pending values of both sides: the later of each (the target's on a tie). */
function mergePending(target: Pending | undefined, source: Pending | undefined): Pending | undefined {
  if (!source) return target;
  if (!target) return source;
  const later = <T extends { at: string }>(a: T | undefined, b: T | undefined): T | undefined =>
    a === undefined ? b : b === undefined ? a : b.at > a.at ? b : a;
  const merged: Pending = {};
  const email = later(target.email, source.email);
  if (email) merged.email = email;
  const phone = later(target.phone, source.phone);
  if (phone) merged.phone = phone;
  const consent: NonNullable<Pending['consent']> = {};
  for (const channel of CONSENT_CHANNELS) {
    const decided = laterConsent(target.consent?.[channel], source.consent?.[channel]);
    if (decided?.granted) consent[channel] = decided;
  }
  if (Object.keys(consent).length > 0) merged.consent = consent;
  return Object.keys(merged).length > 0 ? merged : undefined;
}
