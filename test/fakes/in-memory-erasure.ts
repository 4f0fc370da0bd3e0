/**
 * The erasure ports (shared/privacy/ports.ts) over the other in-memory fakes: a customer's
 * "partition" is what those fakes hold for the customer id, with the table's sort keys, so the
 * domain sees the same kinds as on DynamoDB. Tombstones live here.
 */
import type {
  CustomerErasureStore,
  CustomerItem,
  ErasureTombstone,
  OrderTombstones,
} from '../../shared/privacy/ports.js';
import type { InMemoryJourneyStore } from '../../shared/journeys/in-memory-journey-store.js';
import type { InMemoryCapCounters, InMemoryDueQueue, InMemorySendLedger } from './in-memory-channels.js';
import type { InMemoryIdentityMap, InMemoryOrderLedger, InMemoryProfileStore } from './in-memory-ports.js';

export interface ErasableFakes {
  profiles: InMemoryProfileStore;
  orders: InMemoryOrderLedger;
  identity: InMemoryIdentityMap;
  runs?: InMemoryJourneyStore;
  ledger?: InMemorySendLedger;
  caps?: InMemoryCapCounters;
  due?: InMemoryDueQueue;
}

const SEP = '\u0000';

export class InMemoryCustomerErasure implements CustomerErasureStore, OrderTombstones {
  /** customer hash → erasure times and order hashes. */
  readonly tombstones = new Map<string, { erasedAt: Set<string>; orders: Set<string> }>();
  /** Called before each profile delete; a concurrent writer can act from it. */
  beforeProfileDelete?: (customerId: string) => void;
  tombstoneReads = 0;

  constructor(private readonly fakes: ErasableFakes) {}

  async listCustomerItems(customerId: string): Promise<CustomerItem[]> {
    const { profiles, orders, runs, ledger, caps, due } = this.fakes;
    const items: CustomerItem[] = [];
    const profile = profiles.items.get(customerId);
    if (profile)
      items.push({
        kind: 'profile',
        sortKey: 'PROFILE',
        ...(profile.version !== undefined ? { version: profile.version } : {}),
      });
    for (const order of orders.items.values())
      if (order.customerId === customerId)
        items.push({ kind: 'order', sortKey: `O#${order.orderId}`, orderId: order.orderId });
    for (const run of runs?.runs.values() ?? [])
      if (run.customerId === customerId)
        items.push({ kind: 'journey_run', sortKey: `J#${run.journeyId}#${run.runId}` });
    for (const entry of ledger?.entries.values() ?? [])
      if (entry.customerId === customerId) items.push({ kind: 'send_ledger', sortKey: `M#${entry.messageId}` });
    for (const key of caps?.counters.keys() ?? [])
      if (key.startsWith(`${customerId}${SEP}`))
        items.push({ kind: 'cap_counter', sortKey: `CAP#${key.slice(customerId.length + 1)}` });
    for (const item of due?.items.values() ?? [])
      if (item.request.customerId === customerId)
        items.push({ kind: 'deferred_send', sortKey: `DEFER#${item.request.messageId}` });
    return items;
  }

  async deleteProfile(customerId: string, expectedVersion: number | undefined): Promise<boolean> {
    this.beforeProfileDelete?.(customerId);
    const stored = this.fakes.profiles.items.get(customerId);
    if (!stored || stored.version !== expectedVersion) return false;
    this.fakes.profiles.items.delete(customerId);
    return true;
  }

  async deleteCustomerItems(customerId: string, sortKeys: readonly string[]): Promise<void> {
    const { orders, runs, ledger, caps, due } = this.fakes;
    for (const sortKey of sortKeys) {
      const [prefix = '', ...rest] = sortKey.split('#');
      const id = rest.join('#');
      if (prefix === 'O') orders.items.delete(`${customerId}${SEP}${id}`);
      else if (prefix === 'J') runs?.runs.delete(`${customerId}\n${id.replace('#', '\n')}`);
      else if (prefix === 'M') ledger?.entries.delete(`${customerId}${SEP}${id}`);
      else if (prefix === 'CAP') caps?.counters.delete(`${customerId}${SEP}${id}`);
      else if (prefix === 'DEFER') due?.items.delete(`${customerId}${SEP}${id}`);
    }
  }

  async linkedAnonymousIds(userId: string): Promise<string[]> {
    return [...this.fakes.identity.links]
      .filter(([, linkedTo]) => linkedTo === userId)
      .map(([anonymousId]) => anonymousId)
      .sort();
  }

  async unlinkAnonymousIds(userId: string, anonymousIds: readonly string[]): Promise<number> {
    let removed = 0;
    for (const id of new Set(anonymousIds)) {
      if (this.fakes.identity.links.get(id) !== userId) continue;
      this.fakes.identity.links.delete(id);
      removed++;
    }
    return removed;
  }

  async putTombstone(tombstone: ErasureTombstone): Promise<void> {
    const stored = this.tombstones.get(tombstone.customerHash) ?? {
      erasedAt: new Set<string>(),
      orders: new Set<string>(),
    };
    stored.erasedAt.add(tombstone.erasedAt);
    for (const hash of tombstone.orderHashes) stored.orders.add(hash);
    this.tombstones.set(tombstone.customerHash, stored);
  }

  async erasedAt(customerHash: string): Promise<string[]> {
    return [...(this.tombstones.get(customerHash)?.erasedAt ?? [])].sort();
  }

  /** One read request (a BatchGetItem on DynamoDB), counted in `tombstoneReads`. */
  async findOrderTombstones(keys: readonly { customerHash: string; orderHash: string }[]): Promise<Set<string>> {
    this.tombstoneReads++;
    return new Set(
      keys
        .filter(({ customerHash, orderHash }) => this.tombstones.get(customerHash)?.orders.has(orderHash))
        .map((key) => key.orderHash),
    );
  }
}
