/**
 * Journeys inside process-events: runs start, wait, wake, send, exit and convert through the
 * real one-writer path on in-memory ports; redelivery changes nothing.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../shared/config/settings.js';
import type { NormalizedEvent } from '../../../shared/events/event.js';
import type { CustomerMessage } from '../../../shared/events/messages.js';
import { INTERNAL_SOURCE } from '../../../shared/events/messages.js';
import { isInGlobalHoldout } from '../../../shared/experiments/global-holdout.js';
import { doctorCustomerId } from '../../../shared/identity/doctor-customer.js';
import type { Journey } from '../../../shared/journeys/ast.js';
import { InMemoryJourneyStore } from '../../../shared/journeys/in-memory-journey-store.js';
import type { JourneyStore } from '../../../shared/journeys/journey-store.js';
import { journeyTick } from '../../../shared/journeys/journey-tick.js';
import { LocalSendOutbox } from '../../fakes/local-send-outbox.js';
import type { SendQueue } from '../../../shared/channels/send-request.js';
import { processCustomerMessage, type ProcessDeps } from '../../../shared/profiles/process-customer-message.js';
import { compileSegmentsSource } from '../../../shared/segments/load-segments.js';
import {
  InMemoryIdentityMap,
  InMemoryOrderLedger,
  InMemoryProfileStore,
  InMemoryRefunds,
  NO_ERASED_ORDERS,
} from '../../fakes/in-memory-ports.js';
import { DAY, HOUR, journeyFrom, T0 } from './journey-builders.js';

const segments = (() => {
  const result = compileSegmentsSource(
    'segments.yaml',
    '- id: viewers\n  event: Product Viewed\n  within: 7d\n- id: carted\n  event: Product Added\n  within: 1d\n',
    defaultSettings,
  );
  if (!result.ok) throw new Error('bad test segments');
  return result.compiled;
})();

const vnb = journeyFrom(`id: vnb
trigger: { event: Product Viewed }
entry: { segment: viewers, reentry: never }
exit: [{ event: Order Completed }]
goal: { event: Order Completed, within: 7d }
steps:
  - wait: 2h
  - split: { experiment: vnb-offer, variants: [{ id: a, weight: 1 }, { id: b, weight: 1 }] }
  - id: mail
    send: { channel: email, template: t }
  - update: { tag: nudged }
`);
const cart = journeyFrom(`id: cart
trigger: { segment: carted, on: enter }
steps:
  - id: mail
    send: { channel: email, template: c }
  - branch: { opened: mail, within: 1d, then: done, else: sms }
  - id: sms
    send: { channel: sms, template: s }
  - id: done
    end: true
`);

function track(messageId: string, name: string, at: Date, properties: Record<string, unknown> = {}): CustomerMessage {
  const timestamp = at.toISOString();
  const event: NormalizedEvent = {
    type: 'track',
    messageId,
    userId: 'u1',
    event: name,
    properties,
    traits: {},
    context: {},
    timestamp,
    receivedAt: timestamp,
  };
  return { kind: 'event', customerId: 'u1', event, source: INTERNAL_SOURCE };
}

/** process-events on in-memory ports with these journeys; `overrides` replaces any part. */
function journeyDeps(
  store: JourneyStore,
  definitions: Journey[],
  now: () => Date,
  { sends = new LocalSendOutbox(), ...overrides }: Partial<ProcessDeps> & { sends?: SendQueue } = {},
): ProcessDeps {
  return {
    profiles: new InMemoryProfileStore(),
    orders: new InMemoryOrderLedger(),
    identity: new InMemoryIdentityMap(),
    clock: { now },
    settings: { trackedProperties: {}, timezone: 'UTC' },
    segments,
    journeys: { definitions, store, sends, holdoutPercent: 0, defaultTimezone: 'UTC' },
    tombstones: NO_ERASED_ORDERS,
    refunds: new InMemoryRefunds(),
    ...overrides,
  };
}

/** journey-tick at `now`, then every wake it queued through process-events. */
async function tickAt(store: InMemoryJourneyStore, now: Date, deps: ProcessDeps): Promise<void> {
  const queued: CustomerMessage[] = [];
  await journeyTick({
    index: store,
    clock: { now: () => now },
    queue: { enqueue: async (messages) => void queued.push(...messages) },
  });
  for (const message of queued) await processCustomerMessage(deps, message);
}

