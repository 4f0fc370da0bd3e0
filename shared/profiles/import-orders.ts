/**
 * Bulk import of historical orders (`sadakat import orders`, and the demo's backfill): each
 * customer's orders are folded through the same reducer as live events, then written as one
 * profile write plus batched `O#` items.
 *
 * Exactly once, also across re-runs and crashes: orders whose `O#` item already exists are
 * skipped; new ones are written `pending` first, then the profile (its recent-id ring records
 * `i:<hash of the imported order ids>`), then `applied`. A re-run that finds `pending` items
 * applies them only if that hash is not in the ring, i.e. unless the crash came after the
 * profile write.
 */
import { createHash } from 'node:crypto';
import type { NormalizedEvent } from '../events/event.js';
import { ECOMMERCE_EVENTS } from '../events/event.js';
import type { Clock, OrderLedger, OrderRecord, ProfileStore } from '../ports.js';
import { applyEvent, type ReducerSettings } from './reduce.js';
import { emptyProfile, type Profile } from './schema.js';
import { PROFILE_LIMITS } from './limits.js';
import { withVersionRetry } from './version-retry.js';
import { recentId } from './recent-ids.js';
import type { CompiledSegments } from '../segments/evaluate.js';
import { applySegmentMemberships } from '../segments/membership-hook.js';

export interface HistoricalOrder {
  customerId: string;
  /** ISO date or datetime. */
  timestamp: string;
  amount: number;
  /** When absent, a stable id is derived from the row so a re-import does not double count. */
  orderId?: string;
  /** 1-based source line, for the derived id. */
  line?: number;
  products?: OrderRecord['products'];
}

export interface ImportDeps {
  profiles: ProfileStore;
  orders: OrderLedger;
  settings: ReducerSettings;
  clock: Clock;
  segments?: CompiledSegments;
}

export interface ImportSummary {
  customers: number;
  ordersImported: number;
  ordersSkipped: number;
  capacityUnits: number;
}

/** A stable order id for rows without one: same row, same id. */
export function derivedOrderId(order: HistoricalOrder): string {
  const digest = createHash('sha256')
    .update(`${order.customerId}\u0000${order.timestamp}\u0000${order.amount}\u0000${order.line ?? ''}`)
    .digest('hex');
  return `imp-${digest.slice(0, 24)}`;
}

/** Imports orders grouped by customer, `concurrency` customers at a time. */
export async function importOrders(
  deps: ImportDeps,
  orders: Iterable<HistoricalOrder>,
  options: { concurrency?: number; onProgress?: (customersDone: number, customersTotal: number) => void } = {},
): Promise<ImportSummary> {
  const byCustomer = new Map<string, OrderRecord[]>();
  for (const order of orders) {
    const record: OrderRecord = {
      customerId: order.customerId,
      orderId: order.orderId ?? derivedOrderId(order),
      at: new Date(order.timestamp).toISOString(),
      amount: order.amount,
      products: order.products ?? [],
      messageId: `import:${order.orderId ?? derivedOrderId(order)}`,
      status: 'pending',
    };
    const list = byCustomer.get(order.customerId);
    if (list) list.push(record);
    else byCustomer.set(order.customerId, [record]);
  }

  const summary: ImportSummary = { customers: byCustomer.size, ordersImported: 0, ordersSkipped: 0, capacityUnits: 0 };
  const queue = [...byCustomer.entries()];
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const result = await importCustomer(deps, next[0], next[1]);
      summary.ordersImported += result.imported;
      summary.ordersSkipped += result.skipped;
      summary.capacityUnits += result.capacityUnits;
      options.onProgress?.(++done, summary.customers);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return summary;
}

async function importCustomer(
  deps: ImportDeps,
  customerId: string,
  incoming: OrderRecord[],
): Promise<{ imported: number; skipped: number; capacityUnits: number }> {
  const existing = new Map((await deps.orders.listOrders(customerId)).map((order) => [order.orderId, order]));
  const seen = new Set<string>();
  const fresh = incoming.filter((order) => {
    if (existing.has(order.orderId) || seen.has(order.orderId)) return false;
    seen.add(order.orderId);
    return true;
  });
  const interrupted = [...existing.values()].filter((order) => order.status === 'pending');
  let capacityUnits = 0;
  if (fresh.length > 0) capacityUnits += (await deps.orders.putAppliedOrders(fresh.map((o) => ({ ...o, status: 'pending' })))).capacityUnits;

  const toApply = [...interrupted, ...fresh];
  if (toApply.length === 0) return { imported: 0, skipped: incoming.length, capacityUnits };
  const marker = recentId('i', toApply.map((o) => o.orderId).sort().join('\n'));

  await withVersionRetry(async () => {
    const stored = await deps.profiles.getProfile(customerId);
    if (stored?.recentIds.includes(marker)) return;
    const ordered = [...toApply].sort((a, b) => a.at.localeCompare(b.at));
    const start: Profile = stored ?? emptyProfile(customerId, ordered[0]?.at ?? deps.clock.now().toISOString());
    let profile = start;
    for (const order of ordered) {
      const applied = applyEvent(profile, orderEvent(order), deps.settings);
      if (applied.applied) profile = applied.profile;
    }
    // The order ids themselves would flood the ring; one marker stands for the whole import.
    profile = { ...profile, recentIds: [...start.recentIds, marker].slice(-PROFILE_LIMITS.recentIds) };
    const after = deps.segments ? applySegmentMemberships(deps.segments, stored, profile, deps.clock.now()).profile : profile;
    capacityUnits += (await deps.profiles.putProfile(after, stored?.version)).receipt.capacityUnits;
  });

  capacityUnits += (await deps.orders.putAppliedOrders(toApply.map((o) => ({ ...o, status: 'applied' })))).capacityUnits;
  return { imported: toApply.length, skipped: incoming.length - fresh.length, capacityUnits };
}

function orderEvent(order: OrderRecord): NormalizedEvent {
  return {
    type: 'track',
    messageId: order.messageId,
    userId: order.customerId,
    event: ECOMMERCE_EVENTS.orderCompleted,
    properties: {
      order_id: order.orderId,
      revenue: order.amount,
      products: order.products.map((line) => ({
        product_id: line.productId,
        ...(line.category !== undefined ? { category: line.category } : {}),
        quantity: line.quantity,
        price: line.price,
      })),
    },
    traits: {},
    context: {},
    timestamp: order.at,
    receivedAt: order.at,
  };
}
