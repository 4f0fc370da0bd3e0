import { describe, expect, it } from 'vitest';
import { spreadOffsetMs } from '../../../shared/spread.js';
import { decideSend } from '../../../shared/channels/decide-send.js';
import { utcDayNumber } from '../../../shared/channels/guards/frequency-cap.js';
import { ProviderError } from '../../../shared/channels/provider-error.js';
import { InProcessSendRateLimiter } from '../../../shared/local/local-send-rate.js';
import { consentingProfile, NOON, sendHarness, sendRequest } from './send-harness.js';

const NIGHT = new Date('2026-11-02T20:00:00Z'); // 23:00 in Istanbul

describe('decideSend: the happy path', () => {
  it('sends an email, marks the ledger sent and adds to the channel and all-channel counters', async () => {
    // Prepare
    const h = sendHarness();
    const request = sendRequest();
    // Act
    const result = await decideSend(h.deps, request);
    // Assess
    expect(result).toEqual({ kind: 'done', reason: 'sent', channel: 'email', providerMessageId: expect.any(String) });
    expect(h.email.sent).toHaveLength(1);
    expect((await h.ledger.find('c1', request.messageId))?.status).toBe('sent');
    const counts = await h.caps.counts('c1', ['email', 'all'], [utcDayNumber(NOON)]);
    expect([...counts.values()]).toEqual([1, 1]);
    expect(h.stats.metrics()).toEqual(['sent']);
  });

  it('records the outcome with journey, step, variant and channel for the report', async () => {
    const h = sendHarness();
    await decideSend(h.deps, sendRequest({ variant: 'discount10' }));
    expect(h.stats.increments).toEqual([
      { journeyId: 'welcome-journey', stepId: 's1', variant: 'discount10', channel: 'email', metric: 'sent' },
    ]);
  });
});

describe('decideSend: 1 duplicate', () => {
  it.each(['claimed', 'sent', 'failed', 'unknown'] as const)(
    'skips a message whose ledger entry is %s',
    async (status) => {
      // Prepare
      const h = sendHarness();
      const request = sendRequest();
      await h.ledger.claim({
        customerId: 'c1',
        messageId: request.messageId,
        channel: 'email',
        journeyId: 'j',
        runId: 'r1',
        stepId: 's1',
        claimedAt: NOON.toISOString(),
      });
      if (status !== 'claimed') await h.ledger.settle('c1', request.messageId, status, NOON.toISOString());
      // Act
      const result = await decideSend(h.deps, request);
      // Assess
      expect(result).toMatchObject({ reason: 'duplicate' });
      expect(h.email.sent).toHaveLength(0);
      expect(h.stats.metrics()).toEqual(['duplicate']);
    },
  );

  it('does not send twice when the same message is delivered twice', async () => {
    const h = sendHarness();
    const request = sendRequest();
    const first = await decideSend(h.deps, request);
    const second = await decideSend(h.deps, request);
    expect([first, second].map((r) => r.kind === 'done' && r.reason)).toEqual(['sent', 'duplicate']);
    expect(h.email.sent).toHaveLength(1);
  });

  it('is checked before holdout', async () => {
    const h = sendHarness();
    const request = sendRequest({ holdout: true });
    await h.ledger.claim({
      customerId: 'c1',
      messageId: request.messageId,
      channel: 'email',
      journeyId: 'j',
      runId: 'r1',
      stepId: 's1',
      claimedAt: NOON.toISOString(),
    });
    expect(await decideSend(h.deps, request)).toMatchObject({ reason: 'duplicate' });
  });
});

describe('decideSend: 2 holdout', () => {
  it('skips a holdout run even for a customer without consent, and claims nothing', async () => {
    const profile = consentingProfile();
    profile.consent = {};
    const h = sendHarness({ profile });
    const request = sendRequest({ holdout: true });
    expect(await decideSend(h.deps, request)).toMatchObject({ reason: 'holdout' });
    expect(await h.ledger.find('c1', request.messageId)).toBeUndefined();
  });
});

