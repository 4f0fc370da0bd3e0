import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROFILE_LIMITS } from '../../../shared/profiles/limits.js';
import { mergeProfiles } from '../../../shared/profiles/merge.js';
import { applyEvent } from '../../../shared/profiles/reduce.js';
import { emptyProfile } from '../../../shared/profiles/schema.js';
import { profileBytes } from '../../../shared/profiles/trim.js';
import { eventBody, eventSequence, settings, withUniqueIds } from './arbitraries.js';
import { fold, START, withoutArrivalOrder } from './fold.js';

const RUNS = { numRuns: 200 };
/** Two ids per order at most, so a sequence this long never overflows the 50-id ring. */
const SEQUENCE = 24;

describe('profile reducer properties', () => {
  it('gives the same profile for any arrival order of the same events', () => {
    fc.assert(
      fc.property(
        eventSequence(SEQUENCE).chain((events) =>
          fc.tuple(
            fc.constant(events),
            fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
          ),
        ),
        ([events, shuffled]) => {
          // Prepare / Act
          const inOrder = fold(events);
          const reordered = fold(shuffled);
          // Assess
          expect(profileBytes(inOrder)).toBeLessThanOrEqual(PROFILE_LIMITS.maxProfileBytes);
          expect(withoutArrivalOrder(reordered)).toEqual(withoutArrivalOrder(inOrder));
        },
      ),
      RUNS,
    );
  });

  it('changes nothing when an event is delivered again, at any later point', () => {
    fc.assert(
      fc.property(
        eventSequence(SEQUENCE).chain((events) =>
          fc.tuple(fc.constant(events), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 10 })),
        ),
        ([events, redeliveries]) => {
          // Prepare: each redelivery repeats event i right after event j ≥ i
          const withRepeats = [...events.map((event) => [event])];
          for (const [a, b] of redeliveries) {
            if (events.length === 0) break;
            const original = a % events.length;
            const after = original + (b % (events.length - original));
            withRepeats[after]?.push(events[original]!);
          }
          // Act
          const once = fold(events);
          const repeated = fold(withRepeats.flat());
          // Assess: the ring included — a rejected duplicate does not even move it
          expect(repeated).toEqual(once);
        },
      ),
      RUNS,
    );
  });

  it('reports every already-applied event as a duplicate', () => {
    fc.assert(
      fc.property(eventSequence(SEQUENCE), fc.nat(), (events, pick) => {
        fc.pre(events.length > 0);
        // Prepare
        const profile = fold(events);
        const event = events[pick % events.length]!;
        // Act
        const result = applyEvent(profile, event, settings);
        // Assess
        expect(result).toEqual({ applied: false, reason: 'duplicate' });
      }),
      RUNS,
    );
  });

  it('merging an anonymous profile equals applying its events to the customer', () => {
    fc.assert(
      fc.property(
        eventSequence(SEQUENCE / 2, 'user'),
        fc.array(eventBody, { maxLength: SEQUENCE / 2 }),
        (userEvents, anonymousBodies) => {
          // Prepare
          const anonymousEvents = withUniqueIds(anonymousBodies, 'anon', undefined).map(({ userId: _, ...event }) => ({
            ...event,
            anonymousId: 'a1',
          }));
          const user = fold(userEvents);
          const anonymous = fold(anonymousEvents, emptyProfile('anon:a1', START));
          // Act
          const merged = mergeProfiles(user, anonymous, settings.timezone);
          // Assess
          const replayed = fold(anonymousEvents, user);
          expect(withoutArrivalOrder(merged)).toEqual(withoutArrivalOrder({ ...replayed, anonymousIds: ['a1'] }));
        },
      ),
      RUNS,
    );
  });

  it('never mutates the profile it is given', () => {
    fc.assert(
      fc.property(eventSequence(SEQUENCE), eventBody, (events, body) => {
        // Prepare
        const profile = fold(events);
        const snapshot = structuredClone(profile);
        // Act
        applyEvent(profile, withUniqueIds([body], 'extra')[0]!, settings);
        mergeProfiles(profile, profile, settings.timezone);
        // Assess
        expect(profile).toEqual(snapshot);
      }),
      RUNS,
    );
  });

  it('keeps one customer within 8 KB over 10,000 random events', () => {
    // Prepare: a wider mix than the other properties — many event names, products and traits
    const bodies = fc.sample(eventBody, { numRuns: 10_000, seed: 20260101 });
    const events = withUniqueIds(
      bodies.map((body, index) =>
        index % 3 === 0 && body.type === 'track'
          ? {
              ...body,
              event: `Custom Event ${index % 97}`,
              properties: { ...body.properties, product_id: `p${index % 251}` },
            }
          : index % 5 === 0 && body.type === 'identify'
            ? { ...body, traits: { ...body.traits, [`trait_${index % 83}`]: 'x'.repeat(200) } }
            : body,
      ),
      'bulk',
    );
    let profile = emptyProfile('u1', START);
    let largest = 0;
    // Act
    for (const event of events) {
      const result = applyEvent(profile, event, settings);
      if (result.applied) profile = result.profile;
      largest = Math.max(largest, profileBytes(profile));
    }
    // Assess
    expect(largest).toBeLessThanOrEqual(PROFILE_LIMITS.maxProfileBytes);
    expect(profile.events['Product Viewed']?.count).toBeGreaterThan(0);
  });
});
