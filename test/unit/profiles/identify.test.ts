import { describe, expect, it } from 'vitest';
import { normalizePhone } from '../../../shared/profiles/channels.js';
import { identify, track } from './event-builders.js';
import { fold } from './fold.js';

describe('identify', () => {
  it('stores the email trimmed and lowercased', () => {
    // Act
    const profile = fold([identify({ email: '  Ayse.Yilmaz@Example.COM ' }, '2026-03-02T09:00:00Z')]);
    // Assess
    expect(profile.channels.email).toBe('ayse.yilmaz@example.com');
  });

  it('ignores an email that does not look like one', () => {
    // Act
    const profile = fold([identify({ email: 'ayse@' }, '2026-03-02T09:00:00Z')]);
    // Assess
    expect(profile.channels.email).toBeUndefined();
    expect(profile.fieldTimes).not.toHaveProperty(['channels.email']);
  });

  it('normalizes Turkish numbers to E.164, reading national ones in the customer country', () => {
    // Act / Assess
    expect(normalizePhone('+90 (532) 123 45 67')).toBe('+905321234567');
    expect(normalizePhone('0532 123 45 67', 'TR')).toBe('+905321234567');
    expect(normalizePhone('0212 555 12 12', 'tr')).toBe('+902125551212');
  });

  it('ignores invalid phone numbers', () => {
    // Act / Assess
    expect(normalizePhone('+90 532 123')).toBeUndefined();
    expect(normalizePhone('+90 000 000 00 00')).toBeUndefined();
    expect(normalizePhone('0532 123 45 67')).toBeUndefined();
    expect(normalizePhone('call me')).toBeUndefined();
  });

  it('reads a national number in traits.country, else the locale region', () => {
    // Act
    const byCountry = fold([identify({ phone: '0532 123 45 67', country: 'TR' }, '2026-03-02T09:00:00Z')]);
    const byLocale = fold([
      identify({ phone: '0532 123 45 67' }, '2026-03-02T09:00:00Z', { context: { locale: 'tr-TR' } }),
    ]);
    // Assess
    expect(byCountry.channels.phone).toBe('+905321234567');
    expect(byLocale.channels.phone).toBe('+905321234567');
  });

  it('sets the name from camelCase or snake_case traits', () => {
    // Act
    const profile = fold([identify({ first_name: 'Ayşe', lastName: 'Yılmaz' }, '2026-03-02T09:00:00Z')]);
    // Assess
    expect(profile.name).toEqual({ first: 'Ayşe', last: 'Yılmaz' });
  });

  it('keeps a valid IANA timezone in canonical spelling and ignores others', () => {
    // Act
    const valid = fold([identify({ timezone: 'europe/istanbul' }, '2026-03-02T09:00:00Z')]);
    const invalid = fold([
      identify({ timezone: 'Mars/Olympus' }, '2026-03-02T09:00:00Z'),
      track('A', {}, '2026-03-02T09:00:00Z', { context: { timezone: '+03:00' } }),
    ]);
    // Assess
    expect(valid.timezone).toBe('Europe/Istanbul');
    expect(invalid.timezone).toBeUndefined();
  });

  it('takes timezone and locale from the context of any call, identify traits first', () => {
    // Act
    const fromTrack = fold([
      track('A', {}, '2026-03-02T09:00:00Z', { context: { timezone: 'Europe/Berlin', locale: 'de_DE' } }),
    ]);
    const traitsFirst = fold([
      identify({ timezone: 'Europe/Istanbul' }, '2026-03-02T09:00:00Z', { context: { timezone: 'Europe/Berlin' } }),
    ]);
    // Assess
    expect(fromTrack).toMatchObject({ timezone: 'Europe/Berlin', locale: 'de-DE' });
    expect(traitsFirst.timezone).toBe('Europe/Istanbul');
  });

  it('lets a newer identify win and a late older one fill only unset fields', () => {
    // Prepare
    const newer = identify({ email: 'new@example.com' }, '2026-03-02T10:00:00Z');
    const older = identify({ email: 'old@example.com', firstName: 'Ayşe' }, '2026-03-02T09:00:00Z');
    // Act
    const profile = fold([newer, older]);
    // Assess
    expect(profile.channels.email).toBe('new@example.com');
    expect(profile.name.first).toBe('Ayşe');
    expect(profile.fieldTimes).toMatchObject({
      'channels.email': Date.parse('2026-03-02T10:00:00Z') / 1000,
      'name.first': Date.parse('2026-03-02T09:00:00Z') / 1000,
    });
  });

  it('decides same-instant identifies by value, whatever the arrival order', () => {
    // Prepare
    const a = identify({ plan: 'gold' }, '2026-03-02T10:00:00Z');
    const b = identify({ plan: 'silver' }, '2026-03-02T10:00:00Z');
    // Act / Assess
    expect(fold([a, b]).traits.plan).toBe(fold([b, a]).traits.plan);
  });

  it('stores scalar custom traits and skips objects, arrays and over-long keys', () => {
    // Act
    const profile = fold([
      identify(
        {
          plan: 'gold',
          visits: 3,
          vip: true,
          cleared: null,
          address: { city: 'İzmir' },
          tags: ['a'],
          ['k'.repeat(65)]: 'x',
        },
        '2026-03-02T09:00:00Z',
      ),
    ]);
    // Assess
    expect(profile.traits).toEqual({ plan: 'gold', visits: 3, vip: true, cleared: null });
  });

  it('keeps at most 40 custom traits, the earliest keys staying', () => {
    // Prepare
    const traits = Object.fromEntries(Array.from({ length: 45 }, (_, index) => [`t${index}`, index]));
    // Act
    const profile = fold([identify(traits, '2026-03-02T09:00:00Z')]);
    // Assess
    expect(Object.keys(profile.traits)).toHaveLength(40);
    expect(profile.traits).not.toHaveProperty('t44');
  });

  it('applies consent with its own timestamp, never letting an older decision win', () => {
    // Prepare
    const granted = identify(
      { consent: { email: true, sms: true, timestamp: '2026-03-02T10:00:00Z' } },
      '2026-03-05T00:00:00Z',
    );
    const olderRevocation = identify(
      { consent: { email: false, timestamp: '2026-03-01T10:00:00Z' } },
      '2026-03-06T00:00:00Z',
    );
    // Act
    const profile = fold([granted, olderRevocation]);
    // Assess
    expect(profile.consent).toEqual({
      email: { granted: true, at: '2026-03-02T10:00:00.000Z' },
      sms: { granted: true, at: '2026-03-02T10:00:00.000Z' },
    });
  });

  it('uses the event time for consent without a timestamp, and refuses on a same-instant conflict', () => {
    // Prepare
    const yes = identify({ consent: { push: true } }, '2026-03-02T10:00:00Z');
    const no = identify({ consent: { push: false } }, '2026-03-02T10:00:00Z');
    // Act / Assess
    expect(fold([yes, no]).consent.push).toEqual({ granted: false, at: '2026-03-02T10:00:00.000Z' });
    expect(fold([no, yes]).consent.push).toEqual({ granted: false, at: '2026-03-02T10:00:00.000Z' });
  });

  it('clamps a grant dated in the future to its receive time, so a later revocation wins', () => {
    // Prepare
    const futureGrant = identify(
      { consent: { email: true, timestamp: '2099-01-01T00:00:00Z' } },
      '2026-03-02T10:00:00Z',
    );
    const revocation = identify({ consent: { email: false } }, '2026-03-02T11:00:00Z');
    // Act
    const granted = fold([futureGrant]);
    const revoked = fold([futureGrant, revocation]);
    // Assess
    expect(granted.consent.email).toEqual({ granted: true, at: '2026-03-02T10:00:00.000Z' });
    expect(revoked.consent.email).toEqual({ granted: false, at: '2026-03-02T11:00:00.000Z' });
  });

  it('never lets a grant without a timestamp of its own undo a revocation (cached traits replayed)', () => {
    // Prepare
    const grant = identify({ consent: { email: true } }, '2026-03-02T09:00:00Z');
    const revocation = identify({ consent: { email: false } }, '2026-03-02T10:00:00Z');
    const replay = identify({ email: 'ayse@example.com', consent: { email: true } }, '2026-03-03T10:00:00Z');
    const askedAgain = identify(
      { consent: { email: true, timestamp: '2026-03-04T10:00:00Z' } },
      '2026-03-04T10:00:01Z',
    );
    // Act / Assess
    expect(fold([grant, revocation, replay]).consent.email).toEqual({ granted: false, at: '2026-03-02T10:00:00.000Z' });
    expect(fold([grant, revocation, replay, askedAgain]).consent.email).toEqual({
      granted: true,
      at: '2026-03-04T10:00:00.000Z',
    });
  });

  it('upserts push devices by token from any call, ignoring unknown platforms', () => {
    // Prepare
    const events = [
      track('A', {}, '2026-03-02T09:00:00Z', { context: { device: { token: 'tok-1', type: 'ios' } } }),
      track('A', {}, '2026-03-02T10:00:00Z', { context: { device: { token: 'tok-1', type: 'ios' } } }),
      track('A', {}, '2026-03-02T11:00:00Z', { context: { device: { token: 'tok-2', type: 'web' } } }),
    ];
    // Act
    const { push } = fold(events).channels;
    // Assess
    expect(push).toEqual([{ token: 'tok-1', platform: 'ios', enabled: true, at: '2026-03-02T10:00:00.000Z' }]);
  });

  it('keeps the 5 most recently seen push devices', () => {
    // Prepare
    const events = Array.from({ length: 7 }, (_, index) =>
      track('A', {}, new Date(Date.UTC(2026, 2, 2, index)).toISOString(), {
        context: { device: { token: `tok-${index}`, type: 'android' } },
      }),
    );
    // Act
    const { push } = fold(events).channels;
    // Assess
    expect(push.map((device) => device.token)).toEqual(['tok-6', 'tok-5', 'tok-4', 'tok-3', 'tok-2']);
  });
});
