/**
 * RFM scores and segments, as DESIGN "RFM and CLV" defines them: recency = whole days from the
 * last order to the as-of date, frequency = distinct orders, monetary = revenue sum (rows with
 * amount ≤ 0 are not orders; rows after the as-of date are ignored). Scores are quintiles cut
 * like pandas.qcut(values, 5): edges at the 0/20/40/60/80/100% quantiles with linear
 * interpolation, bins closed on the right, the lowest edge included. Recency and monetary are cut
 * on their values (recency reversed: most recent = 5), frequency on its rank with ties broken by
 * customer id; a value cut with duplicate edges falls back to the rank cut.
 */

export type RfmSegment =
  | 'champions'
  | 'loyal_customers'
  | 'cant_lose'
  | 'at_risk'
  | 'potential_loyalists'
  | 'new_customers'
  | 'promising'
  | 'need_attention'
  | 'about_to_sleep'
  | 'hibernating';

export const RFM_SEGMENTS: readonly RfmSegment[] = [
  'champions',
  'loyal_customers',
  'cant_lose',
  'at_risk',
  'potential_loyalists',
  'new_customers',
  'promising',
  'need_attention',
  'about_to_sleep',
  'hibernating',
];

export type Score = 1 | 2 | 3 | 4 | 5;

export interface RfmOrderRow {
  customerId: string;
  day: number;
  amount: number;
  orderId?: string;
}

export interface RfmCustomer {
  customerId: string;
  recency: number;
  frequency: number;
  monetary: number;
  r: Score;
  f: Score;
  m: Score;
  segment: RfmSegment;
}

export interface RfmResult {
  /** Sorted by customer id (numeric order where ids are numbers). */
  customers: RfmCustomer[];
  segments: Record<RfmSegment, number>;
  /** Per dimension, how it was cut ('rank' for frequency always; for the others when value edges repeat). */
  cuts: { recency: 'value' | 'rank'; frequency: 'rank'; monetary: 'value' | 'rank' };
}

/** The segment of an R and F score (DESIGN's table). */
export function rfmSegment(r: Score, f: Score): RfmSegment {
  if (r <= 2) return f <= 2 ? 'hibernating' : f <= 4 ? 'at_risk' : 'cant_lose';
  if (r === 3) return f <= 2 ? 'about_to_sleep' : f === 3 ? 'need_attention' : 'loyal_customers';
  if (f >= 4) return r === 4 ? 'loyal_customers' : 'champions';
  if (f === 1) return r === 4 ? 'promising' : 'new_customers';
  return 'potential_loyalists';
}

/** RFM for every customer with at least one order on or before the as-of day. */
export function computeRfm(rows: Iterable<RfmOrderRow>, asOfDay: number): RfmResult {
  const byCustomer = new Map<string, { last: number; orders: number; orderIds: Set<string>; monetary: number }>();
  for (const { customerId, day, amount, orderId } of rows) {
    if (!(amount > 0) || day > asOfDay) continue;
    let entry = byCustomer.get(customerId);
    if (entry === undefined) {
      entry = { last: day, orders: 0, orderIds: new Set(), monetary: 0 };
      byCustomer.set(customerId, entry);
    }
    entry.last = Math.max(entry.last, day);
    entry.monetary += amount;
    if (orderId === undefined) entry.orders++;
    else if (!entry.orderIds.has(orderId)) {
      entry.orderIds.add(orderId);
      entry.orders++;
    }
  }

  const ids = [...byCustomer.keys()].sort(compareCustomerIds);
  const recency = new Float64Array(ids.length);
  const frequency = new Float64Array(ids.length);
  const monetary = new Float64Array(ids.length);
  ids.forEach((id, i) => {
    const entry = byCustomer.get(id);
    if (!entry) return;
    recency[i] = asOfDay - entry.last;
    frequency[i] = entry.orders;
    monetary[i] = entry.monetary;
  });

  const recencyCut = quintileScores(recency, 'value');
  const frequencyCut = quintileScores(frequency, 'rank');
  const monetaryCut = quintileScores(monetary, 'value');
  const segments = Object.fromEntries(RFM_SEGMENTS.map((segment) => [segment, 0])) as Record<RfmSegment, number>;
  const customers = ids.map((customerId, i): RfmCustomer => {
    const r = (6 - (recencyCut.scores[i] as number)) as Score;
    const f = frequencyCut.scores[i] as Score;
    const segment = rfmSegment(r, f);
    segments[segment]++;
    return {
      customerId,
      recency: recency[i] as number,
      frequency: frequency[i] as number,
      monetary: monetary[i] as number,
      r,
      f,
      m: monetaryCut.scores[i] as Score,
      segment,
    };
  });
  return {
    customers,
    segments,
    cuts: { recency: recencyCut.cut, frequency: 'rank', monetary: monetaryCut.cut },
  };
}

