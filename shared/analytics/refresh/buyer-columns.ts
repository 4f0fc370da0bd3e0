/**
 * The fit's per-buyer inputs as typed columns (issue 20): day counts and order counts in
 * Int32Arrays, money in Float64Arrays, and the ids, filled slice by slice instead of three
 * objects per buyer. Sized exactly when the summarize results say how many buyers each slice
 * holds; otherwise grown by half again when full.
 */
import type { SliceSummary } from './artifacts.js';
import type { PurchaseHistory } from './purchase-history.js';

const WHOLE = ['recency', 'frequency', 'x', 'txDays', 'TDays'] as const;
const MONEY = ['monetary', 'repeatMean'] as const;
type Whole = (typeof WHOLE)[number];
type Money = (typeof MONEY)[number];

/** The filled columns (views of exactly `length` buyers). */
export type BuyerColumnsView = Record<Whole, Int32Array> &
  Record<Money, Float64Array> & {
    ids: readonly string[];
    length: number;
    /** What valueOf reads of buyer `i`. */
    history(i: number): Pick<PurchaseHistory, 'x' | 'txDays' | 'TDays' | 'repeatMean'>;
  };

export class BuyerColumns {
  private readonly ids: string[] = [];
  private whole: Record<Whole, Int32Array>;
  private money: Record<Money, Float64Array>;
  private length = 0;

  constructor(expected = 1024) {
    this.whole = Object.fromEntries(WHOLE.map((name) => [name, new Int32Array(expected)])) as Record<Whole, Int32Array>;
    this.money = Object.fromEntries(MONEY.map((name) => [name, new Float64Array(expected)])) as Record<
      Money,
      Float64Array
    >;
  }

  append(customers: SliceSummary['customers']): void {
    const added = customers.id.length;
    for (const name of [...WHOLE, ...MONEY]) {
      if (customers[name].length !== added)
        throw new RangeError(`slice summary: customers.${name} has ${customers[name].length} values for ${added} ids`);
    }
    for (const name of WHOLE) {
      const bad = customers[name].findIndex((value) => !Number.isInteger(value) || Math.abs(value) > 2 ** 31 - 1);
      if (bad >= 0)
        throw new RangeError(`slice summary: customers.${name}[${bad}] is not a whole number of days or orders`);
    }
    this.reserve(this.length + added);
    for (const name of WHOLE) this.whole[name].set(customers[name], this.length);
    for (const name of MONEY) this.money[name].set(customers[name], this.length);
    for (const id of customers.id) this.ids.push(id);
    this.length += added;
  }

  columns(): BuyerColumnsView {
    const whole = Object.fromEntries(WHOLE.map((name) => [name, this.whole[name].subarray(0, this.length)])) as Record<
      Whole,
      Int32Array
    >;
    const money = Object.fromEntries(MONEY.map((name) => [name, this.money[name].subarray(0, this.length)])) as Record<
      Money,
      Float64Array
    >;
    return {
      ...whole,
      ...money,
      ids: this.ids,
      length: this.length,
      history: (i) => ({
        x: whole.x[i] as number,
        txDays: whole.txDays[i] as number,
        TDays: whole.TDays[i] as number,
        repeatMean: money.repeatMean[i] as number,
      }),
    };
  }

  private reserve(needed: number): void {
    const capacity = this.whole.x.length;
    if (needed <= capacity) return;
    const grown = Math.max(needed, Math.ceil(capacity * 1.5));
    for (const name of WHOLE) {
      const next = new Int32Array(grown);
      next.set(this.whole[name].subarray(0, this.length));
      this.whole[name] = next;
    }
    for (const name of MONEY) {
      const next = new Float64Array(grown);
      next.set(this.money[name].subarray(0, this.length));
      this.money[name] = next;
    }
  }
}
