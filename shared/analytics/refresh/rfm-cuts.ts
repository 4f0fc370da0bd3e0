/**
 * RFM cut points for scoring profiles one at a time, in parallel. The scores themselves come from
 * shared/analytics/rfm.ts (quintileScores and rfmSegment: the one place the rules live): the fit
 * scores every customer there, then keeps per dimension and score k the largest value holding a
 * score ≤ k. Scores rise with the value (and, for rank cuts, with the customer id among equal
 * values), so comparing a customer with those four thresholds gives back exactly the score
 * rfm.ts gave them.
 *
 * Rank cuts (frequency always; recency or monetary when their value edges repeat) break ties by
 * customer id, so their thresholds carry the id of the customer at the edge.
 */
import { compareCustomerIds, quintileScores, rfmSegment, RFM_SEGMENTS, type RfmSegment, type Score } from '../rfm.js';
import type { Rfm } from '../../profiles/schema.js';

export interface RfmInputs {
  id: string;
  recency: number;
  frequency: number;
  monetary: number;
}

/** The largest (value, id) scoring ≤ k; null when no customer scored ≤ k (tiny populations). */
export type Threshold = { value: number; id?: string } | null;

export interface DimensionCut {
  basis: 'value' | 'rank';
  /** Thresholds of scores 1–4; above the last one is 5. */
  upper: [Threshold, Threshold, Threshold, Threshold];
}

export interface RfmCuts {
  customers: number;
  recency: DimensionCut;
  frequency: DimensionCut;
  monetary: DimensionCut;
  segments: Record<RfmSegment, number>;
}

/** Fits the cut points on every customer (any order; sorted by id here, as rfm.ts requires). */
export function fitRfmCuts(customers: readonly RfmInputs[]): RfmCuts {
  const column = (pick: (customer: RfmInputs) => number): Float64Array => Float64Array.from(customers, pick);
  return fitRfmCutsOfColumns({
    ids: customers.map((customer) => customer.id),
    recency: column((customer) => customer.recency),
    frequency: column((customer) => customer.frequency),
    monetary: column((customer) => customer.monetary),
  });
}

/** RFM inputs as columns (the same index is one customer; the nightly fit's typed arrays, issue 20). */
export interface RfmColumns {
  ids: readonly string[];
  recency: ArrayLike<number>;
  frequency: ArrayLike<number>;
  monetary: ArrayLike<number>;
}

/** fitRfmCuts on columns: customers in any order, sorted by id here through an index permutation. */
export function fitRfmCutsOfColumns(columns: RfmColumns): RfmCuts {
  const { ids: unsorted } = columns;
  const order = new Uint32Array(unsorted.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((left, right) => compareCustomerIds(unsorted[left] as string, unsorted[right] as string));
  const ids = Array.from(order, (index) => unsorted[index] as string);
  const column = (values: ArrayLike<number>): Float64Array =>
    Float64Array.from(order, (index) => values[index] as number);
  const recency = column(columns.recency);
  const frequency = column(columns.frequency);
  const monetary = column(columns.monetary);
  const recencyScores = quintileScores(recency, 'value');
  const frequencyScores = quintileScores(frequency, 'rank');
  const monetaryScores = quintileScores(monetary, 'value');

  const segments = Object.fromEntries(RFM_SEGMENTS.map((segment) => [segment, 0])) as Record<RfmSegment, number>;
  for (let i = 0; i < ids.length; i++) {
    segments[rfmSegment((6 - (recencyScores.scores[i] as number)) as Score, frequencyScores.scores[i] as Score)]++;
  }
  return {
    customers: ids.length,
    recency: thresholds(recency, recencyScores, ids),
    frequency: thresholds(frequency, frequencyScores, ids),
    monetary: thresholds(monetary, monetaryScores, ids),
    segments,
  };
}

export function scoreRfm(cuts: Pick<RfmCuts, 'recency' | 'frequency' | 'monetary'>, customer: RfmInputs): Rfm {
  // Recency is reversed as in rfm.ts: the most recent fifth scores 5.
  const r = (6 - scoreOf(cuts.recency, customer.recency, customer.id)) as Score;
  const f = scoreOf(cuts.frequency, customer.frequency, customer.id);
  return { r, f, m: scoreOf(cuts.monetary, customer.monetary, customer.id), segment: rfmSegment(r, f) };
}

function thresholds(
  values: Float64Array,
  scored: { scores: Uint8Array; cut: 'value' | 'rank' },
  ids: readonly string[],
): DimensionCut {
  const upper: DimensionCut['upper'] = [null, null, null, null];
  // Customers are in id order, so among equal values a later one is the larger (value, id).
  values.forEach((value, i) => {
    const score = scored.scores[i] as number;
    for (let k = score; k <= 4; k++) {
      const current = upper[k - 1];
      if (current === null || current === undefined || value >= current.value) {
        upper[k - 1] = scored.cut === 'rank' ? { value, id: ids[i] as string } : { value };
      }
    }
  });
  return { basis: scored.cut, upper };
}

function scoreOf(cut: DimensionCut, value: number, id: string): Score {
  for (let k = 1; k <= 4; k++) {
    const threshold = cut.upper[k - 1];
    if (threshold && atOrBelow(cut.basis, value, id, threshold)) return k as Score;
  }
  return 5;
}

function atOrBelow(basis: 'value' | 'rank', value: number, id: string, threshold: NonNullable<Threshold>): boolean {
  if (value !== threshold.value || basis === 'value') return value <= threshold.value;
  return compareCustomerIds(id, threshold.id ?? '') <= 0;
}
