/**
 * Audiences without scans (issue 20): the segments scheduled journeys target get a membership
 * item per member, keyed by segment, the member's time-zone bucket and a shard, so the hourly
 * schedule pass reads only the members whose slot is due instead of every profile.
 *
 * A bucket is the customer's IANA zone in its canonical spelling (`Asia/Kolkata` and
 * `Asia/Calcutta` are one bucket), never a local time slot: daylight saving would move a slot
 * twice a year and rewrite every membership. Customers without a valid zone are in the
 * DEFAULT_BUCKET, which the pass reads when the shop's `defaultTimezone` is due — so changing
 * the setting moves them without rewriting anything.
 */
import type { Profile } from '../profiles/schema.js';
import type { Journey } from './ast.js';

/** Members without a zone of their own: scheduled in the shop's `defaultTimezone`. */
export const DEFAULT_BUCKET = '-';

/** The segments scheduled journeys target, each once, sorted. */
export function scheduledAudiences(journeys: readonly Journey[]): string[] {
  const audiences = new Set<string>();
  for (const journey of journeys) if (journey.trigger.kind === 'schedule') audiences.add(journey.trigger.audience);
  return [...audiences].sort();
}

/**
 * Building a DateTimeFormat costs a quarter of a millisecond, and every profile write asks for
 * its zone's bucket twice (before and after): answers are remembered, as in profiles/locale.ts.
 */
const canonicalZones = new Map<string, string | undefined>();
const CANONICAL_ZONES_SIZE = 1000;

function canonicalZone(timezone: string): string | undefined {
  if (canonicalZones.has(timezone)) return canonicalZones.get(timezone);
  let canonical: string | undefined;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    canonical = undefined;
  }
  if (canonicalZones.size >= CANONICAL_ZONES_SIZE) canonicalZones.clear();
  canonicalZones.set(timezone, canonical);
  return canonical;
}

/** Fixed-offset zones ICU knows but does not list among its supported values. */
const FIXED_OFFSET_ZONES = [
  'UTC',
  ...Array.from({ length: 27 }, (_, index) => index - 14)
    .filter((offset) => offset !== 0)
    .map((offset) => `Etc/GMT${offset > 0 ? '+' : ''}${offset}`),
];

let buckets: { list: readonly string[]; known: ReadonlySet<string> } | undefined;

/**
 * Every bucket a membership can be written under: what the pass checks for a due slot each hour
 * (≈ 445 zones; built on first use, not at cold start).
 */
export function timezoneBuckets(): readonly string[] {
  return knownBuckets().list;
}

function knownBuckets(): { list: readonly string[]; known: ReadonlySet<string> } {
  if (buckets === undefined) {
    const zones = new Set<string>();
    for (const zone of [...Intl.supportedValuesOf('timeZone'), ...FIXED_OFFSET_ZONES]) {
      const canonical = canonicalZone(zone);
      if (canonical) zones.add(canonical);
    }
    const list = [...zones].sort();
    buckets = { list, known: new Set(list) };
  }
  return buckets;
}

/** The bucket of a profile's `timezone` (canonical IANA name), or DEFAULT_BUCKET for none or an invalid one. */
export function timezoneBucket(timezone: string | undefined): string {
  if (!timezone) return DEFAULT_BUCKET;
  const canonical = canonicalZone(timezone);
  return canonical !== undefined && knownBuckets().known.has(canonical) ? canonical : DEFAULT_BUCKET;
}

/** A profile's memberships among `audiences`: segment → bucket. Merged (frozen) copies have none. */
export function membershipsOf(profile: Profile | undefined, audiences: readonly string[]): Map<string, string> {
  const memberships = new Map<string, string>();
  if (profile === undefined || profile.mergedInto !== undefined) return memberships;
  const bucket = timezoneBucket(profile.timezone);
  for (const segment of audiences) if (profile.segments[segment] !== undefined) memberships.set(segment, bucket);
  return memberships;
}

export interface MembershipChanges {
  /** Memberships to write (new, or moved to another bucket). */
  put: { segment: string; bucket: string }[];
  /** Segments whose membership item goes. */
  remove: string[];
}

/** What turns `before` into `after`. */
export function membershipChanges(before: Map<string, string>, after: Map<string, string>): MembershipChanges {
  const put: MembershipChanges['put'] = [];
  for (const [segment, bucket] of after) if (before.get(segment) !== bucket) put.push({ segment, bucket });
  const remove = [...before.keys()].filter((segment) => !after.has(segment));
  return { put, remove };
}
