/**
 * Tiers as generated segments (issue 22): every tier of settings.yaml becomes a segment
 * `tier:<id>` whose members hold that tier. Being segments, a tier change is announced like any
 * segment move — recorded on the profile as a pending segment change in the same write, so a
 * crash before the journey step is re-attempted (journeys/pending-segment-changes.ts) — and
 * `trigger: { tier: gold, on: enter }` is the segment trigger on `tier:gold`. Their `nextChange`
 * is the tier's (tier-state.ts): the grace end or the month a lapse happens goes into the
 * profile's `nextExpiryAt`, so the expiry pass demotes a customer who sends nothing.
 * The ids themselves: tier-segment-id.ts.
 */
import type { CompiledSegment, CompiledSegments } from '../segments/compile.js';
import { tierSegmentId } from './tier-segment-id.js';
import { nextTierChange, type TierConfig } from './tier-state.js';

const TIER_INPUTS: ReadonlyMap<string, readonly string[]> = new Map([['tier', ['tier']]]);

/** The campaign's segments followed by one generated segment per tier. */
export function withTierSegments(compiled: CompiledSegments, config: TierConfig): CompiledSegments {
  if (config.tiers.length === 0) return compiled;
  const nextChange = (profile: Parameters<typeof nextTierChange>[0], nowMs: number) =>
    nextTierChange(profile, config, nowMs);
  // The tier's next change is one instant for all its segments: the first carries it.
  const generated = config.tiers.map(
    (tier, index): CompiledSegment => ({
      id: tierSegmentId(tier.id),
      description: `customers holding the ${tier.id} tier (settings.yaml tiers)`,
      test: (profile) => profile.tier === tier.id,
      inputs: TIER_INPUTS,
      ...(index === 0 ? { nextChange } : {}),
    }),
  );
  const segments = [...compiled.segments, ...generated];
  // Everything else the compiled segments carry (the midnight spread, the CLV rules) stays.
  return { ...compiled, segments, byId: new Map(segments.map((segment) => [segment.id, segment])) };
}
