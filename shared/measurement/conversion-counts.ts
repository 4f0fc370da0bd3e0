/**
 * One arm of an experiment as the report counts it (DESIGN "Measurement"): the customers
 * assigned to it and how many of them converted within the goal window. The unit is the
 * customer, so a customer converts at most once.
 */
export interface ConversionCounts {
  assigned: number;
  conversions: number;
}

/** Throws a RangeError naming `label` unless both counts are whole numbers with 0 ≤ conversions ≤ assigned. */
export function checkConversionCounts(counts: ConversionCounts, label: string): void {
  const { assigned, conversions } = counts;
  if (!Number.isSafeInteger(assigned) || assigned < 0) {
    throw new RangeError(`${label}: assigned must be a whole number ≥ 0, got ${assigned}`);
  }
  if (!Number.isSafeInteger(conversions) || conversions < 0) {
    throw new RangeError(`${label}: conversions must be a whole number ≥ 0, got ${conversions}`);
  }
  if (conversions > assigned) {
    throw new RangeError(`${label}: conversions (${conversions}) exceed assigned customers (${assigned})`);
  }
}