describe('decideSend: 3 consent and reachability', () => {
  it('refuses without consent for the channel', async () => {
    const profile = consentingProfile();
    delete profile.consent.email;
    const h = sendHarness({ profile });
    expect(await decideSend(h.deps, sendRequest())).toMatchObject({ reason: 'no_consent', channel: 'email' });
    expect(h.email.sent).toHaveLength(0);
  });

  it('refuses when consent was revoked', async () => {
    const profile = consentingProfile();
    profile.consent.email = { granted: false, at: '2026-10-05T00:00:00Z' };
    const h = sendHarness({ profile });
    expect(await decideSend(h.deps, sendRequest())).toMatchObject({ reason: 'no_consent' });
  });

  it('refuses a customer without a profile as no_consent', async () => {
    const h = sendHarness({ profile: null });
    expect(await decideSend(h.deps, sendRequest())).toMatchObject({ reason: 'no_consent' });
  });

  it('refuses as unreachable with consent but no address', async () => {
    const profile = consentingProfile();
    delete profile.channels.phone;
    const h = sendHarness({ profile });
    expect(await decideSend(h.deps, sendRequest({ channel: 'sms' }))).toMatchObject({
      reason: 'unreachable',
      channel: 'sms',
    });
  });

  it('falls back to the next channel when the first has no consent', async () => {
    const profile = consentingProfile();
    delete profile.consent.email;
    const h = sendHarness({ profile });
    const result = await decideSend(h.deps, sendRequest({ fallback: ['sms'] }));
    expect(result).toMatchObject({ reason: 'sent', channel: 'sms' });
    expect(h.sms.sent.map((sms) => sms.body)).toEqual(['Merhaba Ayşe! Kod: YOK']);
    expect(h.email.sent).toHaveLength(0);
  });

  it('reports the requested channel’s reason when no fallback works either', async () => {
    const profile = consentingProfile();
    delete profile.consent.email;
    delete profile.channels.phone;
    const h = sendHarness({ profile });
    expect(await decideSend(h.deps, sendRequest({ fallback: ['sms'] }))).toMatchObject({
      reason: 'no_consent',
      channel: 'email',
    });
  });
});

describe('decideSend: 4 suppression', () => {
  it('refuses a customer whose email bounced (profile flag)', async () => {
    const profile = consentingProfile();
    profile.suppressed.email = true;
    const h = sendHarness({ profile });
    expect(await decideSend(h.deps, sendRequest())).toMatchObject({ reason: 'suppressed' });
    expect(h.email.sent).toHaveLength(0);
  });

  it('refuses an address on the suppression list, whatever its case', async () => {
    const h = sendHarness();
    await h.suppression.suppress('AYSE@example.com', 'complaint', NOON.toISOString());
    expect(await decideSend(h.deps, sendRequest())).toMatchObject({ reason: 'suppressed' });
  });

  it('refuses push when every endpoint is disabled', async () => {
    const profile = consentingProfile();
    profile.channels.push = profile.channels.push.map((device) => ({ ...device, enabled: false }));
    const h = sendHarness({ profile });
    expect(await decideSend(h.deps, sendRequest({ channel: 'push' }))).toMatchObject({
      reason: 'suppressed',
      channel: 'push',
    });
  });

  it('does not fall back to another channel when the first is suppressed', async () => {
    const profile = consentingProfile();
    profile.suppressed.email = true;
    const h = sendHarness({ profile });
    expect(await decideSend(h.deps, sendRequest({ fallback: ['sms'] }))).toMatchObject({
      reason: 'suppressed',
      channel: 'email',
    });
    expect(h.sms.sent).toHaveLength(0);
  });

  it('is checked before rendering', async () => {
    const profile = consentingProfile();
    profile.suppressed.email = true;
    delete profile.name.first;
    const h = sendHarness({ profile });
    expect(await decideSend(h.deps, sendRequest())).toMatchObject({ reason: 'suppressed' });
  });
});