// numpy.linspace(0, 1, 6): 0.2 * 3 is 0.6000000000000001 there too.
const QUINTILE_PROBABILITIES = [0, 0.2, 0.4, 0.2 * 3, 0.8, 1];

/**
 * Scores 1–5 for values given in customer-id order. 'value' cuts the values and falls back to
 * 'rank' when edges repeat; 'rank' cuts the ranks 1..n (ties in id order, i.e. input order).
 */
export function quintileScores(
  values: Float64Array,
  cut: 'value' | 'rank',
): { scores: Uint8Array; cut: 'value' | 'rank' } {
  if (values.length === 0) return { scores: new Uint8Array(0), cut };
  if (cut === 'value') {
    const edges = quantileEdges(Float64Array.from(values).sort());
    if (edges.every((edge, i) => i === 0 || edge > (edges[i - 1] as number))) {
      return { scores: Uint8Array.from(values, (value) => binOf(value, edges)), cut: 'value' };
    }
  }
  // Rank of each value in (value, input position) order, without sorting the positions: the
  // values below it (a binary search in a sorted copy) plus the equal ones met before it (issue 20:
  // a few bytes per customer, not an array of indices, so 10M customers fit the fit's memory).
  const sorted = Float64Array.from(values).sort();
  const taken = new Uint32Array(values.length);
  // Ranks are 1..n, so their quantile edges need no sorted copy.
  const edges = quantileEdgesOf(values.length, (position) => position + 1);
  const scores = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const below = lowerBound(sorted, values[i] as number);
    const rank = below + (taken[below] as number) + 1;
    taken[below] = (taken[below] as number) + 1;
    scores[i] = binOf(rank, edges);
  }
  return { scores, cut: 'rank' };
}

/** The first position in `sorted` holding a value ≥ `value`. */
function lowerBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Quantiles at 0, .2, .4, .6, .8, 1 of sorted values, numpy's 'linear' method. */
export function quantileEdges(sorted: Float64Array): number[] {
  return quantileEdgesOf(sorted.length, (position) => sorted[position] as number);
}

/** quantileEdges of n sorted values given by position. */
function quantileEdgesOf(n: number, at: (position: number) => number): number[] {
  return QUINTILE_PROBABILITIES.map((probability) => {
    const position = probability * (n - 1);
    const below = Math.floor(position);
    const fraction = position - below;
    const low = at(below);
    const high = at(Math.min(below + 1, n - 1));
    const difference = high - low;
    // numpy's _lerp, which interpolates from the nearer end.
    return fraction >= 0.5 ? high - difference * (1 - fraction) : low + difference * fraction;
  });
}

/** The bin (e_{k−1}, e_k] holding a value, 1-based; values at the lowest edge go to bin 1. */
function binOf(value: number, edges: number[]): number {
  for (let k = 1; k < 5; k++) if (value <= (edges[k] as number)) return k;
  return 5;
}

const NUMERIC_ID = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

/** Numeric ids first, in numeric order; then the others in code-unit order. */
export function compareCustomerIds(left: string, right: string): number {
  const leftNumeric = NUMERIC_ID.test(left);
  const rightNumeric = NUMERIC_ID.test(right);
  if (leftNumeric && rightNumeric) {
    const difference = Number(left) - Number(right);
    if (difference !== 0) return difference;
  } else if (leftNumeric !== rightNumeric) {
    return leftNumeric ? -1 : 1;
  }
  return left < right ? -1 : left > right ? 1 : 0;
}
