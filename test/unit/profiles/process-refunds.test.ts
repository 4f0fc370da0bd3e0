/** process-events keeps each refund per order (`R#`) beside the profile totals, for the report's net revenue. */
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../shared/events/event.js';
import { processCustomerMessage, type ProcessDeps } from '../../../shared/profiles/process-customer-message.js';
import type { RefundLedger, RefundRecord } from '../../../shared/profiles/refund-from-event.js';
import {
  InMemoryIdentityMap,
  InMemoryOrderLedger,
  InMemoryProfileStore,
  NO_ERASED_ORDERS,
} from '../../fakes/in-memory-ports.js';
import { track } from './event-builders.js';
import { INTERNAL_SOURCE } from '../../../shared/events/messages.js';

class RecordingRefunds implements RefundLedger {
  readonly records: RefundRecord[] = [];
  async recordRefund(refund: RefundRecord) {
    this.records.push(refund);
    return { capacityUnits: 1 };
  }
}

function setup() {
  const refunds = new RecordingRefunds();
  const profiles = new InMemoryProfileStore();
  const deps: ProcessDeps = {
    profiles,
    orders: new InMemoryOrderLedger(),
    identity: new InMemoryIdentityMap(),
    clock: { now: () => new Date('2026-11-09T12:00:00Z') },
    settings: { trackedProperties: {}, timezone: 'UTC' },
    refunds,
    tombstones: NO_ERASED_ORDERS,
    journeys: null,
  };
  return { deps, refunds, profiles };
}

const refundEvent = (properties: Record<string, unknown>): NormalizedEvent =>
  track('Order Refunded', properties, '2026-11-09T10:00:00.000Z');

describe('processCustomerMessage with a refund ledger', () => {
  it('records an Order Refunded under its order id and still adds it to the profile totals', async () => {
    // Prepare
    const { deps, refunds, profiles } = setup();
    const event = refundEvent({ order_id: 'o1', revenue: 30 });

    // Act
    await processCustomerMessage(deps, { kind: 'event', customerId: 'u1', event, source: INTERNAL_SOURCE });

    // Assess
    expect(refunds.records).toEqual([
      { customerId: 'u1', orderId: 'o1', at: '2026-11-09T10:00:00.000Z', amount: 30, messageId: event.messageId },
    ]);
    expect((await profiles.getProfile('u1'))?.refunds).toEqual({ count: 1, amount: 30 });
  });

  it('records the refund again on a redelivery (the put is idempotent), while the profile counts it once', async () => {
    // Prepare
    const { deps, refunds, profiles } = setup();
    const message = {
      kind: 'event' as const,
      customerId: 'u1',
      event: refundEvent({ order_id: 'o1', revenue: 30 }),
      source: INTERNAL_SOURCE,
    };

    // Act
    await processCustomerMessage(deps, message);
    await processCustomerMessage(deps, message);

    // Assess
    expect(new Set(refunds.records.map((record) => record.messageId)).size).toBe(1);
    expect((await profiles.getProfile('u1'))?.refunds.count).toBe(1);
  });

  it('records nothing for a refund that names no order', async () => {
    const { deps, refunds } = setup();

    await processCustomerMessage(deps, {
      kind: 'event',
      customerId: 'u1',
      event: refundEvent({ revenue: 30 }),
      source: INTERNAL_SOURCE,
    });

    expect(refunds.records).toEqual([]);
  });
});
