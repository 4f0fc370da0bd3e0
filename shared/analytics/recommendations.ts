/**
 * Item-to-item co-purchase recommendations ("customers who bought X also bought Y"), counted
 * per customer rather than per order: two products count together when one customer bought
 * both, in any orders. A customer's candidates are the products their purchases co-occur with,
 * scored by the summed co-purchase counts; the shop's most popular products fill the list when
 * there are too few (and are all a customer without purchases gets). Products the customer
 * already bought are never recommended.
 *
 * Raw counts, not cosine or lift: with the small baskets of a shop, normalized scores let one
 * co-purchase of two rare products outrank a pattern seen hundreds of times.
 */

/** One order's products, as the nightly scan reads them from the `O#` items. */
export interface PurchasedOrder {
  customerId: string;
  at: string;
  productIds: readonly string[];
}

/** Co-purchase counts; partial counts of disjoint customer sets add up (mergeCoPurchases). */
export interface CoPurchaseCounts {
  /** Customers who bought each product. */
  buyers: Map<string, number>;
  /** Customers who bought both products of a pair, keyed by pairKey (ordered ids). */
  pairs: Map<string, number>;
}

/** The JSON form of CoPurchaseCounts, for refresh artifacts. */
export interface CoPurchaseCountsJson {
  buyers: [string, number][];
  pairs: [string, string, number][];
}

export interface RecommenderOptions {
  /** Co-purchased products kept per product (more than any list needs, for the summing). */
  neighbours?: number;
  /** Most popular products kept for the fallback. */
  popular?: number;
}

/** What scoring needs: per product its strongest co-purchases, and the popularity ranking. */
export interface Recommender {
  /** product → [[other product, customers who bought both], …], strongest first. */
  related: Record<string, [string, number][]>;
  /** Most bought products first (customers, then id). */
  popular: string[];
  /** Customers per product, for ties between candidates. */
  buyers: Record<string, number>;
}

/**
 * A customer's products have all pairs counted, so a heavy buyer costs the square of their
 * basket: only the most recently bought ones count.
 */
export const MAX_BASKET_PRODUCTS = 30;
export const DEFAULT_RECOMMENDATIONS = 5;

/** Each customer's distinct products, most recently bought first, capped at `maxProducts`. */
export function customerBaskets(
  orders: Iterable<PurchasedOrder>,
  maxProducts = MAX_BASKET_PRODUCTS,
): Map<string, string[]> {
  const latest = new Map<string, Map<string, string>>();
  for (const { customerId, at, productIds } of orders) {
    let products = latest.get(customerId);
    if (products === undefined) {
      products = new Map();
      latest.set(customerId, products);
    }
    for (const productId of productIds) {
      const seen = products.get(productId);
      if (seen === undefined || seen < at) products.set(productId, at);
    }
  }
  const baskets = new Map<string, string[]>();
  for (const [customerId, products] of latest) {
    const ordered = [...products.entries()]
      .sort(([leftId, leftAt], [rightId, rightAt]) =>
        leftAt < rightAt ? 1 : leftAt > rightAt ? -1 : compareText(leftId, rightId),
      )
      .map(([productId]) => productId);
    baskets.set(customerId, ordered.slice(0, maxProducts));
  }
  return baskets;
}

export function countCoPurchases(baskets: Iterable<readonly string[]>): CoPurchaseCounts {
  const counts: CoPurchaseCounts = { buyers: new Map(), pairs: new Map() };
  for (const basket of baskets) {
    const products = [...new Set(basket)];
    for (const product of products) counts.buyers.set(product, (counts.buyers.get(product) ?? 0) + 1);
    for (let i = 0; i < products.length; i++) {
      for (let j = i + 1; j < products.length; j++) {
        const key = pairKey(products[i] as string, products[j] as string);
        counts.pairs.set(key, (counts.pairs.get(key) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/** Adds `part` into `total` (mutates and returns `total`). */
export function mergeCoPurchases(total: CoPurchaseCounts, part: CoPurchaseCounts): CoPurchaseCounts {
  for (const [product, n] of part.buyers) total.buyers.set(product, (total.buyers.get(product) ?? 0) + n);
  for (const [key, n] of part.pairs) total.pairs.set(key, (total.pairs.get(key) ?? 0) + n);
  return total;
}

export function coPurchasesToJson(counts: CoPurchaseCounts): CoPurchaseCountsJson {
  return {
    buyers: [...counts.buyers],
    pairs: [...counts.pairs].map(([key, n]) => {
      const [left, right] = splitPairKey(key);
      return [left, right, n];
    }),
  };
}

export function coPurchasesFromJson(json: CoPurchaseCountsJson): CoPurchaseCounts {
  return {
    buyers: new Map(json.buyers),
    pairs: new Map(json.pairs.map(([left, right, n]) => [pairKey(left, right), n])),
  };
}

export function buildRecommender(counts: CoPurchaseCounts, options: RecommenderOptions = {}): Recommender {
  const neighbours = options.neighbours ?? 20;
  const byPopularity = (left: string, right: string): number =>
    (counts.buyers.get(right) ?? 0) - (counts.buyers.get(left) ?? 0) || compareText(left, right);

  const lists = new Map<string, [string, number][]>();
  const add = (product: string, other: string, n: number): void => {
    const list = lists.get(product);
    if (list) list.push([other, n]);
    else lists.set(product, [[other, n]]);
  };
  for (const [key, n] of counts.pairs) {
    const [left, right] = splitPairKey(key);
    add(left, right, n);
    add(right, left, n);
  }
  const related: Record<string, [string, number][]> = {};
  for (const product of [...lists.keys()].sort(compareText)) {
    const list = lists.get(product) ?? [];
    list.sort(([leftId, leftN], [rightId, rightN]) => rightN - leftN || byPopularity(leftId, rightId));
    related[product] = list.slice(0, neighbours);
  }
  const ranked = [...counts.buyers.keys()].sort(byPopularity);
  return {
    related,
    popular: ranked.slice(0, options.popular ?? 50),
    buyers: Object.fromEntries(ranked.map((product) => [product, counts.buyers.get(product) ?? 0])),
  };
}

/**
 * Up to `n` products for a customer who bought `bought`: co-purchased products by summed counts
 * (ties: more buyers, then id), then popular ones; never one already bought.
 */
export function recommendFor(
  recommender: Recommender,
  bought: readonly string[],
  n = DEFAULT_RECOMMENDATIONS,
): string[] {
  const owned = new Set(bought);
  const scores = new Map<string, number>();
  for (const product of owned) {
    for (const [other, count] of recommender.related[product] ?? []) {
      if (!owned.has(other)) scores.set(other, (scores.get(other) ?? 0) + count);
    }
  }
  const picked = [...scores.entries()]
    .sort(
      ([leftId, leftScore], [rightId, rightScore]) =>
        rightScore - leftScore ||
        (recommender.buyers[rightId] ?? 0) - (recommender.buyers[leftId] ?? 0) ||
        compareText(leftId, rightId),
    )
    .slice(0, n)
    .map(([product]) => product);
  for (const product of recommender.popular) {
    if (picked.length >= n) break;
    if (!owned.has(product) && !picked.includes(product)) picked.push(product);
  }
  return picked;
}

// A NUL separates the pair's ids: storefront product ids are printable text.
const SEPARATOR = '\u0000';

function pairKey(a: string, b: string): string {
  return a < b ? `${a}${SEPARATOR}${b}` : `${b}${SEPARATOR}${a}`;
}

function splitPairKey(key: string): [string, string] {
  const at = key.indexOf(SEPARATOR);
  return [key.slice(0, at), key.slice(at + 1)];
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
