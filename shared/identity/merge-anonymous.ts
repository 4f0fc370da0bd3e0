/**
 * Identity merge (DESIGN "Identity"): fold an anonymous profile into a known customer's, once.
 *
 * Crash-safe order of writes, each one idempotent:
 * 1. link `ID#<anonymousId>` → user (first link wins), so new anonymous events route to the user;
 * 2. freeze the anonymous profile (`mergedInto`, conditional on the version read): no event can
 *    change it after this, so the snapshot merged below is final;
 * 3. copy its `O#` orders under the user (exactly-once for orders keeps holding after the merge);
 * 4. merge into the user's profile, conditional on the user's version and applied only while the
 *    anonymous id is not yet in `anonymousIds` — a redelivered merge changes nothing.
 */
import type { CallTrust } from '../profiles/identify.js';
import { mergeProfiles } from '../profiles/merge.js';
import { emptyProfile, type Profile } from '../profiles/schema.js';
import type { Clock, IdentityMap, OrderLedger, ProfileStore } from '../ports.js';
import type { CompiledSegments } from '../segments/evaluate.js';
import { applySegmentMemberships, type SegmentChanges } from '../segments/membership-hook.js';
import { withVersionRetry } from '../profiles/version-retry.js';
import { anonymousCustomerId } from './customer-id.js';

export interface MergeDeps {
  profiles: ProfileStore;
  orders: OrderLedger;
  identity: IdentityMap;
  clock: Clock;
  /** The shop's `defaultTimezone` (order days are its dates). */
  settings: { timezone: string };
  /** Segment rules: the merged history may put the customer into segments at once. */
  segments?: CompiledSegments;
}

export type MergeOutcome =
  | { status: 'merged'; capacityUnits: number; segmentChanges?: SegmentChanges }
  | { status: 'already_merged'; capacityUnits: number }
  | { status: 'nothing_to_merge'; capacityUnits: number }
  /** The anonymous id already belongs to another customer: first link wins, nothing moves. */
  | { status: 'linked_elsewhere'; linkedTo: string; capacityUnits: number };

export async function mergeAnonymousIntoUser(
  deps: MergeDeps,
  anonymousId: string,
  userId: string,
  /** The call that asked for the merge: an unverified one moves behaviour only into a known customer (profiles/merge.ts). */
  trust: CallTrust = 'verified',
): Promise<MergeOutcome> {
  const link = await deps.identity.link(anonymousId, userId);
  let capacityUnits = link.receipt.capacityUnits;
  if (link.userId !== userId) return { status: 'linked_elsewhere', linkedTo: link.userId, capacityUnits };

  const anonymousProfileId = anonymousCustomerId(anonymousId);
  const frozen = await withVersionRetry(async () => {
    const anonymous = await deps.profiles.getProfile(anonymousProfileId);
    if (!anonymous || anonymous.mergedInto !== undefined) return anonymous;
    // Frozen: no memberships or expiry of its own any more (it would stay in the expiry index).
    const { nextExpiryAt: _expiry, ...rest } = anonymous;
    const written = await deps.profiles.putProfile({ ...rest, segments: {}, mergedInto: userId }, anonymous.version);
    capacityUnits += written.receipt.capacityUnits;
    return written.profile;
  });
  if (!frozen) return { status: 'nothing_to_merge', capacityUnits };
  if (frozen.mergedInto !== userId)
    return { status: 'linked_elsewhere', linkedTo: frozen.mergedInto ?? '', capacityUnits };

  const orders = await deps.orders.listOrders(anonymousProfileId);
  if (orders.length > 0) {
    const copied = await deps.orders.putOrders(
      orders.map((order) => ({ ...order, customerId: userId, status: 'applied' as const })),
    );
    capacityUnits += copied.capacityUnits;
  }

  const merged = await withVersionRetry(async (): Promise<{ segmentChanges?: SegmentChanges } | undefined> => {
    const user = await deps.profiles.getProfile(userId);
    if (user?.anonymousIds.includes(anonymousId)) return undefined;
    const base: Profile = user ?? emptyProfile(userId, frozen.createdAt);
    // `anonymousIds` holds raw anonymous ids; it is also the "merged once" guard checked above.
    const anonymousIds = [...new Set([...base.anonymousIds, ...frozen.anonymousIds, anonymousId])];
    const combined: Profile = {
      ...mergeProfiles(base, frozen, deps.settings.timezone, trust),
      anonymousIds,
      segments: base.segments,
    };
    const evaluated = deps.segments
      ? applySegmentMemberships(deps.segments, user, combined, deps.clock.now())
      : { profile: combined, changes: undefined };
    const written = await deps.profiles.putProfile(evaluated.profile, user?.version);
    capacityUnits += written.receipt.capacityUnits;
    return evaluated.changes ? { segmentChanges: evaluated.changes } : {};
  });
  return merged ? { status: 'merged', capacityUnits, ...merged } : { status: 'already_merged', capacityUnits };
}
