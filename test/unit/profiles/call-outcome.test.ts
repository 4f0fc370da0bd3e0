/** `Call Completed` on the profile and at the edge (issue 22): wrong_number marks the phone unreachable. */
import { describe, expect, it } from 'vitest';
import { normalizeCall } from '../../../shared/events/normalize.js';
import { processCustomerMessage, type ProcessDeps } from '../../../shared/profiles/process-customer-message.js';
import {
  InMemoryIdentityMap,
  InMemoryOrderLedger,
  InMemoryProfileStore,
  InMemoryRefunds,
  NO_ERASED_ORDERS,
} from '../../fakes/in-memory-ports.js';
import { applyEvent } from '../../../shared/profiles/reduce.js';
import { emptyProfile, type Profile } from '../../../shared/profiles/schema.js';
import { identify, track } from './event-builders.js';

const SETTINGS = { trackedProperties: {}, timezone: 'UTC' };
const CALL_ID = 'a'.repeat(64);

function withPhone(): Profile {
  const profile = applyEvent(
    emptyProfile('u1', '2026-11-01T00:00:00Z'),
    identify(
      { phone: '+905321234567', consent: { call: true, timestamp: '2026-11-01T00:00:00Z' } },
      '2026-11-01T00:00:00.000Z',
    ),
    SETTINGS,
  );
  if (!profile.applied) throw new Error('identify not applied');
  return profile.profile;
}

function applied(profile: Profile, event: ReturnType<typeof track>): Profile {
  const result = applyEvent(profile, event, SETTINGS);
  if (!result.applied) throw new Error('not applied');
  return result.profile;
}

describe('a call outcome on the profile', () => {
  it('keeps call consent from identify traits like the other channels', () => {
    expect(withPhone().consent.call).toEqual({ granted: true, at: '2026-11-01T00:00:00.000Z' });
  });

  it('marks the phone wrong on wrong_number, and a new number from identify clears it', () => {
    const wrong = applied(
      withPhone(),
      track('Call Completed', { call_id: CALL_ID, outcome: 'wrong_number' }, '2026-11-02T10:00:00.000Z'),
    );
    expect(wrong.channels.phoneWrongAt).toBe('2026-11-02T10:00:00.000Z');
    const same = applied(wrong, identify({ phone: '+90 532 123 45 67' }, '2026-11-03T10:00:00.000Z'));
    expect(same.channels.phoneWrongAt).toBe('2026-11-02T10:00:00.000Z');
    const fixed = applied(wrong, identify({ phone: '+905329876543' }, '2026-11-03T10:00:00.000Z'));
    expect(fixed.channels).toMatchObject({ phone: '+905329876543' });
    expect(fixed.channels.phoneWrongAt).toBeUndefined();
  });

  it('leaves a number set after the report alone (the report was about the old one)', () => {
    const later = applied(withPhone(), identify({ phone: '+905329876543' }, '2026-11-05T00:00:00.000Z'));
    const stale = applied(
      later,
      track('Call Completed', { call_id: CALL_ID, outcome: 'wrong_number' }, '2026-11-04T00:00:00.000Z'),
    );
    expect(stale.channels.phoneWrongAt).toBeUndefined();
  });

  it('changes nothing but the counters for the other outcomes', () => {
    const reached = applied(
      withPhone(),
      track('Call Completed', { call_id: CALL_ID, outcome: 'reached' }, '2026-11-02T10:00:00.000Z'),
    );
    expect(reached.channels.phoneWrongAt).toBeUndefined();
    expect(reached.events['Call Completed']?.lastAt).toBe('2026-11-02T10:00:00.000Z');
  });

  it('marks the phone from a Connect outcome (an engagement message) too', async () => {
    // Prepare: a store holding the customer
    const profiles = new InMemoryProfileStore();
    profiles.items.set('u1', withPhone());
    const deps: ProcessDeps = {
      profiles,
      orders: new InMemoryOrderLedger(),
      identity: new InMemoryIdentityMap(),
      clock: { now: () => new Date('2026-11-02T11:00:00Z') },
      settings: SETTINGS,
      tombstones: NO_ERASED_ORDERS,
      refunds: new InMemoryRefunds(),
      journeys: null,
    };
    // Act
    await processCustomerMessage(deps, {
      kind: 'engagement',
      customerId: 'u1',
      type: 'called',
      outcome: 'wrong_number',
      messageId: CALL_ID,
      journeyId: 'win-back',
      runId: 'r1',
      stepId: 'call',
      at: '2026-11-02T10:30:00.000Z',
    });
    // Assess
    expect(profiles.items.get('u1')?.channels.phoneWrongAt).toBe('2026-11-02T10:30:00.000Z');
  });
});

describe('Call Completed at the edge', () => {
  const call = (properties: Record<string, unknown>) =>
    normalizeCall(
      { type: 'track', userId: 'u1', event: 'Call Completed', properties },
      { receivedAt: new Date('2026-11-02T10:00:00Z'), newMessageId: () => 'm1' },
    );

  it('accepts a call id and a known outcome', () => {
    expect(call({ call_id: CALL_ID, outcome: 'converted' }).ok).toBe(true);
  });

  it.each([
    [{ outcome: 'reached' }, 'properties.call_id'],
    [{ call_id: 'not-a-task', outcome: 'reached' }, 'properties.call_id'],
    [{ call_id: CALL_ID, outcome: 'picked_up' }, 'properties.outcome'],
    [{ call_id: CALL_ID }, 'properties.outcome'],
  ])('rejects %j naming %s', (properties, field) => {
    expect(call(properties)).toMatchObject({ ok: false, field });
  });
});