describe('journeys in process-events', () => {
  let now: Date;
  let store: InMemoryJourneyStore;
  let outbox: LocalSendOutbox;
  let profiles: InMemoryProfileStore;
  let deps: ProcessDeps;
  const tick = (): Promise<void> => tickAt(store, now, deps);

  beforeEach(() => {
    now = T0;
    store = new InMemoryJourneyStore();
    outbox = new LocalSendOutbox();
    profiles = new InMemoryProfileStore();
    deps = journeyDeps(store, [vnb, cart], () => now, { profiles, sends: outbox });
  });

  it('starts a waiting run on the trigger event and sends nothing yet', async () => {
    await processCustomerMessage(deps, track('m1', 'Product Viewed', now));
    const runs = await store.listRuns('u1');
    expect(runs).toMatchObject([
      { journeyId: 'vnb', status: 'waiting', wakeAt: new Date(T0.getTime() + 2 * HOUR).toISOString() },
    ]);
    expect(outbox.requests).toEqual([]);
  });

  it('takes no `sadakat doctor` test customer into a journey, though their profile is written', async () => {
    // Prepare
    const doctorCustomer = doctorCustomerId('run1', 'success');
    const message = track('m1', 'Product Viewed', now);
    if (message.kind !== 'event') throw new Error('expected an event');
    const doctorMessage: CustomerMessage = {
      kind: 'event',
      customerId: doctorCustomer,
      event: { ...message.event, userId: doctorCustomer },
      source: INTERNAL_SOURCE,
    };
    // Act
    await processCustomerMessage(deps, doctorMessage);
    // Assess
    expect(await profiles.getProfile(doctorCustomer)).toBeDefined();
    expect(await store.listRuns(doctorCustomer)).toEqual([]);
  });

  it('wakes the run through journey-tick, assigns a variant once, sends and applies the trait update', async () => {
    // Prepare
    await processCustomerMessage(deps, track('m1', 'Product Viewed', now));
    // Act
    now = new Date(T0.getTime() + 2 * HOUR);
    await tick();
    // Assess
    const profile = await profiles.getProfile('u1');
    expect(outbox.requests).toHaveLength(1);
    expect(outbox.requests[0]).toMatchObject({
      journeyId: 'vnb',
      stepId: 'mail',
      variant: profile?.experiments['vnb-offer']?.variant,
    });
    expect(profile?.experiments['vnb-offer']?.assignedAt).toBe(now.toISOString());
    expect(profile?.traits.nudged).toBe(true);
    expect((await store.listRuns('u1'))[0]?.status).toBe('completed');
  });

  it('does not start a second run when the trigger event is redelivered', async () => {
    await processCustomerMessage(deps, track('m1', 'Product Viewed', now));
    await processCustomerMessage(deps, track('m1', 'Product Viewed', now));
    expect(await store.listRuns('u1')).toHaveLength(1);
  });

  it('does not send twice when the same wake is delivered twice', async () => {
    await processCustomerMessage(deps, track('m1', 'Product Viewed', now));
    now = new Date(T0.getTime() + 2 * HOUR);
    const [run] = await store.listRuns('u1');
    const wake: CustomerMessage = {
      kind: 'wake',
      customerId: 'u1',
      journeyId: 'vnb',
      runId: run!.runId,
      dueAt: run!.wakeAt!,
    };
    await processCustomerMessage(deps, wake);
    const again = await processCustomerMessage(deps, wake);
    expect(again.status).toBe('duplicate');
    expect(outbox.enqueued).toHaveLength(1);
  });

  it('exits on an order, records the goal, and a later tick sends nothing', async () => {
    await processCustomerMessage(deps, track('m1', 'Product Viewed', now));
    now = new Date(T0.getTime() + HOUR);
    await processCustomerMessage(deps, track('m2', 'Order Completed', now, { order_id: 'o1', revenue: 10 }));
    now = new Date(T0.getTime() + 3 * HOUR);
    await tick();
    expect(await store.listRuns('u1')).toMatchObject([
      { status: 'exited', convertedAt: new Date(T0.getTime() + HOUR).toISOString() },
    ]);
    expect(outbox.requests).toEqual([]);
  });

  it('starts segment-triggered runs and moves on when the email is opened', async () => {
    // Prepare
    await processCustomerMessage(deps, track('m1', 'Product Added', now, { product_id: 'p1', price: 5, quantity: 1 }));
    const run = (await store.listRuns('u1')).find((r) => r.journeyId === 'cart');
    // Act
    now = new Date(T0.getTime() + 2 * HOUR);
    await processCustomerMessage(deps, {
      kind: 'engagement',
      customerId: 'u1',
      type: 'opened',
      messageId: 'x',
      journeyId: 'cart',
      runId: run!.runId,
      stepId: 'mail',
      at: now.toISOString(),
    });
    now = new Date(T0.getTime() + 2 * DAY);
    await tick();
    // Assess
    expect(outbox.requests.map((request) => request.channel)).toEqual(['email']);
    expect((await store.listRuns('u1')).find((r) => r.journeyId === 'cart')?.status).toBe('completed');
  });

  it('sends the SMS when the email is not opened within a day', async () => {
    await processCustomerMessage(deps, track('m1', 'Product Added', now, { product_id: 'p1', price: 5, quantity: 1 }));
    now = new Date(T0.getTime() + DAY);
    await tick();
    expect(outbox.requests.map((request) => request.channel)).toEqual(['email', 'sms']);
  });

  it('flags global holdout customers on the profile and marks their sends holdout', async () => {
    // Prepare
    const held = Array.from({ length: 500 }, (_, i) => `h${i}`).find((id) => isInGlobalHoldout(id, 50)) as string;
    deps.journeys = { ...deps.journeys!, holdoutPercent: 50 };
    const message = track('m1', 'Product Added', now, { product_id: 'p1', price: 5, quantity: 1 });
    if (message.kind !== 'event') throw new Error('unreachable');
    // Act
    await processCustomerMessage(deps, { ...message, customerId: held, event: { ...message.event, userId: held } });
    // Assess
    expect((await profiles.getProfile(held))?.holdout).toBe(true);
    expect(outbox.requests[0]).toMatchObject({ holdout: true, variant: 'holdout' });
  });
});

