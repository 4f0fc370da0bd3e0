/**
 * The cart (DESIGN "Profile": `cart` — items, value, updatedAt), kept so that the cart a set of
 * events leaves is the same in whatever order the events arrive (a retried or late event must not
 * resurrect a bought item or double an add).
 *
 * - `Product Added` at t adds a line stamped t (same product, time and price: quantities sum).
 * - `Product Removed` of p at t removes p's lines stamped ≤ t and remembers t in `removedAt[p]`,
 *   so an add of p stamped ≤ t that arrives later stays removed.
 * - `Cart Viewed` / `Checkout Started` with products at t is a snapshot: lines stamped ≤ t are
 *   replaced by the snapshot's lines stamped t (`replacedAt` = t); two snapshots of the same
 *   instant combine by the larger quantity per product and price.
 * - `Order Completed` at t empties lines stamped ≤ t (`clearedAt` = t).
 * - Changes stamped at or before `clearedAt` / `replacedAt` are superseded and ignored.
 *
 * Lines are therefore per add, not per product: a product added at two times shows as two lines.
 * Beyond the caps (`cartItems` lines, as many removal marks) the oldest are dropped, and only
 * there can arrival order make a difference.
 */
import type { OrderLine } from '../ports.js';
import { PROFILE_LIMITS } from './limits.js';
import { addMoney, multiplyMoney } from './money.js';
import type { CartItem, Profile } from './schema.js';
import { compareIso, laterIso } from './timestamps.js';

export type Cart = Profile['cart'];
type Line = Pick<OrderLine, 'productId' | 'quantity' | 'price'>;

interface CartState {
  /** Lines from `Product Added` events. */
  adds: CartItem[];
  /** Lines of the latest snapshot, all stamped `replacedAt`. */
  snapshot: CartItem[];
  clearedAt: string | undefined;
  replacedAt: string | undefined;
  /** A Map, not a record: product ids are client text (`constructor` must not find Object's). */
  removedAt: Map<string, string>;
  updatedAt: string | undefined;
}

export function addToCart(cart: Cart, line: Line, at: string): Cart {
  const state = stateOf(cart, at);
  if (!superseded(state, at, line.productId)) state.adds.push(item(line, at));
  return cartOf(state);
}

export function removeFromCart(cart: Cart, productId: string, at: string): Cart {
  const state = stateOf(cart, at);
  if (!superseded(state, at)) state.removedAt.set(productId, laterIso(state.removedAt.get(productId), at));
  return cartOf(state);
}

export function replaceCart(cart: Cart, lines: readonly Line[], at: string): Cart {
  const state = stateOf(cart, at);
  if (isAtOrBefore(at, state.clearedAt) || (state.replacedAt !== undefined && compareIso(at, state.replacedAt) < 0))
    return cartOf(state);
  const snapshot = combine(
    lines.map((line) => item(line, at)),
    'sum',
  );
  state.snapshot =
    state.replacedAt !== undefined && compareIso(at, state.replacedAt) === 0
      ? combine([...state.snapshot, ...snapshot], 'max')
      : snapshot;
  state.replacedAt = at;
  return cartOf(state);
}

export function clearCart(cart: Cart, at: string): Cart {
  const state = stateOf(cart, at);
  state.clearedAt = laterIso(state.clearedAt, at);
  return cartOf(state);
}

/** Both carts as if all their events had been applied to one. */
export function mergeCarts(a: Cart, b: Cart): Cart {
  const x = stateOf(a, undefined);
  const y = stateOf(b, undefined);
  const removedAt = new Map(x.removedAt);
  for (const [productId, at] of y.removedAt) removedAt.set(productId, laterIso(removedAt.get(productId), at));
  const replacedAt = laterIso(x.replacedAt, y.replacedAt);
  const snapshots = [x, y]
    .filter((side) => side.replacedAt !== undefined && side.replacedAt === replacedAt)
    .map((side) => side.snapshot);
  return cartOf({
    adds: [...x.adds, ...y.adds],
    snapshot: combine(snapshots.flat(), snapshots.length > 1 ? 'max' : 'sum'),
    clearedAt: laterIso(x.clearedAt, y.clearedAt),
    replacedAt,
    removedAt,
    updatedAt: laterIso(x.updatedAt, y.updatedAt),
  });
}

