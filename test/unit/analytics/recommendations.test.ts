/** Co-purchase recommendations: counting, merging partial counts, ranking, fallback, exclusions. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildRecommender,
  coPurchasesFromJson,
  coPurchasesToJson,
  countCoPurchases,
  customerBaskets,
  mergeCoPurchases,
  recommendFor,
  type PurchasedOrder,
} from '../../../shared/analytics/recommendations.js';

function order(customerId: string, at: string, ...productIds: string[]): PurchasedOrder {
  return { customerId, at: `2026-01-${at}T10:00:00Z`, productIds };
}

describe('customerBaskets', () => {
  it('lists each customer’s distinct products, most recently bought first', () => {
    // Prepare
    const orders = [order('c1', '01', 'a', 'b'), order('c1', '03', 'c', 'a'), order('c2', '02', 'b')];

    // Act
    const baskets = customerBaskets(orders);

    // Assess
    expect(baskets.get('c1')).toEqual(['a', 'c', 'b']);
    expect(baskets.get('c2')).toEqual(['b']);
  });

  it('keeps only the most recent products of a heavy buyer', () => {
    // Prepare
    const orders = ['01', '02', '03', '04'].map((day, i) => order('c1', day, `p${i}`));

    // Act
    const baskets = customerBaskets(orders, 2);

    // Assess
    expect(baskets.get('c1')).toEqual(['p3', 'p2']);
  });
});

describe('co-purchase counts', () => {
  it('counts a pair once per customer who bought both, whatever the number of orders', () => {
    // Prepare
    const baskets = [
      ['a', 'b', 'a'],
      ['a', 'b'],
      ['a', 'c'],
    ];

    // Act
    const counts = countCoPurchases(baskets);

    // Assess
    expect(counts.buyers).toEqual(
      new Map([
        ['a', 3],
        ['b', 2],
        ['c', 1],
      ]),
    );
    expect(coPurchasesToJson(counts).pairs.sort()).toEqual([
      ['a', 'b', 2],
      ['a', 'c', 1],
    ]);
  });

  it('gives the same counts when customers are counted in parts and merged (segments of the scan)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 5 }), { maxLength: 30 }),
        fc.nat(30),
        (baskets, cut) => {
          // Prepare
          const whole = coPurchasesToJson(countCoPurchases(baskets));

          // Act
          const parts = mergeCoPurchases(
            countCoPurchases(baskets.slice(0, cut)),
            coPurchasesFromJson(coPurchasesToJson(countCoPurchases(baskets.slice(cut)))),
          );

          // Assess
          const merged = coPurchasesToJson(parts);
          expect(new Map(merged.buyers)).toEqual(new Map(whole.buyers));
          expect(new Set(merged.pairs.map((pair) => pair.join('|')))).toEqual(
            new Set(whole.pairs.map((pair) => pair.join('|'))),
          );
        },
      ),
    );
  });
});

describe('recommendFor', () => {
  // a is bought with b by three customers, with c by one; d is the shop's best seller.
  const recommender = buildRecommender(
    countCoPurchases([['a', 'b'], ['a', 'b'], ['a', 'b'], ['a', 'c'], ['d'], ['d'], ['d'], ['d'], ['d', 'e']]),
  );

  it('recommends what buyers of the same products bought most often', () => {
    // Act
    const picks = recommendFor(recommender, ['a'], 2);

    // Assess
    expect(picks).toEqual(['b', 'c']);
  });

  it('fills the list with popular products when co-purchases run out', () => {
    // Act
    const picks = recommendFor(recommender, ['a'], 4);

    // Assess
    expect(picks).toEqual(['b', 'c', 'd', 'e']);
  });

  it('gives a customer without purchases the most popular products', () => {
    // Act
    const picks = recommendFor(recommender, [], 3);

    // Assess
    expect(picks).toEqual(['d', 'a', 'b']);
  });

  it('sums the counts over everything the customer bought', () => {
    // Prepare: x goes with p (2 customers) and with q (2); y goes with q (2) only.
    const model = buildRecommender(
      countCoPurchases([['p', 'x'], ['p', 'x'], ['q', 'x'], ['q', 'x'], ['q', 'y'], ['q', 'y'], ['y'], ['y'], ['y']]),
    );

    // Act
    const picks = recommendFor(model, ['p', 'q'], 1);

    // Assess
    expect(picks).toEqual(['x']);
  });

  it('never recommends a product the customer already bought', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 4 }), { maxLength: 20 }),
        fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 6 }),
        (baskets, bought) => {
          // Act
          const picks = recommendFor(buildRecommender(countCoPurchases(baskets)), bought, 5);

          // Assess
          expect(picks.filter((product) => (bought as string[]).includes(product))).toEqual([]);
          expect(new Set(picks).size).toBe(picks.length);
          expect(picks.length).toBeLessThanOrEqual(5);
        },
      ),
    );
  });
});