describe('journey phase cost', () => {
  it('does not read journey runs for an event no journey triggers, exits or converts on', async () => {
    // Prepare
    const store = new InMemoryJourneyStore();
    let listed = 0;
    const counting = Object.assign(Object.create(store) as InMemoryJourneyStore, {
      listRuns: async (customerId: string) => {
        listed++;
        return store.listRuns(customerId);
      },
    });
    const deps = journeyDeps(counting, [vnb, cart], () => T0);
    // Act
    await processCustomerMessage(deps, track('p1', 'Cart Viewed', T0));
    await processCustomerMessage(deps, track('p2', 'Product Viewed', T0));
    // Assess
    expect(listed).toBe(1);
  });

  it("reads the one run a wake names, not the customer's runs", async () => {
    // Prepare
    const store = new InMemoryJourneyStore();
    const reads = { listed: 0, got: 0 };
    const counting = Object.assign(Object.create(store) as InMemoryJourneyStore, {
      listRuns: async (customerId: string) => {
        reads.listed++;
        return store.listRuns(customerId);
      },
      getRun: async (customerId: string, journeyId: string, runId: string) => {
        reads.got++;
        return store.getRun(customerId, journeyId, runId);
      },
    });
    let now = T0;
    const outbox = new LocalSendOutbox();
    const deps = journeyDeps(counting, [vnb, cart], () => now, { sends: outbox });
    await processCustomerMessage(deps, track('p1', 'Product Viewed', T0));
    const entered = { ...reads };
    now = new Date(T0.getTime() + 3 * HOUR);
    // Act
    await tickAt(store, now, deps);
    // Assess
    expect(entered).toEqual({ listed: 1, got: 0 });
    expect(reads).toEqual({ listed: 1, got: 1 });
    expect(outbox.requests).toHaveLength(1);
    expect((await store.listRuns('u1'))[0]?.status).toBe('completed');
  });
});

describe('runs that can no longer move', () => {
  it('ends a waiting run whose journey was removed, so its wake stops coming back', async () => {
    // Prepare
    const store = new InMemoryJourneyStore();
    const base = journeyDeps(store, [vnb], () => T0);
    await processCustomerMessage(base, track('m1', 'Product Viewed', T0));
    const [run] = await store.listRuns('u1');
    // Act: the campaign no longer has the journey.
    await processCustomerMessage(
      { ...base, journeys: { ...base.journeys!, definitions: [cart] } },
      { kind: 'wake', customerId: 'u1', journeyId: 'vnb', runId: run!.runId, dueAt: run!.wakeAt! },
    );
    // Assess
    expect(await store.listRuns('u1')).toMatchObject([
      { status: 'exited', exitReason: 'journey no longer in the campaign' },
    ]);
    expect((await store.listRuns('u1'))[0]?.wakeAt).toBeUndefined();
  });

  it('ends the run of a customer whose profile is gone', async () => {
    const store = new InMemoryJourneyStore();
    const profiles = new InMemoryProfileStore();
    const deps = journeyDeps(store, [vnb], () => T0, { profiles });
    await processCustomerMessage(deps, track('m1', 'Product Viewed', T0));
    const [run] = await store.listRuns('u1');
    profiles.items.delete('u1');
    const outcome = await processCustomerMessage(deps, {
      kind: 'wake',
      customerId: 'u1',
      journeyId: 'vnb',
      runId: run!.runId,
      dueAt: run!.wakeAt!,
    });
    expect(outcome.status).toBe('applied');
    expect((await store.listRuns('u1'))[0]).toMatchObject({
      status: 'exited',
      exitReason: 'customer profile not found',
    });
  });
});

