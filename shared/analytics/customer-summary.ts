/**
 * Per-customer repeat-buying summary (x, t_x, T, m_x) in the conventions of Fader, Hardie & Lee
 * (2005) and lifetimes: transactions on the same day merge into one with their amounts summed;
 * x = distinct purchase days − 1 in the calibration period; t_x = time from the first to the
 * last purchase; T = calibration end − first purchase (the end date itself not +1); both in
 * weeks (days / 7, exactly) or days. m_x = mean of the repeat purchases' daily sums, the first
 * purchase excluded, for x > 0 only. A $0 transaction is still a purchase here, as in lifetimes
 * (the CDNOW reference values count them); RFM, which counts revenue orders, does not.
 *
 * The likelihoods are then evaluated on the distinct (x, t_x, T) triplets with weights: a daily
 * grid gives few distinct triplets, so millions of customers cost what thousands do.
 */
export type Period = 'week' | 'day';

export const DAYS_PER_PERIOD: Readonly<Record<Period, number>> = { week: 7, day: 1 };

export interface DatedAmount {
  customerId: string;
  /** Calendar day number (see calendar-day.ts). */
  day: number;
  amount: number;
}

export interface CustomerSummary {
  customerId: string;
  firstDay: number;
  /** Repeat purchases (distinct purchase days − 1) in the calibration period. */
  x: number;
  /** Days from first to last purchase in the calibration period. */
  txDays: number;
  /** Days from first purchase to the calibration end. */
  TDays: number;
  /** t_x in the summary's period. */
  tx: number;
  /** T in the summary's period. */
  T: number;
  /** Mean of the repeat purchases' daily sums; 0 when x = 0. */
  monetary: number;
  /** Distinct purchase days after the calibration end, up to the holdout end (when given). */
  holdoutPurchases: number;
}

export interface SummaryOptions {
  calibrationEnd: number;
  period: Period;
  /** Last day of the holdout period; purchases after it are ignored. */
  holdoutEnd?: number;
}

export interface CustomerSummaries {
  period: Period;
  calibrationEnd: number;
  holdoutEnd: number | undefined;
  /** Customers whose first purchase is on or before the calibration end, by customer id order of first appearance. */
  customers: CustomerSummary[];
  /** Days from the earliest first purchase to the calibration end. */
  spanDays: number;
}

/** Summarizes transactions per customer. Customers first seen after the calibration end are left out. */
export function summarizeCustomers(transactions: Iterable<DatedAmount>, options: SummaryOptions): CustomerSummaries {
  const { calibrationEnd, period } = options;
  const holdoutEnd = options.holdoutEnd ?? calibrationEnd;
  const amountsByDay = new Map<string, Map<number, number>>();
  for (const { customerId, day, amount } of transactions) {
    if (day > holdoutEnd) continue;
    let days = amountsByDay.get(customerId);
    if (days === undefined) {
      days = new Map();
      amountsByDay.set(customerId, days);
    }
    days.set(day, (days.get(day) ?? 0) + amount);
  }

  const unit = DAYS_PER_PERIOD[period];
  const customers: CustomerSummary[] = [];
  let earliest = Infinity;
  for (const [customerId, days] of amountsByDay) {
    let first = Infinity;
    let last = -Infinity;
    let calibrationDays = 0;
    let calibrationSum = 0;
    let holdoutPurchases = 0;
    for (const [day, amount] of days) {
      if (day > calibrationEnd) {
        holdoutPurchases++;
        continue;
      }
      calibrationDays++;
      calibrationSum += amount;
      if (day < first) first = day;
      if (day > last) last = day;
    }
    if (calibrationDays === 0) continue;
    const x = calibrationDays - 1;
    const firstAmount = days.get(first) ?? 0;
    earliest = Math.min(earliest, first);
    customers.push({
      customerId,
      firstDay: first,
      x,
      txDays: last - first,
      TDays: calibrationEnd - first,
      tx: (last - first) / unit,
      T: (calibrationEnd - first) / unit,
      monetary: x > 0 ? (calibrationSum - firstAmount) / x : 0,
      holdoutPurchases,
    });
  }
  return {
    period,
    calibrationEnd,
    holdoutEnd: options.holdoutEnd,
    customers,
    spanDays: customers.length === 0 ? 0 : calibrationEnd - earliest,
  };
}

/** Distinct (x, t_x, T) triplets with the number of customers sharing each, sorted by x. */
export interface RepeatTriplets {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  length: number;
  period: Period;
  /** Sum of the weights. */
  customers: number;
  /** Customers with x > 0. */
  repeatCustomers: number;
  /** Sum of x × weight. */
  repeatTransactions: number;
  /** The longest T, in days: the calibration span from the earliest first purchase. */
  spanDays: number;
}

