import { describe, expect, it } from 'vitest';
import type { SliceSummary } from '../../../shared/analytics/refresh/artifacts.js';
import { BuyerColumns } from '../../../shared/analytics/refresh/buyer-columns.js';

function slice(ids: string[], offset: number): SliceSummary['customers'] {
  const n = ids.length;
  const of = (f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i + offset));
  return {
    id: ids,
    recency: of((i) => i),
    frequency: of((i) => i + 1),
    monetary: of((i) => i * 10.5),
    firstDay: of((i) => 20_000 + i),
    x: of((i) => i),
    txDays: of((i) => 2 * i),
    TDays: of((i) => 3 * i),
    repeatMean: of((i) => i / 4),
  };
}

describe('BuyerColumns', () => {
  it('keeps every buyer of every slice in order, growing past the size it was given', () => {
    const columns = new BuyerColumns(2);
    columns.append(slice(['a', 'b', 'c'], 0));
    columns.append(slice(['d', 'e'], 3));
    const view = columns.columns();
    expect(view.length).toBe(5);
    expect(view.ids).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect([...view.frequency]).toEqual([1, 2, 3, 4, 5]);
    expect([...view.monetary]).toEqual([0, 10.5, 21, 31.5, 42]);
    expect(view.history(4)).toEqual({ x: 4, txDays: 8, TDays: 12, repeatMean: 1 });
  });

  it('refuses a summary whose columns disagree or hold a fraction of a day, naming the field', () => {
    const columns = new BuyerColumns();
    expect(() => columns.append({ ...slice(['a', 'b'], 0), x: [0] })).toThrow(/customers\.x has 1 values for 2 ids/);
    expect(() => columns.append({ ...slice(['a'], 0), TDays: [1.5] })).toThrow(/customers\.TDays\[0\]/);
    expect(columns.columns().length).toBe(0);
  });
});