describe('decideSend: 5 render', () => {
  it('refuses as missing_variable instead of sending "Hello ,"', async () => {
    const profile = consentingProfile();
    delete profile.name.first;
    const h = sendHarness({ profile });
    expect(await decideSend(h.deps, sendRequest())).toMatchObject({
      reason: 'missing_variable',
      detail: 'profile.name.first',
    });
    expect(h.email.sent).toHaveLength(0);
  });

  it('is checked before quiet hours (nothing is deferred that could never render)', async () => {
    const profile = consentingProfile();
    delete profile.name.first;
    const h = sendHarness({ profile, at: NIGHT });
    expect(await decideSend(h.deps, sendRequest())).toMatchObject({ reason: 'missing_variable' });
    expect(h.due.items.size).toBe(0);
  });

  it('counts a template without the channel’s files as failed without calling the provider', async () => {
    const h = sendHarness();
    expect(await decideSend(h.deps, sendRequest({ template: 'nope' }))).toMatchObject({ reason: 'failed' });
    expect(await h.ledger.find('c1', sendRequest().messageId)).toBeUndefined();
  });
});

describe('decideSend: 6 quiet hours', () => {
  it('defers to 09:00 in the customer’s timezone, at the customer’s offset within the 30-minute spread', async () => {
    const h = sendHarness({ at: NIGHT });
    const request = sendRequest();
    const result = await decideSend(h.deps, request);
    const wakeAt = new Date(Date.parse('2026-11-03T06:00:00.000Z') + spreadOffsetMs('c1', 30)).toISOString();
    expect(result).toMatchObject({ reason: 'deferred', wakeAt });
    expect([...h.due.items.values()]).toEqual([{ request, wakeAt, version: 1 }]);
    expect(await h.ledger.find('c1', request.messageId)).toBeUndefined();
  });

  it('spreads the morning over `spreadMinutes`, each customer at a fixed offset, and not at all with 0', async () => {
    // Prepare: 200 customers deferred at 23:00 Istanbul time
    const ids = Array.from({ length: 200 }, (_, index) => `spread-${index}`);
    const wakes = async (spreadMinutes: number) => {
      const h = sendHarness({ at: NIGHT });
      h.deps.settings = { ...h.deps.settings, spreadMinutes };
      for (const id of ids) h.profiles.items.set(id, { ...consentingProfile(id) });
      return Promise.all(
        ids.map(async (id) => Date.parse((await decideSend(h.deps, sendRequest({ customerId: id }))).wakeAt ?? '')),
      );
    };

    // Act
    const spread = await wakes(30);
    const again = await wakes(30);
    const none = await wakes(0);

    // Assess: within [09:00, 09:30), the same each time, about evenly (every 5-minute bucket used)
    const nine = Date.parse('2026-11-03T06:00:00.000Z');
    expect(spread.every((at) => at >= nine && at < nine + 30 * 60_000)).toBe(true);
    expect(again).toEqual(spread);
    expect(new Set(spread.map((at) => Math.floor((at - nine) / 300_000))).size).toBe(6);
    expect(none.every((at) => at === nine)).toBe(true);
  });

  it('uses the journey’s quiet hours over the settings', async () => {
    const h = sendHarness({ at: NIGHT });
    h.deps.journeyPolicy = () => ({ quietHours: { start: '02:00', end: '05:00' } });
    expect(await decideSend(h.deps, sendRequest())).toMatchObject({ reason: 'sent' });
  });

  it('is checked before frequency caps', async () => {
    const h = sendHarness({ at: NIGHT });
    h.caps.set('c1', 'email', utcDayNumber(NIGHT), 5);
    expect(await decideSend(h.deps, sendRequest())).toMatchObject({ reason: 'deferred' });
  });
});

describe('decideSend: 7 frequency caps', () => {
  it('refuses a second marketing email the same day', async () => {
    const h = sendHarness();
    await decideSend(h.deps, sendRequest());
    const second = sendRequest({ stepId: 's2', messageId: 'a'.repeat(64) });
    expect(await decideSend(h.deps, second)).toMatchObject({ reason: 'frequency_cap', detail: 'email perDay 1' });
    expect(h.email.sent).toHaveLength(1);
  });

  it('lets transactional messages through and does not count them', async () => {
    const h = sendHarness();
    h.caps.set('c1', 'email', utcDayNumber(NOON), 1);
    expect(await decideSend(h.deps, sendRequest({ transactional: true }))).toMatchObject({ reason: 'sent' });
    expect(await h.caps.counts('c1', ['email'], [utcDayNumber(NOON)])).toEqual(
      new Map([[`email#${utcDayNumber(NOON)}`, 1]]),
    );
  });

  it('applies a journey’s own limit and counts its sends', async () => {
    const h = sendHarness();
    h.deps.journeyPolicy = () => ({ limits: { perWeek: 1 } });
    h.caps.set('c1', 'journey:welcome-journey', utcDayNumber(NOON) - 3, 1);
    expect(await decideSend(h.deps, sendRequest())).toMatchObject({
      reason: 'frequency_cap',
      detail: 'journey:welcome-journey perWeek 1',
    });
  });
});

