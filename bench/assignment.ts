/**
 * Experiment assignment: assignments/s of sadakat's assigner beside GrowthBook's own SDK
 * (`GrowthBook.run`, hash version 2) on the same ids in the same run. Both must agree on every
 * id; the run fails otherwise.
 */
import { GrowthBook } from '@growthbook/growthbook';
import { normalizeWeights } from '../shared/experiments/bucket-ranges.js';
import { variantAssigner } from '../shared/experiments/assign.js';
import type { BenchRow } from './bench-row.js';

export async function run(options: { ids?: number } = {}): Promise<BenchRow[]> {
  const count = options.ids ?? 200_000;
  const ids = Array.from({ length: count }, (_, index) => `cust-${(index * 2654435761) % 1_000_000_007}`);
  const experiment = { key: 'vnb-offer', weights: [45, 45, 10], coverage: 1 };
  const weights = normalizeWeights(experiment.weights);
  const ours = variantAssigner(experiment);
  const growthbook = new GrowthBook({ attributes: {} });
  const theirs = (id: string): number => {
    growthbook.setAttributes({ id });
    const result = growthbook.run({ key: experiment.key, variations: [0, 1, 2], weights, coverage: 1, hashVersion: 2 });
    return result.inExperiment ? result.variationId : -1;
  };

  const time = (assign: (id: string) => number): { perSecond: number; variants: number[] } => {
    const variants: number[] = new Array<number>(ids.length);
    const started = performance.now();
    for (let index = 0; index < ids.length; index++) variants[index] = assign(ids[index] ?? '');
    return { perSecond: ids.length / ((performance.now() - started) / 1000), variants };
  };
  time(ours);
  time(theirs); // warm-up, both
  const a = time(ours);
  const b = time(theirs);
  const disagreements = a.variants.filter((variant, index) => variant !== b.variants[index]).length;
  if (disagreements > 0)
    throw new Error(`assignment disagrees with GrowthBook on ${disagreements} of ${ids.length} ids`);
  return [
    {
      name: `assignments/s (${count.toLocaleString('en-US')} ids, 45/45/10)`,
      value: a.perSecond,
      unit: 'assignments/s',
      peerName: 'GrowthBook SDK run()',
      peer: b.perSecond,
      ratio: a.perSecond / b.perSecond,
    },
  ];
}
