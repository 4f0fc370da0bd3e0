/**
 * The size budget (DESIGN "Profile": trimmed to stay ≤ 8 KB, so a write never exceeds 8 WCU and
 * an item never nears DynamoDB's 400 KB). Past the budget, history goes first, least useful and
 * oldest first: hourly buckets, property histories, counters of custom (non-e-commerce) events
 * least recently seen, daily buckets, recent products, the oldest applied ids (down to a floor:
 * they guard exactly-once), cart lines, custom traits, and last the e-commerce counters.
 * Size is the JSON's UTF-8 length.
 */
import { ECOMMERCE_EVENTS } from '../events/event.js';
import { byRecency } from './event-history.js';
import { PROFILE_LIMITS } from './limits.js';
import { addMoney, multiplyMoney } from './money.js';
import type { EventHistory, Profile } from './schema.js';
import { compareIso } from './timestamps.js';

const ECOMMERCE_NAMES: ReadonlySet<string> = new Set(Object.values(ECOMMERCE_EVENTS));

export function profileBytes(profile: Profile): number {
  return Buffer.byteLength(JSON.stringify(profile), 'utf8');
}

/** The profile itself when it fits; otherwise a trimmed copy. */
export function trimToBudget(profile: Profile, maxBytes: number = PROFILE_LIMITS.maxProfileBytes): Profile {
  if (profileBytes(profile) <= maxBytes) return profile;
  const trimmed = structuredClone(profile);
  let bytes = profileBytes(trimmed);
  for (let step = 0; bytes > maxBytes && step < TRIM_STEPS.length; ) {
    if ((TRIM_STEPS[step] as TrimStep)(trimmed)) bytes = profileBytes(trimmed);
    else step++;
  }
  return trimmed;
}

/** Drops one batch of its kind (the oldest) and says whether there was anything to drop. */
type TrimStep = (profile: Profile) => boolean;

const TRIM_STEPS: readonly TrimStep[] = [
  (profile) => dropOldestBucket(profile, 'hourly'),
  dropOldestPropertyValue,
  (profile) => dropOldestEvent(profile, (name) => !ECOMMERCE_NAMES.has(name)),
  (profile) => dropOldestBucket(profile, 'daily'),
  dropOldestRecentProduct,
  (profile) => profile.recentIds.length > PROFILE_LIMITS.recentIdsFloor && profile.recentIds.shift() !== undefined,
  dropOldestCartLine,
  dropOldestTrait,
  (profile) => dropOldestEvent(profile, () => true),
];

function histories(profile: Profile): EventHistory[] {
  return Object.values(profile.events).flatMap((summary) => [summary, ...Object.values(summary.props ?? {})]);
}

/** Removes the oldest bucket number of that kind from every history at once. */
function dropOldestBucket(profile: Profile, kind: 'hourly' | 'daily'): boolean {
  const all = histories(profile);
  const oldest = Math.min(...all.flatMap((history) => Object.keys(history[kind]).map(Number)));
  if (!Number.isFinite(oldest)) return false;
  for (const history of all) delete history[kind][String(oldest)];
  return true;
}

function dropOldestPropertyValue(profile: Profile): boolean {
  let oldest: { summary: Profile['events'][string]; key: string; history: EventHistory } | undefined;
  for (const summary of Object.values(profile.events)) {
    for (const [key, history] of Object.entries(summary.props ?? {})) {
      if (oldest === undefined || byRecency([key, history], [oldest.key, oldest.history]) > 0)
        oldest = { summary, key, history };
    }
  }
  if (oldest?.summary.props === undefined) return false;
  delete oldest.summary.props[oldest.key];
  return true;
}

function dropOldestRecentProduct(profile: Profile): boolean {
  const { viewed, carted } = profile.recent;
  const lastViewed = viewed.at(-1);
  const lastCarted = carted.at(-1);
  if (lastViewed === undefined && lastCarted === undefined) return false;
  if (lastCarted === undefined || (lastViewed !== undefined && compareIso(lastViewed.at, lastCarted.at) <= 0))
    viewed.pop();
  else carted.pop();
  return true;
}

function dropOldestEvent(profile: Profile, eligible: (name: string) => boolean): boolean {
  const oldest = Object.entries(profile.events)
    .filter(([name]) => eligible(name))
    .sort(byRecency)
    .at(-1);
  if (oldest === undefined) return false;
  delete profile.events[oldest[0]];
  return true;
}

/** Items are stored newest first. */
function dropOldestCartLine(profile: Profile): boolean {
  if (profile.cart.items.pop() === undefined) return false;
  profile.cart.value = addMoney(...profile.cart.items.map((line) => multiplyMoney(line.price, line.quantity)));
  return true;
}

function dropOldestTrait(profile: Profile): boolean {
  const keys = Object.keys(profile.traits);
  if (keys.length === 0) return false;
  const timeOf = (key: string): number => profile.fieldTimes[`traits.${key}`] ?? -Infinity;
  const oldest = keys.reduce((a, b) => (timeOf(b) < timeOf(a) || (timeOf(b) === timeOf(a) && b > a) ? b : a));
  delete profile.traits[oldest];
  delete profile.fieldTimes[`traits.${oldest}`];
  return true;
}