function stateOf(cart: Cart, at: string | undefined): CartState {
  const isSnapshotLine = (line: CartItem): boolean =>
    cart.replacedAt !== undefined && compareIso(line.at, cart.replacedAt) === 0;
  return {
    adds: cart.items.filter((line) => !isSnapshotLine(line)),
    snapshot: cart.items.filter(isSnapshotLine),
    clearedAt: cart.clearedAt,
    replacedAt: cart.replacedAt,
    removedAt: new Map(Object.entries(cart.removedAt ?? {})),
    // Every cart event moves updatedAt, also one that turns out superseded: the result stays order-free.
    updatedAt: laterIso(cart.updatedAt, at),
  };
}

/** True when a change at `at` (of `productId`, for adds) is already overridden by a later reset. */
function superseded(state: CartState, at: string, productId?: string): boolean {
  return (
    isAtOrBefore(at, state.clearedAt) ||
    isAtOrBefore(at, state.replacedAt) ||
    (productId !== undefined && isAtOrBefore(at, state.removedAt.get(productId)))
  );
}

function isAtOrBefore(at: string, mark: string | undefined): boolean {
  return mark !== undefined && compareIso(at, mark) <= 0;
}

/** Applies every reset to every line, then combines, orders and caps: the canonical stored form. */
function cartOf(state: CartState): Cart {
  const replacedAt =
    state.replacedAt !== undefined && !isAtOrBefore(state.replacedAt, state.clearedAt) ? state.replacedAt : undefined;
  const reset = laterIso(state.clearedAt, replacedAt);
  const removedAt = [...state.removedAt]
    .filter(([, at]) => !isAtOrBefore(at, reset))
    .sort(([p, x], [q, y]) => compareIso(y, x) || (p < q ? -1 : p > q ? 1 : 0))
    .slice(0, PROFILE_LIMITS.cartItems);
  const removed = new Map(removedAt);
  const live = (line: CartItem): boolean => !isAtOrBefore(line.at, removed.get(line.productId));
  const adds = state.adds.filter((line) => !isAtOrBefore(line.at, reset) && live(line));
  const snapshot = replacedAt === undefined ? [] : state.snapshot.filter(live);
  const items = [...combine(adds, 'sum'), ...snapshot].sort(byTimeThenProduct).slice(0, PROFILE_LIMITS.cartItems);
  return {
    items,
    value: addMoney(...items.map((line) => multiplyMoney(line.price, line.quantity))),
    ...(state.updatedAt !== undefined ? { updatedAt: state.updatedAt } : {}),
    ...(state.clearedAt !== undefined ? { clearedAt: state.clearedAt } : {}),
    ...(replacedAt !== undefined ? { replacedAt } : {}),
    ...(removedAt.length > 0 ? { removedAt: Object.fromEntries(removedAt) } : {}),
  };
}

function item(line: Line, at: string): CartItem {
  return { productId: line.productId, quantity: line.quantity, price: line.price, at };
}

/** Lines with the same product, time and price become one: quantities summed (distinct adds) or the larger kept (two copies of a snapshot). */
function combine(lines: readonly CartItem[], mode: 'sum' | 'max'): CartItem[] {
  const byKey = new Map<string, CartItem>();
  for (const line of lines) {
    const key = JSON.stringify([line.productId, line.at, line.price]);
    const current = byKey.get(key);
    if (current === undefined) byKey.set(key, { ...line });
    // Quantities may be fractional (weighed goods): summed exactly like money, so the order of adds cannot show.
    else
      current.quantity =
        mode === 'sum' ? addMoney(current.quantity, line.quantity) : Math.max(current.quantity, line.quantity);
  }
  return [...byKey.values()];
}

function byTimeThenProduct(a: CartItem, b: CartItem): number {
  return (
    compareIso(b.at, a.at) || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0) || a.price - b.price
  );
}
