import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideSend } from '../../../shared/channels/decide-send.js';
import { utcDayNumber } from '../../../shared/channels/guards/frequency-cap.js';
import { openComplaint } from '../../../shared/profiles/complaints.js';
import { consentingProfile, NOON, sendHarness, sendRequest } from './send-harness.js';

/** DESIGN "Send": the order in which refusals are decided; the first condition that holds wins. */
const ORDER = [
  'duplicate',
  'holdout',
  'open_complaint',
  'no_consent',
  'suppressed',
  'missing_variable',
  'deferred',
  'frequency_cap',
] as const;
type Condition = (typeof ORDER)[number];
const NIGHT = new Date('2026-11-02T20:00:00Z');
const at0 = '2026-11-01T10:00:00.000Z';

describe('the decision order', () => {
  it('answers the first refusal in DESIGN order whatever else also holds, and sends when none does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.subarray([...ORDER]), async (conditions) => {
        // Prepare: every chosen condition holds at once
        const holds = new Set<Condition>(conditions);
        const profile = consentingProfile();
        if (holds.has('open_complaint')) openComplaint(profile, { complaintId: 'k1', category: 'delivery' }, at0);
        if (holds.has('no_consent')) delete profile.consent.email;
        if (holds.has('suppressed')) profile.suppressed.email = true;
        if (holds.has('missing_variable')) delete profile.name.first;
        const at = holds.has('deferred') ? NIGHT : NOON;
        const h = sendHarness({ profile, at });
        const request = sendRequest({ holdout: holds.has('holdout') });
        if (holds.has('duplicate'))
          await h.ledger.claim({
            customerId: 'c1',
            messageId: request.messageId,
            channel: 'email',
            journeyId: 'j',
            runId: 'r1',
            stepId: 's1',
            claimedAt: at.toISOString(),
          });
        if (holds.has('frequency_cap')) h.caps.set('c1', 'email', utcDayNumber(at), 1);
        // Act
        const result = await decideSend(h.deps, request);
        // Assess
        const expected = ORDER.find((condition) => holds.has(condition)) ?? 'sent';
        expect(result.kind === 'done' && result.reason).toBe(expected);
        expect(h.email.sent.length).toBe(expected === 'sent' ? 1 : 0);
        expect(h.stats.metrics()).toEqual([expected]);
      }),
      { numRuns: 200 },
    );
  });
});
