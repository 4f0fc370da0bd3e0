import { describe, expect, it } from 'vitest';
import { bfgs, minimize, nelderMead } from '../../../shared/analytics/optimize.js';

/** Rosenbrock's banana valley: minimum 0 at (1, 1), hard for naive descent. */
const rosenbrock = (p: Float64Array): number =>
  100 * ((p[1] as number) - (p[0] as number) ** 2) ** 2 + (1 - (p[0] as number)) ** 2;

describe('nelderMead', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const result = nelderMead(rosenbrock, [-1.2, 1]);

    expect(result.converged).toBe(true);
    expect(result.point[0]).toBeCloseTo(1, 6);
    expect(result.point[1]).toBeCloseTo(1, 6);
  });

  it('moves away from points where the objective is not finite', () => {
    const result = nelderMead((p) => ((p[0] as number) < 0 ? NaN : ((p[0] as number) - 2) ** 2), [0.05]);

    expect(result.point[0]).toBeCloseTo(2, 6);
  });
});

describe('minimize', () => {
  it('keeps the best of several starts', () => {
    // Two valleys: f = (x²−4)² + x, deeper at x ≈ −2.
    const f = (p: Float64Array): number => ((p[0] as number) ** 2 - 4) ** 2 + (p[0] as number);

    const result = minimize(f, [[3], [-3]]);

    expect(result.point[0]).toBeLessThan(-1.9);
  });
});

describe('bfgs', () => {
  it('finds the minimum of the Rosenbrock function with its gradient', () => {
    const withGradient = (p: Float64Array, gradient: Float64Array): number => {
      const [x, y] = [p[0] as number, p[1] as number];
      gradient[0] = -400 * x * (y - x * x) - 2 * (1 - x);
      gradient[1] = 200 * (y - x * x);
      return rosenbrock(p);
    };

    const result = bfgs(withGradient, [-1.2, 1]);

    expect(result.converged).toBe(true);
    expect(result.point[0]).toBeCloseTo(1, 6);
    expect(result.point[1]).toBeCloseTo(1, 6);
  });
});