describe('runs of anonymous visitors who log in', () => {
  let now: Date;
  let store: InMemoryJourneyStore;
  let outbox: LocalSendOutbox;
  let deps: ProcessDeps;

  beforeEach(() => {
    now = T0;
    store = new InMemoryJourneyStore();
    outbox = new LocalSendOutbox();
    deps = journeyDeps(store, [vnb], () => now, { sends: outbox });
  });

  const anonymousView = (): CustomerMessage => {
    const timestamp = now.toISOString();
    return {
      kind: 'event',
      source: INTERNAL_SOURCE,
      customerId: 'anon:a1',
      event: {
        type: 'track',
        messageId: 'v1',
        anonymousId: 'a1',
        event: 'Product Viewed',
        properties: {},
        traits: {},
        context: {},
        timestamp,
        receivedAt: timestamp,
      },
    };
  };
  const login = (): CustomerMessage => {
    const timestamp = now.toISOString();
    const traits = { email: 'ayse@example.com', consent: { email: true } };
    return {
      kind: 'event',
      source: INTERNAL_SOURCE,
      customerId: 'u1',
      event: {
        type: 'identify',
        messageId: 'i1',
        userId: 'u1',
        anonymousId: 'a1',
        properties: {},
        traits,
        context: {},
        timestamp,
        receivedAt: timestamp,
      },
    };
  };
  const tick = (): Promise<void> => tickAt(store, now, deps);

  it('moves a waiting run to the customer at its wake, and the customer gets the message', async () => {
    // Prepare: browsing before login starts a run for the visitor, then the visitor logs in.
    await processCustomerMessage(deps, anonymousView());
    now = new Date(T0.getTime() + HOUR);
    await processCustomerMessage(deps, login());

    // Act
    now = new Date(T0.getTime() + 2 * HOUR);
    await tick();
    await tick();

    // Assess
    expect(await store.listRuns('anon:a1')).toMatchObject([
      { status: 'exited', exitReason: 'handed over to the customer at login' },
    ]);
    const [moved] = await store.listRuns('u1');
    expect(moved).toMatchObject({ journeyId: 'vnb', customerId: 'u1', status: 'completed' });
    expect(outbox.requests.map((request) => [request.customerId, request.stepId])).toEqual([['u1', 'mail']]);
  });

  it('hands over once, however often the wake is redelivered', async () => {
    // Prepare
    await processCustomerMessage(deps, anonymousView());
    await processCustomerMessage(deps, login());
    now = new Date(T0.getTime() + 2 * HOUR);
    const [run] = await store.listRuns('anon:a1');
    const wake: CustomerMessage = {
      kind: 'wake',
      customerId: 'anon:a1',
      journeyId: 'vnb',
      runId: run!.runId,
      dueAt: run!.wakeAt!,
    };

    // Act
    await processCustomerMessage(deps, wake);
    await processCustomerMessage(deps, wake);

    // Assess
    expect(await store.listRuns('u1')).toHaveLength(1);
  });

  it('keeps only the run the customer already has in the same journey', async () => {
    // Prepare: the visitor views, logs in, and views again as the customer, who starts a run of their own.
    await processCustomerMessage(deps, anonymousView());
    await processCustomerMessage(deps, login());
    await processCustomerMessage(deps, track('v2', 'Product Viewed', now));

    // Act
    now = new Date(T0.getTime() + 2 * HOUR);
    await tick();

    // Assess
    expect(await store.listRuns('anon:a1')).toMatchObject([
      { status: 'exited', exitReason: 'customer merged into another profile' },
    ]);
    expect(await store.listRuns('u1')).toHaveLength(1);
  });
});
