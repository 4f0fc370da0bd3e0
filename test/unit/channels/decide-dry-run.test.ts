import { describe, expect, it } from 'vitest';
import { spreadOffsetMs } from '../../../shared/spread.js';
import { decide, decideSend } from '../../../shared/channels/decide-send.js';
import { consentingProfile, sendHarness, sendRequest } from './send-harness.js';

const NIGHT = new Date('2026-11-02T20:00:00Z'); // 23:00 in Istanbul

describe('decide: the decision without acting on it (a dry run)', () => {
  it('says what would go out, and to which channel, without claiming, sending, deferring or counting', async () => {
    // Prepare
    const h = sendHarness();
    const request = sendRequest();
    // Act
    const decision = await decide(h.deps, request);
    // Assess
    expect(decision).toMatchObject({ kind: 'send', channel: 'email', content: { channel: 'email' } });
    expect(await h.ledger.find('c1', request.messageId)).toBeUndefined();
    expect(h.email.sent).toHaveLength(0);
    expect(h.stats.metrics()).toEqual([]);
  });

  it('reports a quiet-hours deferral without writing the due item', async () => {
    const h = sendHarness({ at: NIGHT });
    const decision = await decide(h.deps, sendRequest());
    expect(decision).toEqual({
      kind: 'defer',
      channel: 'email',
      // 09:00 in Istanbul, plus c1's offset within the 30-minute spread (decision 177)
      wakeAt: new Date(Date.parse('2026-11-03T06:00:00.000Z') + spreadOffsetMs('c1', 30)).toISOString(),
      cause: 'quiet_hours',
    });
    expect(h.due.items.size).toBe(0);
    await decideSend(h.deps, sendRequest());
    expect(h.due.items.size).toBe(1);
  });

  it('reports the fallback channel it would use and the refusal of a customer who allows none', async () => {
    const smsOnly = consentingProfile();
    smsOnly.consent = { sms: smsOnly.consent.sms };
    const h = sendHarness({ profile: smsOnly });
    expect(await decide(h.deps, sendRequest({ fallback: ['sms'] }))).toMatchObject({ kind: 'send', channel: 'sms' });
    expect(await decide(h.deps, sendRequest())).toEqual({ kind: 'refuse', reason: 'no_consent', channel: 'email' });
  });
});
