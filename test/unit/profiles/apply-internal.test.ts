import { describe, expect, it } from 'vitest';
import { applyConsentChange, applyDeviceChange, applyScores } from '../../../shared/profiles/apply-internal.js';
import type { Clv, Rfm } from '../../../shared/profiles/schema.js';
import { identify, track } from './event-builders.js';
import { fold } from './fold.js';

const rfm = (segment: Rfm['segment']): Rfm => ({ r: 5, f: 5, m: 5, segment });
const clv: Clv = { pAlive: 0.9, expectedPurchases30d: 1.2, value12m: 340, tier: 'high' };

describe('internal messages', () => {
  it('revokes consent on an unsubscribe', () => {
    // Prepare
    const profile = fold([identify({ consent: { email: true } }, '2026-03-02T09:00:00Z')]);
    // Act
    const next = applyConsentChange(profile, { channel: 'email', granted: false, at: '2026-03-03T09:00:00Z' });
    // Assess
    expect(next.consent.email).toEqual({ granted: false, at: '2026-03-03T09:00:00.000Z' });
    expect(next.updatedAt).toBe('2026-03-03T09:00:00.000Z');
  });

  it('does not let a late, older consent message undo a newer decision', () => {
    // Prepare
    const profile = fold([
      identify({ consent: { email: true, timestamp: '2026-03-04T09:00:00Z' } }, '2026-03-04T09:00:00Z'),
    ]);
    // Act
    const next = applyConsentChange(profile, { channel: 'email', granted: false, at: '2026-03-03T09:00:00Z' });
    // Assess
    expect(next.consent.email).toEqual({ granted: true, at: '2026-03-04T09:00:00.000Z' });
  });

  it('disables the device whose endpoint SNS reported, and a newer app call enables it again', () => {
    // Prepare
    const registered = fold([
      track('A', {}, '2026-03-02T09:00:00Z', { context: { device: { token: 'tok-1', type: 'ios' } } }),
    ]);
    const withEndpoint = {
      ...registered,
      channels: {
        ...registered.channels,
        push: registered.channels.push.map((d) => ({ ...d, endpoint: 'arn:endpoint/1' })),
      },
    };
    // Act
    const disabled = applyDeviceChange(withEndpoint, {
      endpoint: 'arn:endpoint/1',
      enabled: false,
      at: '2026-03-03T09:00:00Z',
    });
    const reenabled = fold(
      [track('A', {}, '2026-03-04T09:00:00Z', { context: { device: { token: 'tok-1', type: 'ios' } } })],
      disabled,
    );
    // Assess
    expect(disabled.channels.push).toEqual([
      { token: 'tok-1', platform: 'ios', endpoint: 'arn:endpoint/1', enabled: false, at: '2026-03-03T09:00:00.000Z' },
    ]);
    expect(reenabled.channels.push).toEqual([
      { token: 'tok-1', platform: 'ios', endpoint: 'arn:endpoint/1', enabled: true, at: '2026-03-04T09:00:00.000Z' },
    ]);
  });

  it('leaves the devices alone for an unknown endpoint', () => {
    // Prepare
    const profile = fold([
      track('A', {}, '2026-03-02T09:00:00Z', { context: { device: { token: 'tok-1', type: 'ios' } } }),
    ]);
    // Act
    const next = applyDeviceChange(profile, { endpoint: 'arn:other', enabled: false, at: '2026-03-03T09:00:00Z' });
    // Assess
    expect(next.channels.push).toEqual(profile.channels.push);
  });

  it('writes the nightly scores, and an older scores message does not overwrite newer ones', () => {
    // Prepare
    const tonight = applyScores(fold([]), {
      rfm: rfm('champions'),
      clv,
      recommendations: ['p1', 'p2'],
      at: '2026-03-03T02:00:00Z',
    });
    // Act
    const stale = applyScores(tonight, {
      rfm: rfm('hibernating'),
      recommendations: ['p9'],
      at: '2026-03-02T02:00:00Z',
    });
    // Assess
    expect(stale).toMatchObject({ rfm: rfm('champions'), clv, recommendations: ['p1', 'p2'] });
  });
});
