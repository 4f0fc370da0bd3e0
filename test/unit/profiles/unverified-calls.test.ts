/** Unverified browser calls on profiles (DESIGN "Trust"): what they may change, and what stays pending. */
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../shared/events/event.js';
import { mergeProfiles } from '../../../shared/profiles/merge.js';
import { applyEvent } from '../../../shared/profiles/reduce.js';
import { emptyProfile, type Profile } from '../../../shared/profiles/schema.js';
import { settings } from './arbitraries.js';
import { identify, track } from './event-builders.js';
import { fold, START } from './fold.js';

const T1 = '2026-01-01T10:00:00.000Z';
const T2 = '2026-01-01T11:00:00.000Z';
const T3 = '2026-01-01T12:00:00.000Z';

function unverified(events: readonly NormalizedEvent[], start: Profile = emptyProfile('u1', START)): Profile {
  let current = start;
  for (const event of events) {
    const result = applyEvent(current, event, settings, 'unverified');
    if (result.applied) current = result.profile;
  }
  return current;
}

const known = () =>
  fold([identify({ email: 'ayse@shop.test', firstName: 'Ayşe', consent: { email: true, timestamp: T1 } }, T1)]);

describe('unverified calls', () => {
  it('keep a new profile’s address, phone and grants pending; name and traits are set', () => {
    // Act
    const profile = unverified([
      identify(
        { email: 'a@x.test', phone: '+905321234567', firstName: 'A', plan: 'p', consent: { email: true, sms: true } },
        T1,
      ),
    ]);

    // Assess
    expect(profile.channels).toEqual({ push: [] });
    expect(profile.consent).toEqual({});
    expect(profile.pending).toEqual({
      email: { address: 'a@x.test', at: T1 },
      phone: { number: '+905321234567', at: T1 },
      consent: { email: { granted: true, at: T1, untimed: true }, sms: { granted: true, at: T1, untimed: true } },
    });
    expect(profile.name.first).toBe('A');
    expect(profile.traits.plan).toBe('p');
  });

  it('a later pending address replaces an earlier one; an older one arriving late does not', () => {
    // Act
    const profile = unverified([identify({ email: 'new@x.test' }, T2), identify({ email: 'old@x.test' }, T1)]);

    // Assess
    expect(profile.pending?.email?.address).toBe('new@x.test');
  });

  it('a revocation drops an earlier pending grant and is recorded', () => {
    // Act
    const profile = unverified([
      identify({ email: 'a@x.test', consent: { email: true, timestamp: T1 } }, T1),
      identify({ consent: { email: false, timestamp: T2 } }, T2),
    ]);

    // Assess
    expect(profile.pending?.consent).toBeUndefined();
    expect(profile.consent.email).toEqual({ granted: false, at: T2 });
  });

  it('change nothing personal on a known customer, but behaviour counts', () => {
    // Prepare
    const before = known();

    // Act
    const after = unverified(
      [
        identify({ email: 'evil@x.test', firstName: 'Visit evil.test', consent: { email: true, timestamp: T3 } }, T2, {
          context: { timezone: 'Asia/Tokyo', device: { token: 'a'.repeat(64), type: 'ios' } },
        }),
        track('Product Viewed', { product_id: 'p1' }, T2),
      ],
      before,
    );

    // Assess
    expect(after.channels).toEqual(before.channels);
    expect(after.name).toEqual(before.name);
    expect(after.consent).toEqual(before.consent);
    expect(after.timezone).toBeUndefined();
    expect(after.pending).toBeUndefined();
    expect(after.events['Product Viewed']?.count).toBe(1);
  });

  it('a verified call setting the pending address clears it', () => {
    // Prepare
    const pending = unverified([identify({ email: 'a@x.test', consent: { email: true } }, T1)]);

    // Act
    const profile = fold([identify({ email: 'A@x.test' }, T2)], pending);

    // Assess
    expect(profile.channels.email).toBe('a@x.test');
    expect(profile.pending).toBeUndefined();
  });

  it('a pending value equal to the confirmed one is a no-op', () => {
    // Act
    const profile = unverified([identify({ email: 'ayse@shop.test' }, T2)], {
      ...known(),
      channels: { email: 'ayse@shop.test', push: [] },
    });

    // Assess
    expect(profile.pending).toBeUndefined();
  });
});

describe('merges asked for by unverified calls', () => {
  const anonymous = () =>
    unverified(
      [
        identify({ email: 'evil@x.test', firstName: 'Visit evil.test', consent: { email: true } }, T2),
        track('Product Viewed', { product_id: 'p9' }, T2),
      ],
      emptyProfile('anon:a1', START),
    );

  it('move behaviour only into a known customer', () => {
    // Act
    const merged = mergeProfiles(known(), anonymous(), 'UTC', 'unverified');

    // Assess
    expect(merged.name.first).toBe('Ayşe');
    expect(merged.channels.email).toBe('ayse@shop.test');
    expect(merged.pending).toBeUndefined();
    expect(merged.events['Product Viewed']?.count).toBe(1);
  });

  it('move pending values into a profile that is not known yet', () => {
    // Act
    const merged = mergeProfiles(emptyProfile('u2', START), anonymous(), 'UTC', 'unverified');

    // Assess
    expect(merged.pending?.email?.address).toBe('evil@x.test');
    expect(merged.name.first).toBe('Visit evil.test');
  });
});
