/**
 * Coalescing a customer's messages in a batch (issue 19): one profile write for the group, and
 * the same profile, runs and sends as taking the messages one at a time through the phases; a
 * failing group is replayed one message at a time, so a poison message fails alone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../shared/config/settings.js';
import type { NormalizedEvent } from '../../../shared/events/event.js';
import { INTERNAL_SOURCE, type CustomerMessage } from '../../../shared/events/messages.js';
import { InMemoryJourneyStore } from '../../../shared/journeys/in-memory-journey-store.js';
import { BatchCoalescer } from '../../../shared/profiles/process-customer-batch.js';
import {
  processCustomerMessage,
  processPhases,
  type ProcessDeps,
} from '../../../shared/profiles/process-customer-message.js';
import type { Profile } from '../../../shared/profiles/schema.js';
import { compileSegmentsSource } from '../../../shared/segments/load-segments.js';
import {
  InMemoryIdentityMap,
  InMemoryOrderLedger,
  InMemoryProfileStore,
  InMemoryRefunds,
  NO_ERASED_ORDERS,
} from '../../fakes/in-memory-ports.js';
import { LocalSendOutbox } from '../../fakes/local-send-outbox.js';
import { journeyFrom, T0 } from '../journeys/journey-builders.js';

const segments = (() => {
  const result = compileSegmentsSource(
    'segments.yaml',
    '- id: viewers\n  all:\n    - { event: Product Viewed, within: 7d }\n    - not: { event: Order Completed, within: 7d }\n- id: carted\n  all:\n    - { event: Product Added, within: 1d }\n    - not: { event: Order Completed, within: 1d }\n',
    defaultSettings,
  );
  if (!result.ok) throw new Error('bad test segments');
  return result.compiled;
})();

const journeys = [
  journeyFrom(`id: vnb
trigger: { event: Product Viewed }
entry: { segment: viewers, reentry: never }
exit: [{ event: Order Completed }]
goal: { event: Order Completed, within: 7d }
steps:
  - split: { experiment: vnb-offer, variants: [{ id: a, weight: 1 }, { id: b, weight: 1 }] }
  - id: mail
    send: { channel: email, template: t }
  - update: { tag: nudged }
`),
  journeyFrom(`id: cart
trigger: { segment: carted, on: enter }
exit: [{ event: Order Completed }]
steps:
  - id: mail
    send: { channel: email, template: c }
  - wait: 1h
  - id: again
    send: { channel: email, template: c }
`),
];

interface World {
  deps: ProcessDeps;
  profiles: InMemoryProfileStore;
  runs: InMemoryJourneyStore;
  outbox: LocalSendOutbox;
}

function world(): World {
  const profiles = new InMemoryProfileStore();
  const runs = new InMemoryJourneyStore();
  const outbox = new LocalSendOutbox();
  return {
    profiles,
    runs,
    outbox,
    deps: {
      profiles,
      orders: new InMemoryOrderLedger(),
      identity: new InMemoryIdentityMap(),
      clock: { now: () => new Date(T0.getTime() + 3_600_000) },
      settings: { trackedProperties: {}, timezone: 'UTC' },
      segments,
      journeys: { definitions: journeys, store: runs, sends: outbox, holdoutPercent: 0, defaultTimezone: 'UTC' },
      tombstones: NO_ERASED_ORDERS,
      refunds: new InMemoryRefunds(),
    },
  };
}

type Kind = 'view' | 'add' | 'order' | 'consent' | 'recheck';

function message(kind: Kind, index: number): CustomerMessage {
  if (kind === 'recheck') return { kind: 'recheck', customerId: 'u1', reason: 'expiry', at: T0.toISOString() };
  if (kind === 'consent')
    return {
      kind: 'consent',
      customerId: 'u1',
      channel: 'email',
      granted: index % 2 === 0,
      at: new Date(T0.getTime() + index * 60_000).toISOString(),
      source: index % 2 === 0 ? 'confirm' : 'unsubscribe',
    };
  const timestamp = new Date(T0.getTime() + index * 60_000).toISOString();
  const name = { view: 'Product Viewed', add: 'Product Added', order: 'Order Completed' }[kind];
  const properties: Record<string, unknown> =
    kind === 'order' ? { order_id: `o${index}`, revenue: 20 } : { product_id: `p${index % 3}`, price: 5 };
  const event: NormalizedEvent = {
    type: 'track',
    messageId: `m${index}`,
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

/** The messages as one batch through the coalescer, each at its turn; failures stop the customer's group. */
async function coalesced(deps: ProcessDeps, messages: readonly CustomerMessage[]): Promise<number> {
  const batch = messages.map((body, index) => ({ id: `r${index}`, group: 'u1', message: body }));
  const coalescer = new BatchCoalescer(deps, batch, processCustomerMessage);
  for (const [index, body] of messages.entries()) {
    try {
      await coalescer.process(`r${index}`, body);
    } catch {
      return index;
    }
  }
  return messages.length;
}

function content(profile: Profile | undefined) {
  if (!profile) return undefined;
  const { version: _version, ...rest } = profile;
  return rest;
}

async function state(w: World) {
  const runs = (await w.runs.listRuns('u1')).map(({ version: _version, updatedAt: _at, ...run }) => run);
  return {
    profile: content(await w.profiles.getProfile('u1')),
    runs: runs.sort((a, b) => a.runId.localeCompare(b.runId)),
    sends: w.outbox.requests.map((request) => request.messageId).sort(),
  };
}

describe('coalescing a customer’s messages in a batch', () => {
  it('ends with the profile, runs and sends of one message at a time, in fewer profile writes', async () => {
    const kinds = fc.constantFrom<Kind>('view', 'view', 'add', 'order', 'consent', 'recheck');
    await fc.assert(
      fc.asyncProperty(fc.array(kinds, { minLength: 1, maxLength: 10 }), async (sequence) => {
        // Prepare
        const messages = sequence.map(message);
        const alone = world();
        const together = world();

        // Act
        for (const body of messages) await processPhases(alone.deps, body);
        await coalesced(together.deps, messages);

        // Assess
        expect(await state(together)).toEqual(await state(alone));
        expect(together.profiles.writes).toBeLessThanOrEqual(alone.profiles.writes);
      }),
      { numRuns: 60 },
    );
  });

  it('writes the profile of a group of views once (and once more only to clear the segment moves the journeys handled)', async () => {
    // Prepare
    const w = world();
    const messages = [0, 1, 2, 3].map((index) => message('view', index));

    // Act
    await coalesced(w.deps, messages);

    // Assess: one write for the four edits, one for the journey's trait update
    expect(w.profiles.writes).toBe(2);
    expect((await w.profiles.getProfile('u1'))?.events['Product Viewed']?.count).toBe(4);
  });

  it('replays a failing group one message at a time: the messages before the poison one are applied, it fails alone', async () => {
    // Prepare: the profile store refuses any profile that counts the third view
    const w = world();
    w.profiles.beforePut = (profile) => {
      if ((profile.events['Product Viewed']?.count ?? 0) >= 3) throw new Error('poison');
    };
    const messages = [0, 1, 2, 3].map((index) => message('view', index));

    // Act
    const failedAt = await coalesced(w.deps, messages);

    // Assess
    expect(failedAt).toBe(2);
    expect((await w.profiles.getProfile('u1'))?.events['Product Viewed']?.count).toBe(2);
  });
});
