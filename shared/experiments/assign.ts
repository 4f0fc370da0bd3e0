/**
 * Experiment assignment (DESIGN "Experiments and holdout"): deterministic, stateless and
 * GrowthBook-compatible, so the same customer lands in the same variant in every Lambda, in
 * `sadakat assign` and in a GrowthBook SDK on the storefront.
 */
import { bucketRanges, chooseBucket } from './bucket-ranges.js';
import { hashV2 } from './hash.js';

export interface ExperimentDefinition {
  key: string;
  /** Defaults to the experiment key. */
  seed?: string;
  /** Relative weights, one per variant (normalized here). */
  weights: readonly number[];
  /** Share of customers in the experiment at all, 0…1 (default 1). */
  coverage?: number;
}

/** The variant index for this id, or -1 when coverage leaves the id out of the experiment. */
export function assignVariant(experiment: ExperimentDefinition, id: string): number {
  return chooseBucket(
    hashV2(experiment.seed ?? experiment.key, id),
    bucketRanges(experiment.weights, experiment.coverage ?? 1),
  );
}

/** Precomputes the ranges once for many ids (`sadakat assign`, the demo). */
export function variantAssigner(experiment: ExperimentDefinition): (id: string) => number {
  const ranges = bucketRanges(experiment.weights, experiment.coverage ?? 1);
  const seed = experiment.seed ?? experiment.key;
  return (id) => chooseBucket(hashV2(seed, id), ranges);
}
