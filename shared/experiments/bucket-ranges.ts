/**
 * Variant bucket ranges (GrowthBook's `getBucketRanges`): weights normalized to fractions summing
 * to 1, laid end to end over [0, 1); with coverage c each range keeps only its first c share, so
 * lowering coverage removes people from every variant alike and never moves anyone between them.
 */
export type BucketRange = readonly [start: number, end: number];

export function normalizeWeights(weights: readonly number[]): number[] {
  if (weights.length === 0) throw new RangeError('an experiment needs at least one variant');
  for (const weight of weights) {
    if (!Number.isFinite(weight) || weight < 0) throw new RangeError(`weights must be numbers ≥ 0, got ${weight}`);
  }
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total <= 0) throw new RangeError('at least one weight must be above 0');
  return weights.map((weight) => weight / total);
}

export function bucketRanges(weights: readonly number[], coverage = 1): BucketRange[] {
  if (!Number.isFinite(coverage) || coverage < 0 || coverage > 1)
    throw new RangeError(`coverage must be between 0 and 1, got ${coverage}`);
  let cumulative = 0;
  // Same arithmetic, in the same order, as GrowthBook: floating-point edges then match exactly.
  return normalizeWeights(weights).map((weight) => {
    const start = cumulative;
    cumulative += weight;
    return [start, start + coverage * weight] as const;
  });
}

/** Index of the range holding `n` (start inclusive, end exclusive), or -1 when none does. */
export function chooseBucket(n: number, ranges: readonly BucketRange[]): number {
  return ranges.findIndex(([start, end]) => n >= start && n < end);
}
