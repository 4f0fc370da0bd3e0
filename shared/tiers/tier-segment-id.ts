/**
 * The id of the segment a tier generates (`tier:<id>`, tier-segments.ts), and back. Its own file
 * because journey parsing and checks need only the names: tier-segments.ts reaches the tier state
 * and through it the CLV model (@stdlib's special functions), which journey-schedule and
 * release-deferred do not run (decision 296).
 *
 * A colon cannot appear in a segments.yaml id, so a generated id never collides with one.
 */
export const TIER_SEGMENT_PREFIX = 'tier:';

export function tierSegmentId(tier: string): string {
  return `${TIER_SEGMENT_PREFIX}${tier}`;
}

/** The tier a generated segment id stands for; undefined for any other segment. */
export function tierOfSegment(segmentId: string): string | undefined {
  return segmentId.startsWith(TIER_SEGMENT_PREFIX) ? segmentId.slice(TIER_SEGMENT_PREFIX.length) : undefined;
}
