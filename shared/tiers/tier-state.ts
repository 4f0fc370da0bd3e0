/**
 * A customer's loyalty tier and its hysteresis (issue 22, README "Loyalty tiers"). The profile
 * holds `tier` (the tier id; absent: none) and, while the customer is below it, `tierGraceUntil`.
 * `updateTier` runs on every profile write of process-events — an event, a `scores` message, a
 * `recheck` from the expiry pass — and moves the tier by these rules:
 *
 * - qualifying for a higher tier (or the same one) promotes at once and ends any grace;
 * - falling below the tier by time or by a lower CLV score starts the tier's grace period; the
 *   tier is kept until it ends and then drops to the tier the customer qualifies for then
 *   (grace 0: at once) — so a customer going back and forth around a boundary keeps the tier;
 * - falling below it because of a refund (the profile's window spend went down with the change
 *   itself) demotes at once: grace is for time passing, not for a returned order.
 *
 * `nextTierChange` is the earliest instant the tier may move with no new data (a month leaving the
 * window, the grace end); the generated tier segments hand it to `nextExpiryAt`, so the expiry
 * pass demotes a customer who does nothing (tier-segments.ts).
 */
import { readClvAt } from '../analytics/clv-on-read.js';
import type { Profile } from '../profiles/schema.js';
import { shopMonth, monthStartMs, windowTotals, WINDOW_MONTHS } from './spend-months.js';
import type { TierDefinition } from './tier-settings.js';

const MS_PER_DAY = 86_400_000;

export interface TierConfig {
  tiers: readonly TierDefinition[];
  /** The shop's `defaultTimezone`: months are its calendar's. */
  timezone: string;
}

/** What tier rules read, at one instant. */
export interface TierInputs {
  spend12m: number;
  orders12m: number;
  /** Predicted 12-month value; absent until the nightly refresh scored the customer. */
  clv?: number;
}

export function tierInputs(profile: Profile, config: TierConfig, nowMs: number): TierInputs {
  const totals = windowTotals(profile.spendMonths, shopMonth(nowMs, config.timezone));
  return {
    spend12m: totals.spend,
    orders12m: totals.orders,
    ...clvInput(profile, config, nowMs),
  };
}

/** The predicted 12-month value, computed for the day (decision 225: analytics/clv-on-read.ts). */
function clvInput(profile: Profile, config: TierConfig, nowMs: number): { clv?: number } {
  const value = readClvAt(profile, nowMs, config.timezone)?.value12m;
  return value !== undefined ? { clv: value } : {};
}

export function meetsTier(tier: TierDefinition, inputs: TierInputs): boolean {
  return (
    (tier.minSpend12m !== undefined && inputs.spend12m >= tier.minSpend12m) ||
    (tier.minOrders12m !== undefined && inputs.orders12m >= tier.minOrders12m) ||
    (tier.minClv !== undefined && inputs.clv !== undefined && inputs.clv >= tier.minClv)
  );
}

/** Index of the highest tier the inputs meet; -1: none. */
export function qualifiedTier(tiers: readonly TierDefinition[], inputs: TierInputs): number {
  for (let index = tiers.length - 1; index >= 0; index--)
    if (meetsTier(tiers[index] as TierDefinition, inputs)) return index;
  return -1;
}

function heldIndex(profile: Profile, tiers: readonly TierDefinition[]): number {
  return profile.tier === undefined ? -1 : tiers.findIndex((tier) => tier.id === profile.tier);
}

/**
 * The profile with its tier brought up to `now`. `before` is the profile as it was before this
 * write's change (undefined: a new profile): a change that lowered the window spend is a refund,
 * and a refund that takes the customer below their tier demotes without grace.
 * Returns `after` itself when nothing moves.
 */
export function updateTier(before: Profile | undefined, after: Profile, config: TierConfig, now: Date): Profile {
  const { tiers } = config;
  const nowMs = now.getTime();
  if (tiers.length === 0 && after.tier === undefined && after.tierGraceUntil === undefined) return after;
  const inputs = tierInputs(after, config, nowMs);
  const qualified = qualifiedTier(tiers, inputs);
  const held = heldIndex(after, tiers);
  let next: { index: number; graceUntil?: string };
  if (qualified >= held) next = { index: qualified };
  else if (before !== undefined && tierInputs(before, config, nowMs).spend12m > inputs.spend12m)
    next = { index: qualified };
  else if (after.tierGraceUntil === undefined) {
    const graceDays = (tiers[held] as TierDefinition).graceDays;
    next =
      graceDays === 0
        ? { index: qualified }
        : { index: held, graceUntil: new Date(nowMs + graceDays * MS_PER_DAY).toISOString() };
  } else if (Date.parse(after.tierGraceUntil) <= nowMs) next = { index: qualified };
  else next = { index: held, graceUntil: after.tierGraceUntil };
  const tier = next.index >= 0 ? (tiers[next.index] as TierDefinition).id : undefined;
  if (tier === after.tier && next.graceUntil === after.tierGraceUntil) return after;
  const { tier: _tier, tierGraceUntil: _grace, ...rest } = after;
  return {
    ...rest,
    ...(tier !== undefined ? { tier } : {}),
    ...(next.graceUntil !== undefined ? { tierGraceUntil: next.graceUntil } : {}),
  };
}

/**
 * The earliest instant after `nowMs` at which `updateTier` may move the tier with no new data:
 * the grace end, or the first month start at which a month leaving the window changes which tier
 * the customer qualifies for. Infinity: none.
 */
export function nextTierChange(profile: Profile, config: TierConfig, nowMs: number): number {
  const { tiers, timezone } = config;
  if (tiers.length === 0) return Number.POSITIVE_INFINITY;
  let earliest = Number.POSITIVE_INFINITY;
  if (profile.tierGraceUntil !== undefined) {
    const graceEnd = Date.parse(profile.tierGraceUntil);
    if (graceEnd > nowMs) earliest = graceEnd;
  }
  const month = shopMonth(nowMs, timezone);
  const qualifiedNow = qualifiedTier(tiers, tierInputs(profile, config, nowMs));
  const clv = clvInput(profile, config, nowMs);
  // After WINDOW_MONTHS month starts every bucket kept today has left the window.
  for (let ahead = 1; ahead <= WINDOW_MONTHS; ahead++) {
    const start = monthStartMs(month + ahead, timezone);
    if (start >= earliest) break;
    const totals = windowTotals(profile.spendMonths, month + ahead);
    if (qualifiedTier(tiers, { spend12m: totals.spend, orders12m: totals.orders, ...clv }) !== qualifiedNow)
      return start;
  }
  return earliest;
}

/** How far the customer is from the next tier up, by each minimum it sets (spend and orders). */
export interface TierGap {
  /** The next tier's id. */
  tier: string;
  /** Net spend still needed within the window; absent when that tier sets no spend minimum. */
  spend?: number;
  orders?: number;
}

/** The gap to the tier above the one held (the lowest tier when none is held); undefined at the top. */
export function tierGap(profile: Profile, config: TierConfig, nowMs: number): TierGap | undefined {
  const above = config.tiers[heldIndex(profile, config.tiers) + 1];
  if (above === undefined) return undefined;
  const inputs = tierInputs(profile, config, nowMs);
  const gap: TierGap = { tier: above.id };
  if (above.minSpend12m !== undefined)
    gap.spend = Math.max(0, Math.round((above.minSpend12m - inputs.spend12m) * 100) / 100);
  if (above.minOrders12m !== undefined) gap.orders = Math.max(0, above.minOrders12m - inputs.orders12m);
  return gap;
}
