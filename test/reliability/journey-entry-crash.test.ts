/**
 * A crash between the profile write and the journey step (issue 10, "Faults"): the profile
 * already says the customer is in the segment, so the redelivered message sees no *entry*.
 * The entry must survive anyway — started exactly once, sent exactly once — through the
 * one-writer path (process-events' domain function) on in-memory ports under the FaultInjector.
 */
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/config/settings.js';
import type { NormalizedEvent } from '../../shared/events/event.js';
import type { CustomerMessage } from '../../shared/events/messages.js';
import { INTERNAL_SOURCE } from '../../shared/events/messages.js';
import { InMemoryJourneyStore } from '../../shared/journeys/in-memory-journey-store.js';
import { FaultInjector, FaultyProfileStore, InjectedCrashError } from '../fakes/fault-injection.js';
import { LocalSendOutbox } from '../fakes/local-send-outbox.js';
import { SeededRandom } from '../../shared/local/seeded-random.js';
import { processCustomerMessage, type ProcessDeps } from '../../shared/profiles/process-customer-message.js';
import { compileSegmentsSource } from '../../shared/segments/load-segments.js';
import {
  InMemoryIdentityMap,
  InMemoryOrderLedger,
  InMemoryProfileStore,
  InMemoryRefunds,
  NO_ERASED_ORDERS,
} from '../fakes/in-memory-ports.js';
import { journeyFrom } from '../unit/journeys/journey-builders.js';
import { fuzzRuns } from './fuzz-runs.js';

const T0 = new Date('2026-03-02T08:00:00.000Z');

const segments = (() => {
  const result = compileSegmentsSource(
    'segments.yaml',
    '- id: carted\n  event: Product Added\n  within: 1d\n',
    defaultSettings,
  );
  if (!result.ok) throw new Error('bad test segments');
  return result.compiled;
})();

const cart = journeyFrom(`id: cart
trigger: { segment: carted, on: enter }
steps:
  - id: mail
    send: { channel: email, template: c }
  - id: done
    end: true
`);

function productAdded(messageId: string, customerId: string, at: Date): CustomerMessage {
  const timestamp = at.toISOString();
  const event: NormalizedEvent = {
    type: 'track',
    messageId,
    userId: customerId,
    event: 'Product Added',
    properties: { product_id: 'p1', price: 5, quantity: 1 },
    traits: {},
    context: {},
    timestamp,
    receivedAt: timestamp,
  };
  return { kind: 'event', customerId, event, source: INTERNAL_SOURCE };
}

interface World {
  deps: ProcessDeps;
  faults: FaultInjector;
  store: InMemoryJourneyStore;
  outbox: LocalSendOutbox;
  advance(ms: number): void;
}

function world(crashRate: number, seed = 1): World {
  let now = T0;
  const faults = new FaultInjector(new SeededRandom(seed), { 'crash-after-profile-write': crashRate });
  const store = new InMemoryJourneyStore();
  const outbox = new LocalSendOutbox();
  const deps: ProcessDeps = {
    profiles: new FaultyProfileStore(new InMemoryProfileStore(), faults),
    orders: new InMemoryOrderLedger(),
    identity: new InMemoryIdentityMap(),
    clock: { now: () => now },
    settings: { trackedProperties: {}, timezone: 'UTC' },
    segments,
    journeys: { definitions: [cart], store, sends: outbox, holdoutPercent: 0, defaultTimezone: 'UTC' },
    tombstones: NO_ERASED_ORDERS,
    refunds: new InMemoryRefunds(),
  };
  return { deps, faults, store, outbox, advance: (ms) => (now = new Date(now.getTime() + ms)) };
}

/** SQS semantics for one message: redelivered after each crash (visibility timeout later) until it is processed. */
async function deliverUntilProcessed(w: World, message: CustomerMessage): Promise<number> {
  for (let crashes = 0; ; crashes++) {
    try {
      await processCustomerMessage(w.deps, message);
      return crashes;
    } catch (error) {
      if (!(error instanceof InjectedCrashError)) throw error;
      w.advance(30_000);
    }
  }
}