describe('decideSend: 8 claim and provider', () => {
  it('releases the claim on throttling, defers the request through `due`, and sends it once released', async () => {
    // Prepare
    const h = sendHarness();
    const request = sendRequest();
    h.email.fault = () => new ProviderError('throttled', 'Throttling');

    // Act
    const first = await decideSend(h.deps, request);
    const [deferred] = [...h.due.items.values()];
    const claimAfterThrottle = await h.ledger.find('c1', request.messageId);
    h.email.fault = undefined;
    const second = await decideSend(h.deps, { ...deferred!.request, deferredUntil: deferred!.wakeAt });

    // Assess
    expect(first).toMatchObject({ kind: 'done', reason: 'deferred', cause: 'throttled', detail: 'Throttling' });
    expect(deferred?.wakeAt).toBe(first.wakeAt);
    // No account rate: back within 1–61 s, spread by message id.
    const wait = Date.parse(first.wakeAt!) - NOON.getTime();
    expect(wait).toBeGreaterThanOrEqual(1000);
    expect(wait).toBeLessThan(61_000);
    expect(claimAfterThrottle).toBeUndefined();
    expect(second).toMatchObject({ reason: 'sent' });
    expect(h.email.sent).toHaveLength(1);
    expect(h.stats.metrics()).toEqual(['deferred', 'sent']);
  });

  it('marks a permanent refusal failed and never tries again', async () => {
    const h = sendHarness();
    const request = sendRequest();
    h.email.fault = () => new ProviderError('permanent', 'MessageRejected');
    expect(await decideSend(h.deps, request)).toMatchObject({ reason: 'failed', detail: 'MessageRejected' });
    expect((await h.ledger.find('c1', request.messageId))?.status).toBe('failed');
  });

  it('marks a 5xx unknown, adds nothing to the caps, and never resends it', async () => {
    const h = sendHarness();
    const request = sendRequest();
    h.email.fault = () => new ProviderError('unknown', 'InternalFailure');
    const first = await decideSend(h.deps, request);
    h.email.fault = undefined;
    const second = await decideSend(h.deps, request);
    expect(first).toMatchObject({ reason: 'unknown' });
    expect(second).toMatchObject({ reason: 'duplicate' });
    expect(h.email.sent).toHaveLength(0);
    expect(h.caps.counters.size).toBe(0);
  });

  it('treats an unclassified error as unknown (it may have gone out)', async () => {
    const h = sendHarness();
    h.email.fault = () => new TypeError('socket hang up');
    expect(await decideSend(h.deps, sendRequest())).toMatchObject({ reason: 'unknown', detail: 'TypeError' });
  });

  it('reports disabled push endpoints as device messages and sends to the rest', async () => {
    const profile = consentingProfile();
    const at = '2026-10-01T00:00:00Z';
    profile.channels.push.push({ token: 'tok-2', platform: 'android', endpoint: 'arn:dead', enabled: true, at });
    const h = sendHarness({ profile });
    h.push.disabled.add('arn:dead');
    expect(await decideSend(h.deps, sendRequest({ channel: 'push' }))).toMatchObject({
      reason: 'sent',
      channel: 'push',
    });
    expect(h.events.messages).toEqual([
      { kind: 'device', customerId: 'c1', endpoint: 'arn:dead', enabled: false, at: NOON.toISOString() },
    ]);
  });

  it('marks push failed when every endpoint turns out disabled', async () => {
    const h = sendHarness();
    h.push.disabled.add('arn:aws:sns:eu-west-1:1:endpoint/APNS/app/1');
    expect(await decideSend(h.deps, sendRequest({ channel: 'push' }))).toMatchObject({
      reason: 'failed',
      detail: 'EndpointDisabled',
    });
    expect(h.events.messages).toHaveLength(1);
  });

  it('tags the email with the ids feedback needs', async () => {
    const h = sendHarness();
    const request = sendRequest({ variant: 'a' });
    await decideSend(h.deps, request);
    expect(h.email.sent[0]?.tags).toEqual({
      customerId: 'c1',
      messageId: request.messageId,
      journeyId: 'welcome-journey',
      runId: 'r1',
      stepId: 's1',
      variant: 'a',
    });
  });
});

