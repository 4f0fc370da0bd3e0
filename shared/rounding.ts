/**
 * Decimal rounding for figures that are printed or stored coarser than they are computed
 * (probabilities, scores, milliseconds). Money has its own entry point, `roundMoney`
 * (shared/profiles/money.ts), which uses this below micro-units.
 */

/** `value` to `digits` decimal places, halves up (`Math.round`). */
export function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
