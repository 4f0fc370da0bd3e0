/**
 * Special functions the CLV models need: log-gamma (from @stdlib, a maintained port of the
 * Cephes/FreeBSD routine) and the Gauss hypergeometric function 2F1 on 0 ≤ z < 1, which no
 * maintained npm package offers.
 */
import gammaln from '@stdlib/math-base-special-gammaln';

export const logGamma: (value: number) => number = gammaln;

const MAX_SERIES_TERMS = 1_000_000;

/**
 * 2F1(a, b; c; z) for 0 ≤ z < 1 and c > 0, by its power series. When the direct series grows
 * before it shrinks (large a·b·z/c) or its terms change sign, Euler's transformation
 * 2F1(a,b;c;z) = (1−z)^(c−a−b) · 2F1(c−a, c−b; c; z) is used if it has the smaller first terms;
 * the series stops when a term no longer changes the sum in double precision.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1 needs 0 ≤ z < 1, got z = ${z}`);
  if (!(c > 0)) throw new RangeError(`hyp2f1 needs c > 0, got c = ${c}`);
  if (z === 0) return 1;
  const direct = Math.abs(a * b);
  const euler = Math.abs((c - a) * (c - b));
  if (euler < direct) return (1 - z) ** (c - a - b) * hyp2f1Series(c - a, c - b, c, z);
  return hyp2f1Series(a, b, c, z);
}

/** The plain power series Σ (a)_n (b)_n / ((c)_n n!) zⁿ. */
export function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  // Terms may shrink near a negative a or b and grow again after it; stop only past both.
  const settled = Math.max(0, -a, -b);
  let term = 1;
  let sum = 1;
  for (let n = 0; n < MAX_SERIES_TERMS; n++) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    const next = sum + term;
    // Once the ratio stays below one, a term that no longer moves the sum ends the series.
    if (next === sum && n >= settled && Math.abs(ratio) < 1) return sum;
    sum = next;
    if (!Number.isFinite(sum)) return sum;
  }
  return sum;
}