const DAY_SLOTS = 65_536;

/**
 * Collapses per-customer (x, t_x days, T days) to distinct triplets, in the period's unit. Days
 * are integers, so equal triplets are found exactly.
 */
export function distinctTriplets(
  x: ArrayLike<number>,
  txDays: ArrayLike<number>,
  TDays: ArrayLike<number>,
  period: Period,
): RepeatTriplets {
  const count = x.length;
  const indexByKey = new Map<number, number>();
  const keys: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < count; i++) {
    const xi = x[i] as number;
    const ti = txDays[i] as number;
    const Ti = TDays[i] as number;
    if (Ti >= DAY_SLOTS || ti > Ti || ti < 0 || xi < 0) {
      throw new RangeError(
        `customer ${i}: need 0 ≤ t_x ≤ T < ${DAY_SLOTS} days and x ≥ 0, got x=${xi} t_x=${ti} T=${Ti}`,
      );
    }
    const key = (xi * DAY_SLOTS + ti) * DAY_SLOTS + Ti;
    const index = indexByKey.get(key);
    if (index === undefined) {
      indexByKey.set(key, keys.length);
      keys.push(key);
      weights.push(1);
    } else {
      weights[index] = (weights[index] as number) + 1;
    }
  }
  const order = keys.map((_, index) => index).sort((left, right) => (keys[left] as number) - (keys[right] as number));
  const unit = DAYS_PER_PERIOD[period];
  const triplets: RepeatTriplets = {
    x: new Float64Array(order.length),
    tx: new Float64Array(order.length),
    T: new Float64Array(order.length),
    weight: new Float64Array(order.length),
    length: order.length,
    period,
    customers: count,
    repeatCustomers: 0,
    repeatTransactions: 0,
    spanDays: 0,
  };
  order.forEach((index, position) => {
    const key = keys[index] as number;
    const Ti = key % DAY_SLOTS;
    const rest = (key - Ti) / DAY_SLOTS;
    const ti = rest % DAY_SLOTS;
    const xi = (rest - ti) / DAY_SLOTS;
    const weight = weights[index] as number;
    triplets.x[position] = xi;
    triplets.tx[position] = ti / unit;
    triplets.T[position] = Ti / unit;
    triplets.weight[position] = weight;
    triplets.repeatTransactions += xi * weight;
    if (xi > 0) triplets.repeatCustomers += weight;
    triplets.spanDays = Math.max(triplets.spanDays, Ti);
  });
  return triplets;
}

/** The distinct triplets of a summary. */
export function tripletsOf(summaries: CustomerSummaries): RepeatTriplets {
  const { customers } = summaries;
  return distinctTriplets(
    customers.map((customer) => customer.x),
    customers.map((customer) => customer.txDays),
    customers.map((customer) => customer.TDays),
    summaries.period,
  );
}

/** Distinct (x, m_x) pairs of repeat customers with weights, for Gamma-Gamma. */
export interface RepeatSpend {
  x: Float64Array;
  monetary: Float64Array;
  weight: Float64Array;
  length: number;
  customers: number;
}

export function repeatSpendOf(summaries: CustomerSummaries): RepeatSpend {
  const { customers } = summaries;
  return repeatSpendOfColumns(
    customers.map((customer) => customer.x),
    customers.map((customer) => customer.monetary),
  );
}

/**
 * The same from columns (the nightly fit's typed arrays, issue 20): repeat customers' indices
 * sorted by (x, m_x), equal pairs counted once with their weight — no per-customer key strings.
 */
export function repeatSpendOfColumns(x: ArrayLike<number>, monetary: ArrayLike<number>): RepeatSpend {
  let customers = 0;
  for (let i = 0; i < x.length; i++) if ((x[i] as number) > 0) customers++;
  const order = new Uint32Array(customers);
  for (let i = 0, next = 0; i < x.length; i++) if ((x[i] as number) > 0) order[next++] = i;
  order.sort(
    (left, right) =>
      (x[left] as number) - (x[right] as number) || (monetary[left] as number) - (monetary[right] as number),
  );
  const xs = new Float64Array(customers);
  const values = new Float64Array(customers);
  const weights = new Float64Array(customers);
  let length = 0;
  for (const index of order) {
    const xi = x[index] as number;
    const value = monetary[index] as number;
    if (length > 0 && xs[length - 1] === xi && values[length - 1] === value) {
      weights[length - 1] = (weights[length - 1] as number) + 1;
      continue;
    }
    xs[length] = xi;
    values[length] = value;
    weights[length] = 1;
    length++;
  }
  return {
    x: xs.slice(0, length),
    monetary: values.slice(0, length),
    weight: weights.slice(0, length),
    length,
    customers,
  };
}
