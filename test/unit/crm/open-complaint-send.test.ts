/** Issue 22: `open_complaint` — per customer, after holdout, before the channel is chosen, no fallback; transactional sends go. */
import { describe, expect, it } from 'vitest';
import { decideSend } from '../../../shared/channels/decide-send.js';
import { openComplaint, resolveComplaint } from '../../../shared/profiles/complaints.js';
import { consentingProfile, sendHarness, sendRequest } from '../channels/send-harness.js';

const withOpenComplaint = () => {
  const profile = consentingProfile();
  openComplaint(
    profile,
    { complaintId: 'k1', category: 'delivery', channel: 'call_center' },
    '2026-11-01T10:00:00.000Z',
  );
  return profile;
};

describe('a promotional send to a customer with an open complaint', () => {
  it('is refused as open_complaint and no fallback channel is tried', async () => {
    // Prepare
    const h = sendHarness({ profile: withOpenComplaint() });

    // Act
    const result = await decideSend(h.deps, sendRequest({ fallback: ['sms', 'push'] }));

    // Assess
    expect(result).toMatchObject({ kind: 'done', reason: 'open_complaint', channel: 'email' });
    expect([h.email.sent.length, h.sms.sent.length, h.push.sent.length]).toEqual([0, 0, 0]);
    expect(h.stats.metrics()).toEqual(['open_complaint']);
  });

  it('is a holdout, not open_complaint, for a holdout run (holdout is decided first)', async () => {
    // Prepare
    const h = sendHarness({ profile: withOpenComplaint() });

    // Act
    const result = await decideSend(h.deps, sendRequest({ holdout: true }));

    // Assess
    expect(result.reason).toBe('holdout');
  });

  it('goes once the complaint is resolved', async () => {
    // Prepare
    const profile = withOpenComplaint();
    resolveComplaint(profile, { complaintId: 'k1' }, '2026-11-01T12:00:00.000Z');
    const h = sendHarness({ profile });

    // Act
    const result = await decideSend(h.deps, sendRequest());

    // Assess
    expect(result.reason).toBe('sent');
  });

  it('goes when settings say complaints.pausePromotions: false', async () => {
    // Prepare
    const h = sendHarness({ profile: withOpenComplaint() });
    h.deps.settings = { ...h.deps.settings, complaints: { pausePromotions: false } };

    // Act
    const result = await decideSend(h.deps, sendRequest());

    // Assess
    expect(result.reason).toBe('sent');
  });
});

describe('a transactional send to a customer with an open complaint', () => {
  it('still goes', async () => {
    // Prepare
    const h = sendHarness({ profile: withOpenComplaint() });

    // Act
    const result = await decideSend(h.deps, sendRequest({ transactional: true }));

    // Assess
    expect(result.reason).toBe('sent');
    expect(h.email.sent.length).toBe(1);
  });
});