describe('a crash between the profile write and the journey step', () => {
  let w: World;

  beforeEach(() => {
    w = world(1);
  });

  it('starts the segment-entry journey when the crashed message is redelivered', async () => {
    // Prepare: the first delivery writes the profile (now in "carted") and dies before the journey step
    const message = productAdded('m1', 'u1', T0);
    await expect(processCustomerMessage(w.deps, message)).rejects.toBeInstanceOf(InjectedCrashError);
    w.faults.enabled = false;
    w.advance(30_000);

    // Act
    await processCustomerMessage(w.deps, message);

    // Assess
    expect(await w.store.listRuns('u1')).toMatchObject([{ journeyId: 'cart', status: 'completed' }]);
    expect(w.outbox.requests).toHaveLength(1);
  });

  it('starts the entry once and sends once however often the redelivery repeats', async () => {
    // Prepare
    const message = productAdded('m1', 'u1', T0);
    await expect(processCustomerMessage(w.deps, message)).rejects.toBeInstanceOf(InjectedCrashError);
    w.faults.enabled = false;

    // Act
    for (let delivery = 0; delivery < 3; delivery++) {
      w.advance(30_000);
      await processCustomerMessage(w.deps, message);
    }

    // Assess
    expect(await w.store.listRuns('u1')).toHaveLength(1);
    expect(w.outbox.requests).toHaveLength(1);
  });

  it("starts the lost entry on the customer's next message when the crashed one never comes back", async () => {
    // Prepare: the crashed message went to the DLQ; the customer's next event arrives later
    await expect(processCustomerMessage(w.deps, productAdded('m1', 'u1', T0))).rejects.toBeInstanceOf(
      InjectedCrashError,
    );
    w.faults.enabled = false;
    w.advance(60_000);

    // Act
    await processCustomerMessage(w.deps, productAdded('m2', 'u1', new Date(T0.getTime() + 60_000)));

    // Assess
    expect(await w.store.listRuns('u1')).toMatchObject([{ journeyId: 'cart' }]);
    expect(w.outbox.requests).toHaveLength(1);
  });

  it('keeps no pending entry on the profile once the journey step has run', async () => {
    // Prepare
    const message = productAdded('m1', 'u1', T0);
    await expect(processCustomerMessage(w.deps, message)).rejects.toBeInstanceOf(InjectedCrashError);
    w.faults.enabled = false;

    // Act
    await processCustomerMessage(w.deps, message);

    // Assess
    expect((await w.deps.profiles.getProfile('u1'))?.pendingSegmentChanges).toBeUndefined();
  });

  it('under random crashes after profile writes, every customer who entered the segment has exactly one run and one send', async () => {
    const counted = { cases: 0, customers: 0, crashes: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 6 }),
        async (seed, customers) => {
          // Prepare
          const crashing = world(0.4, seed);
          const ids = Array.from({ length: customers }, (_, index) => `u${index}`);

          // Act: each customer adds to cart twice (one entry), every crash redelivered
          for (const [index, id] of ids.entries()) {
            await deliverUntilProcessed(crashing, productAdded(`a-${index}`, id, T0));
            await deliverUntilProcessed(crashing, productAdded(`b-${index}`, id, T0));
          }

          // Assess
          for (const id of ids) expect(await crashing.store.listRuns(id)).toHaveLength(1);
          // The send ledger is per customer: one message id per customer is one send each.
          const sends = new Set(
            crashing.outbox.enqueued.map((request) => `${request.customerId}/${request.messageId}`),
          );
          expect(sends.size).toBe(ids.length);
          counted.cases++;
          counted.customers += ids.length;
          counted.crashes += crashing.faults.injected['crash-after-profile-write'];
        },
      ),
      { numRuns: Math.max(50, Math.floor(fuzzRuns() / 50)) },
    );
    console.info(`journey entry crash figures: ${JSON.stringify(counted)}`);
  });
});
