/** The `call` channel (issue 22): a call task through the same send decision as every other message. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALL_DUE_HOURS, callClientToken, fitToLimit } from '../../../shared/channels/call-task.js';
import { decideSend } from '../../../shared/channels/decide-send.js';
import { utcDayNumber } from '../../../shared/channels/guards/frequency-cap.js';
import { ProviderError } from '../../../shared/channels/provider-error.js';
import { openComplaint } from '../../../shared/profiles/complaints.js';
import { consentingProfile, NOON, sendHarness, sendRequest } from './send-harness.js';

const NIGHT = new Date('2026-11-02T20:00:00Z');
const callRequest = (overrides = {}) =>
  sendRequest({ channel: 'call', call: { queue: 'win-back', priority: 'high' }, ...overrides });
const withCallCap = (h: ReturnType<typeof sendHarness>) => {
  h.deps.settings = { ...h.deps.settings, frequencyCaps: { call: { perDay: 1, perWeek: 1 } } };
};

describe('the call channel', () => {
  it('creates one task for an agent: E.164 phone, queue, priority, rendered script, due time, the message id as token', async () => {
    // Prepare
    const h = sendHarness();
    const request = callRequest({ vars: { code: 'GERIDON15' } });
    // Act
    const result = await decideSend(h.deps, request);
    // Assess
    expect(result).toMatchObject({ reason: 'sent', channel: 'call' });
    expect(h.calls.created).toEqual([
      {
        clientToken: callClientToken('c1', request.messageId),
        customerId: 'c1',
        phone: '+905551112233',
        name: 'Ayşe',
        queue: 'win-back',
        priority: 'high',
        reason: 'welcome-journey/s1',
        script: 'Call Ayşe about code GERIDON15.',
        createdAt: NOON.toISOString(),
        dueAt: new Date(NOON.getTime() + CALL_DUE_HOURS.high * 3_600_000).toISOString(),
        tags: expect.objectContaining({ messageId: request.messageId, journeyId: 'welcome-journey' }),
      },
    ]);
    expect((await h.ledger.find('c1', request.messageId))?.status).toBe('sent');
  });

  it('answers the first refusal in DESIGN order for a call as for email: ledger, holdout, open complaint, consent call, script variables, quiet hours, the call cap', async () => {
    const ORDER = [
      'duplicate',
      'holdout',
      'open_complaint',
      'no_consent',
      'unreachable',
      'missing_variable',
      'deferred',
      'frequency_cap',
    ] as const;
    await fc.assert(
      fc.asyncProperty(fc.subarray([...ORDER]), async (conditions) => {
        // Prepare: every chosen condition holds at once
        const holds = new Set<string>(conditions);
        const profile = consentingProfile();
        if (holds.has('open_complaint'))
          openComplaint(profile, { complaintId: 'k1', category: 'delivery' }, '2026-11-01T10:00:00.000Z');
        if (holds.has('no_consent')) profile.consent.call = { granted: false, at: '2026-10-02T00:00:00Z' };
        if (holds.has('unreachable')) profile.channels.phoneWrongAt = '2026-10-20T10:00:00.000Z';
        if (holds.has('missing_variable')) delete profile.name.first;
        const at = holds.has('deferred') ? NIGHT : NOON;
        const h = sendHarness({ profile, at });
        withCallCap(h);
        const request = callRequest({ holdout: holds.has('holdout') });
        if (holds.has('duplicate')) await h.ledger.claim({ ...request, channel: 'call', claimedAt: at.toISOString() });
        if (holds.has('frequency_cap')) h.caps.set('c1', 'call', utcDayNumber(at), 1);
        // Act
        const result = await decideSend(h.deps, request);
        // Assess
        const expected = ORDER.find((condition) => holds.has(condition)) ?? 'sent';
        expect(result.reason).toBe(expected);
        expect(h.calls.created.length).toBe(expected === 'sent' ? 1 : 0);
        expect(h.stats.metrics()).toEqual([expected]);
      }),
      { numRuns: 100 },
    );
  });

  it('never calls without call consent, even with SMS consent for the same number', async () => {
    const profile = consentingProfile();
    delete profile.consent.call;
    const h = sendHarness({ profile });
    const result = await decideSend(h.deps, callRequest());
    expect(result).toMatchObject({ reason: 'no_consent', channel: 'call' });
    expect(h.calls.calls).toBe(0);
  });

  it('finds a number an agent reported wrong unreachable, for calls and for SMS', async () => {
    const profile = consentingProfile();
    profile.channels.phoneWrongAt = '2026-10-20T10:00:00.000Z';
    const h = sendHarness({ profile });
    expect(await decideSend(h.deps, callRequest())).toMatchObject({ reason: 'unreachable', channel: 'call' });
    expect(await decideSend(h.deps, sendRequest({ channel: 'sms', stepId: 's2' }))).toMatchObject({
      reason: 'unreachable',
      channel: 'sms',
    });
  });

  it('defers a throttled or quota-full task and creates it once when retried with the same token', async () => {
    // Prepare: the provider says "not now" once
    const h = sendHarness();
    h.calls.fault = () => new ProviderError('throttled', 'ServiceQuotaExceededException');
    const request = callRequest();
    // Act
    const first = await decideSend(h.deps, request);
    h.calls.fault = undefined;
    const retry = await decideSend(h.deps, request);
    const again = await decideSend(h.deps, request);
    // Assess
    expect(first).toMatchObject({ reason: 'deferred', cause: 'throttled' });
    expect(retry.reason).toBe('sent');
    expect(again.reason).toBe('duplicate');
    expect(h.calls.created.map((task) => task.clientToken)).toEqual([callClientToken('c1', request.messageId)]);
  });

  it('counts a call against the call cap (and the all-channel cap), not the email one', async () => {
    const h = sendHarness();
    withCallCap(h);
    await decideSend(h.deps, callRequest());
    const second = await decideSend(h.deps, callRequest({ stepId: 's2', messageId: 'f'.repeat(64) }));
    expect(second).toMatchObject({ reason: 'frequency_cap', detail: 'call perDay 1' });
    const email = await decideSend(h.deps, sendRequest({ stepId: 's3', messageId: 'e'.repeat(64) }));
    expect(email.reason).toBe('sent');
  });
});

describe('fitToLimit', () => {
  it('keeps any text within the limit, unchanged when it fits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 2, max: 200 }), (text, limit) => {
        const fitted = fitToLimit(text, limit);
        expect(fitted.length).toBeLessThanOrEqual(limit);
        if (text.length <= limit) expect(fitted).toBe(text);
        else expect(fitted.endsWith('…')).toBe(true);
      }),
    );
  });
});