describe('decideSend: configuration', () => {
  it('counts an email as failed, unclaimed and never sent, when settings have no from address', async () => {
    // Prepare
    const h = sendHarness();
    const request = sendRequest();
    const deps = {
      ...h.deps,
      settings: { ...h.deps.settings, sender: { ...h.deps.settings.sender, fromAddress: undefined } },
    };

    // Act
    const result = await decideSend(deps, request);

    // Assess
    expect(result).toMatchObject({ reason: 'failed', channel: 'email' });
    expect(h.email.sent).toHaveLength(0);
    expect(await h.ledger.find('c1', request.messageId)).toBeUndefined();
  });
});

describe('decideSend: a journey’s messagesPerSecond and the account’s send rate', () => {
  // Transactional, so frequency caps (checked before the rates) stay out of the way.
  const first = sendRequest({ transactional: true });
  const second = sendRequest({ transactional: true, stepId: 's2', messageId: 'b'.repeat(64) });

  it('sends within the journey’s rate, then defers the next send to its slot without claiming', async () => {
    // Prepare: a journey limited to one message per second
    const h = sendHarness();
    const deps = { ...h.deps, rate: new InProcessSendRateLimiter(), journeyPolicy: () => ({ messagesPerSecond: 1 }) };

    // Act
    const results = [await decideSend(deps, first), await decideSend(deps, second)];

    // Assess
    expect(results[0]).toMatchObject({ kind: 'done', reason: 'sent' });
    expect(results[1]).toMatchObject({
      reason: 'deferred',
      cause: 'rate_limited',
      wakeAt: new Date(NOON.getTime() + 1000).toISOString(),
      detail: 'journey welcome-journey at its 1 messages per second',
    });
    expect(h.email.sent).toHaveLength(1);
    expect(await h.ledger.find('c1', second.messageId)).toBeUndefined();
    expect(h.due.items.get(`c1\u0000${second.messageId}`)?.request.pacedAt).toBe(results[1]?.wakeAt);
  });

  it('holds every journey to the account’s `sending.email.messagesPerSecond`', async () => {
    // Prepare: two journeys without limits, an account rate of 2 per second
    const h = sendHarness();
    const deps = {
      ...h.deps,
      rate: new InProcessSendRateLimiter(),
      settings: { ...h.deps.settings, sending: { email: { messagesPerSecond: 2 } } },
    };
    const third = sendRequest({ transactional: true, journeyId: 'other', stepId: 's3', messageId: 'c'.repeat(64) });

    // Act
    const results = [await decideSend(deps, first), await decideSend(deps, second), await decideSend(deps, third)];

    // Assess
    expect(results.map((result) => result.cause ?? result.reason)).toEqual(['sent', 'sent', 'rate_limited']);
    expect(results[2]).toMatchObject({
      wakeAt: new Date(NOON.getTime() + 1000).toISOString(),
      detail: "the account's email rate of 2 per second",
    });
  });

  it('sends a released request on the slot it holds, without taking another', async () => {
    // Prepare: the account's cursor is a minute ahead (a backlog), the request holds the slot it was deferred to
    const h = sendHarness();
    const rate = new InProcessSendRateLimiter();
    await rate.reserve('account:email', 1 / 60, NOON);
    const deps = { ...h.deps, rate, settings: { ...h.deps.settings, sending: { email: { messagesPerSecond: 1 } } } };
    const held = { ...first, pacedAt: NOON.toISOString(), deferredUntil: NOON.toISOString() };

    // Act
    const result = await decideSend(deps, held);

    // Assess
    expect(result).toMatchObject({ reason: 'sent' });
    expect(await rate.reserve('account:email', 1, NOON)).toEqual(new Date(NOON.getTime() + 60_000));
  });

  it('sends a request holding only its journey slot on the account’s next slot, without taking another journey slot', async () => {
    // Prepare: a journey at 1/s whose cursor is a minute ahead, an account at 1/s also a minute ahead
    const h = sendHarness();
    const rate = new InProcessSendRateLimiter();
    await rate.reserve('journey:welcome-journey', 1 / 60, NOON);
    const deps = {
      ...h.deps,
      rate,
      journeyPolicy: () => ({ messagesPerSecond: 1 }),
      settings: { ...h.deps.settings, sending: { email: { messagesPerSecond: 1 } } },
    };
    await rate.reserve('account:email', 1 / 60, NOON);
    const held = { ...first, journeySlot: NOON.toISOString() };

    // Act
    const result = await decideSend(deps, held);

    // Assess: deferred to the account's slot, now holding both; the journey's cursor was not moved
    expect(result).toMatchObject({ cause: 'rate_limited', wakeAt: new Date(NOON.getTime() + 60_000).toISOString() });
    const waiting = h.due.items.get(`c1\u0000${first.messageId}`)?.request;
    expect([waiting?.pacedAt, waiting?.journeySlot]).toEqual([result.wakeAt, undefined]);
    expect(await rate.reserve('journey:welcome-journey', 1, NOON)).toEqual(new Date(NOON.getTime() + 60_000));
  });

  it('takes the fallback channel’s account slot when a held slot was for another channel', async () => {
    // Prepare: no email consent, so the request falls back to SMS; the SMS account cursor is a minute ahead
    const h = sendHarness();
    const profile = h.profiles.items.get('c1');
    if (profile) profile.consent.email = { granted: false, at: '2026-10-02T00:00:00Z' };
    const rate = new InProcessSendRateLimiter();
    await rate.reserve('account:sms', 1 / 60, NOON);
    const deps = { ...h.deps, rate, settings: { ...h.deps.settings, sending: { sms: { messagesPerSecond: 1 } } } };

    // Act
    const result = await decideSend(deps, { ...first, fallback: ['sms'], pacedAt: NOON.toISOString() });

    // Assess
    expect(result).toMatchObject({
      channel: 'sms',
      cause: 'rate_limited',
      wakeAt: new Date(NOON.getTime() + 60_000).toISOString(),
    });
  });

  it('defers a throttled send to the account’s next slot when an account rate is set', async () => {
    // Prepare
    const h = sendHarness();
    const rate = new InProcessSendRateLimiter();
    const deps = { ...h.deps, rate, settings: { ...h.deps.settings, sending: { email: { messagesPerSecond: 1 } } } };
    h.email.fault = () => new ProviderError('throttled', 'Throttling');

    // Act: the send takes the idle cursor's slot (now), SES throttles, the next slot is a second on
    const result = await decideSend(deps, first);

    // Assess
    expect(result).toMatchObject({ cause: 'throttled', wakeAt: new Date(NOON.getTime() + 1000).toISOString() });
    expect(h.due.items.get(`c1\u0000${first.messageId}`)?.request.pacedAt).toBe(result.wakeAt);
    expect(await h.ledger.find('c1', first.messageId)).toBeUndefined();
  });

  it('drops a held slot when quiet hours defer the request', async () => {
    // Prepare: 23:00 in Istanbul, a marketing send that held a slot
    const h = sendHarness();
    h.clock.set(new Date('2026-11-02T20:00:00Z'));
    const deps = { ...h.deps, settings: { ...h.deps.settings, quietHours: { start: '21:00', end: '09:00' } } };

    // Act
    const result = await decideSend(deps, sendRequest({ pacedAt: '2026-11-02T19:59:00.000Z' }));

    // Assess
    expect(result).toMatchObject({ reason: 'deferred', cause: 'quiet_hours' });
    expect([...h.due.items.values()][0]?.request.pacedAt).toBeUndefined();
  });
});
