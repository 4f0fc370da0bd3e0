/**
 * In-memory fakes of the nightly refresh's ports: a parallel scan over the in-memory profile
 * store and order ledger (customers spread over segments by a hash of their id, as DynamoDB
 * spreads partitions), artifacts in a Map (JSON round-tripped, as S3 or a file would), and an
 * events queue that records what was enqueued.
 */
import { createHash } from 'node:crypto';
import {
  ArtifactNotFoundError,
  type CustomerScan,
  type RefreshArtifacts,
  type ScanSlice,
} from '../../shared/analytics/refresh/ports.js';
import type { PurchasedOrder } from '../../shared/analytics/recommendations.js';
import type { CustomerMessage } from '../../shared/events/messages.js';
import type { EventQueue } from '../../shared/ports.js';
import type { Profile } from '../../shared/profiles/schema.js';
import type { InMemoryOrderLedger, InMemoryProfileStore } from './in-memory-ports.js';

export function segmentOf(customerId: string, totalSegments: number): number {
  return createHash('sha256').update(customerId).digest().readUInt32BE(0) % totalSegments;
}

export class InMemoryCustomerScan implements CustomerScan {
  constructor(
    private readonly store: InMemoryProfileStore,
    private readonly ledger: InMemoryOrderLedger,
  ) {}

  async *profiles(slice: ScanSlice): AsyncIterable<Profile> {
    for (const profile of this.store.items.values()) {
      if (profile.mergedInto === undefined && segmentOf(profile.id, slice.totalSegments) === slice.segment)
        yield structuredClone(profile);
    }
  }

  async *orders(slice: ScanSlice): AsyncIterable<PurchasedOrder> {
    for (const order of this.ledger.items.values()) {
      if (segmentOf(order.customerId, slice.totalSegments) === slice.segment) {
        yield { customerId: order.customerId, at: order.at, productIds: order.products.map((line) => line.productId) };
      }
    }
  }
}

export class InMemoryArtifacts implements RefreshArtifacts {
  readonly items = new Map<string, string>();

  async put(key: string, value: unknown): Promise<void> {
    this.items.set(key, JSON.stringify(value));
  }

  async get(key: string): Promise<unknown> {
    const text = this.items.get(key);
    if (text === undefined) throw new ArtifactNotFoundError(key);
    return JSON.parse(text);
  }
}

export class RecordingEventQueue implements EventQueue {
  readonly messages: CustomerMessage[] = [];
  calls = 0;

  async enqueue(messages: readonly CustomerMessage[]): Promise<void> {
    this.calls++;
    this.messages.push(...structuredClone(messages));
  }

  take(): CustomerMessage[] {
    return this.messages.splice(0);
  }
}
