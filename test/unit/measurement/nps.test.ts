/** NPS and its interval (issue 22): the variance of the ±1/0 score, checked against a percentile bootstrap of the same answers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../shared/local/seeded-random.js';
import { countCategories, npsInterval, type NpsCounts } from '../../../shared/measurement/nps.js';

/** Percentile bootstrap (B resamples of the n answers, with replacement) of NPS, in points. */
function bootstrapInterval(counts: NpsCounts, resamples: number, seed: number): { lower: number; upper: number } {
  const random = new SeededRandom(seed);
  const n = counts.promoters + counts.passives + counts.detractors;
  const p = counts.promoters / n;
  const pd = (counts.promoters + counts.passives) / n;
  const scores: number[] = [];
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const u = random.next();
      sum += u < p ? 1 : u < pd ? 0 : -1;
    }
    scores.push((100 * sum) / n);
  }
  scores.sort((a, b) => a - b);
  const at = (q: number) => scores[Math.min(resamples - 1, Math.floor(q * resamples))] as number;
  return { lower: at(0.025), upper: at(0.975) };
}

describe('npsInterval', () => {
  it('is promoters % − detractors % with the interval of the mean ±1/0 score (worked by hand)', () => {
    // Act: 50 promoters, 30 passives, 20 detractors; s² = (0.7 − 0.3²) × 100/99, half-width 1.96 √(s²/100)
    const nps = npsInterval({ promoters: 50, passives: 30, detractors: 20 });

    // Assess
    expect(nps).toEqual({
      promoters: 50,
      passives: 30,
      detractors: 20,
      responses: 100,
      score: 30,
      lower: 14.6,
      upper: 45.4,
    });
  });

  it('has no interval for one answer and no score for none', () => {
    expect(npsInterval({ promoters: 1, passives: 0, detractors: 0 })).toMatchObject({
      score: 100,
      lower: null,
      upper: null,
    });
    expect(npsInterval({ promoters: 0, passives: 0, detractors: 0 })).toBeNull();
  });

  it('stays within −100 … 100', () => {
    expect(npsInterval({ promoters: 0, passives: 1, detractors: 29 })?.lower).toBeGreaterThanOrEqual(-100);
    expect(npsInterval({ promoters: 29, passives: 1, detractors: 0 })?.upper).toBeLessThanOrEqual(100);
  });

  it('counts 0–6 as detractors, 7–8 passives, 9–10 promoters', () => {
    expect(countCategories([0, 6, 7, 8, 9, 10, 10])).toEqual({ promoters: 3, passives: 2, detractors: 2 });
  });

  it('refuses counts that are not whole numbers ≥ 0', () => {
    expect(() => npsInterval({ promoters: -1, passives: 0, detractors: 0 })).toThrow(/promoters/);
  });

  // Tolerance: each end within 1.5 points + 10 % of the half-width of the bootstrap's. The normal
  // approximation and the percentile bootstrap agree closely once n ≥ 50 with every category ≥ 5 %;
  // B = 2,000 resamples keep the bootstrap's own Monte Carlo error of the ends near 0.5 point.
  it('agrees with a percentile bootstrap of the same answers within 1.5 points + 10 % of the half-width', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 50, max: 300 }),
        fc.double({ min: 0.05, max: 0.9, noNaN: true }),
        fc.double({ min: 0.05, max: 0.9, noNaN: true }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (n, a, b, seed) => {
          const promoters = Math.max(Math.round(n * a * (1 - b)), Math.ceil(0.05 * n));
          const detractors = Math.max(Math.round(n * b * (1 - a)), Math.ceil(0.05 * n));
          const passives = n - promoters - detractors;
          fc.pre(passives >= Math.ceil(0.05 * n));
          const counts = { promoters, passives, detractors };
          const normal = npsInterval(counts);
          const boot = bootstrapInterval(counts, 2000, seed);
          const tolerance = 1.5 + 0.1 * ((boot.upper - boot.lower) / 2);
          expect(Math.abs((normal?.lower ?? Number.NaN) - boot.lower)).toBeLessThanOrEqual(tolerance);
          expect(Math.abs((normal?.upper ?? Number.NaN) - boot.upper)).toBeLessThanOrEqual(tolerance);
        },
      ),
      { numRuns: 15, seed: 20261207 },
    );
  });
});
