import { GrowthBook } from '@growthbook/growthbook';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignVariant, variantAssigner } from '../../../shared/experiments/assign.js';
import { bucketRanges, normalizeWeights } from '../../../shared/experiments/bucket-ranges.js';
import { isInGlobalHoldout } from '../../../shared/experiments/global-holdout.js';
import { fnv1a32, hashV2 } from '../../../shared/experiments/hash.js';
import { SeededRandom } from '../../../shared/local/seeded-random.js';

/** Random ids of mixed shapes (numbers, uuids-like, emails-like, non-ASCII). */
function randomIds(count: number, seed: number): string[] {
  const random = new SeededRandom(seed);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_@.ğüşİı';
  return Array.from({ length: count }, () => {
    const length = 1 + Math.floor(random.next() * 24);
    let id = '';
    for (let i = 0; i < length; i++) id += alphabet[Math.floor(random.next() * alphabet.length)];
    return id;
  });
}

describe('hash', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    // Prepare / Act / Assess: vectors from the FNV reference (draft-eastlake-fnv).
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('gives a value in [0, 1) on a grid of 1/10000', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (seed, id) => {
        const n = hashV2(seed, id);
        expect(n).toBeGreaterThanOrEqual(0);
        expect(n).toBeLessThan(1);
        expect(Math.abs(Math.round(n * 10000) - n * 10000)).toBeLessThan(1e-9);
      }),
    );
  });
});

describe('bucket ranges', () => {
  it('normalizes weights to fractions summing to 1', () => {
    expect(normalizeWeights([30, 10])).toEqual([0.75, 0.25]);
  });

  it('shrinks every range by the coverage from its own start', () => {
    expect(bucketRanges([1, 1], 0.5)).toEqual([
      [0, 0.25],
      [0.5, 0.75],
    ]);
  });

  it('refuses negative weights and all-zero weights', () => {
    expect(() => normalizeWeights([1, -1])).toThrow(/weights must be numbers ≥ 0/);
    expect(() => normalizeWeights([0, 0])).toThrow(/at least one weight/);
  });
});

describe('assignVariant agrees with the GrowthBook SDK', () => {
  const cases = [
    { key: 'vnb-offer', weights: [70, 20, 10], coverage: 1, ids: 100_000 },
    { key: 'cart-sms', weights: [1, 3], coverage: 0.8, seed: 'custom-seed', ids: 20_000 },
    { key: 'welcome', weights: [0.15, 0.35, 0.5], coverage: 0.37, ids: 20_000 },
  ];

  for (const experiment of cases) {
    it(`on ${experiment.ids.toLocaleString('en')} random ids (${experiment.key}, weights ${experiment.weights.join('/')}, coverage ${experiment.coverage})`, () => {
      // Prepare
      const ids = randomIds(experiment.ids, experiment.weights.length * 7919);
      const ours = variantAssigner(experiment);
      const weights = normalizeWeights(experiment.weights);
      const growthbook = new GrowthBook({ attributes: {} });
      const theirs = (id: string): number => {
        growthbook.setAttributes({ id });
        const result = growthbook.run({
          key: experiment.key,
          // GrowthBook types variations as a non-empty tuple.
          variations: weights.map((_, index) => index) as [number, number, ...number[]],
          weights,
          coverage: experiment.coverage,
          hashVersion: 2,
          ...(experiment.seed !== undefined ? { seed: experiment.seed } : {}),
        });
        return result.inExperiment ? result.variationId : -1;
      };

      // Act
      const disagreements = ids.filter((id) => ours(id) !== theirs(id));

      // Assess
      expect(disagreements.slice(0, 5)).toEqual([]);
      expect(disagreements.length).toBe(0);
    });
  }

  it('spreads ids over variants in proportion to the weights', () => {
    // Prepare
    const ids = randomIds(100_000, 11);
    const counts = [0, 0, 0];
    // Act
    for (const id of ids) {
      const variant = assignVariant({ key: 'spread', weights: [70, 20, 10] }, id);
      counts[variant] = (counts[variant] ?? 0) + 1;
    }
    // Assess: ±1 point of the target shares (≈ 7 standard errors at n = 100k).
    expect(counts[0]! / ids.length).toBeCloseTo(0.7, 1);
    expect(Math.abs(counts[1]! / ids.length - 0.2)).toBeLessThan(0.01);
    expect(Math.abs(counts[2]! / ids.length - 0.1)).toBeLessThan(0.01);
  });

  it('gives -1 outside the coverage and never moves covered ids between variants when coverage grows', () => {
    const ids = randomIds(20_000, 5);
    const narrow = variantAssigner({ key: 'grow', weights: [50, 50], coverage: 0.3 });
    const wide = variantAssigner({ key: 'grow', weights: [50, 50], coverage: 0.9 });
    const covered = ids.filter((id) => narrow(id) !== -1);
    expect(covered.length).toBeGreaterThan(0);
    expect(ids.some((id) => narrow(id) === -1)).toBe(true);
    expect(covered.filter((id) => wide(id) !== narrow(id))).toEqual([]);
  });
});

describe('global holdout', () => {
  it('holds out the configured share of customers within tolerance', () => {
    const ids = randomIds(100_000, 3);
    const held = ids.filter((id) => isInGlobalHoldout(id, 5)).length / ids.length;
    expect(Math.abs(held - 0.05)).toBeLessThan(0.004);
  });

  it('agrees with a GrowthBook experiment seeded sadakat-global-holdout with weights [p, 1 - p]', () => {
    // Prepare
    const ids = randomIds(20_000, 17);
    const growthbook = new GrowthBook({ attributes: {} });
    const heldByGrowthBook = (id: string, percent: number): boolean => {
      growthbook.setAttributes({ id });
      const share = percent / 100;
      return (
        growthbook.run({
          key: 'any',
          seed: 'sadakat-global-holdout',
          hashVersion: 2,
          variations: [0, 1],
          weights: [share, 1 - share],
        }).variationId === 0
      );
    };
    // Act / Assess
    for (const percent of [1, 5, 10, 50]) {
      expect(ids.filter((id) => isInGlobalHoldout(id, percent) !== heldByGrowthBook(id, percent))).toEqual([]);
    }
  });

  it('holds out nobody at 0 percent', () => {
    expect(randomIds(10_000, 9).some((id) => isInGlobalHoldout(id, 0))).toBe(false);
  });
});
