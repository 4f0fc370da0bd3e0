/**
 * Holm–Bonferroni step-down adjustment for comparing several variants with one control:
 * S. Holm (1979), "A simple sequentially rejective multiple test procedure", Scandinavian
 * Journal of Statistics 6(2), 65–70; adjusted p-values as in S. P. Wright (1992), "Adjusted
 * P-values for simultaneous inference", Biometrics 48(4), 1005–1013 (R's p.adjust(method = "holm")).
 * With the i-th smallest of m p-values p₍ᵢ₎:
 *   p̃₍ᵢ₎ = min(1, max_{j ≤ i} (m − j + 1) p₍ⱼ₎).
 * Rejecting where p̃ < α controls the family-wise error rate at α under any dependence —
 * the comparisons share the control, so they are correlated.
 */

/** Adjusted p-values in the order given. One p-value is returned unchanged. */
export function holmAdjust(pValues: readonly number[]): number[] {
  for (const [index, p] of pValues.entries()) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`holmAdjust: p-value ${index} must be in [0, 1], got ${p}`);
  }
  const m = pValues.length;
  // Ties keep their input order; the running maximum makes their adjusted values equal anyway.
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p || a.index - b.index);
  const adjusted = new Array<number>(m);
  let runningMax = 0;
  for (const [rank, { p, index }] of order.entries()) {
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * p));
    adjusted[index] = runningMax;
  }
  return adjusted;
}
