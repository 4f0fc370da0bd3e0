import { describe, expect, it } from 'vitest';
import { ABANDONED_CLAIM_MS, MAX_ATTEMPTS, RETRY_DELAYS_MS } from '../../../shared/channels/at-least-once.js';
import { decideSend } from '../../../shared/channels/decide-send.js';
import { ProviderError } from '../../../shared/channels/provider-error.js';
import { reconcileStaleClaims } from '../../../shared/channels/reconcile-claims.js';
import { releaseDeferredSends } from '../../../shared/channels/release-deferred.js';
import { TemplateSet } from '../../../shared/channels/render.js';
import type { SendRequest } from '../../../shared/channels/send-request.js';
import { consentingProfile, NOON, sendHarness, sendRequest, TEMPLATES } from './send-harness.js';

const VIP_BODY =
  '{ "event": "vip_order", "customer": {{ profile.id }}, "name": {{ profile.name.first }}, "plan": {{ profile.traits.plan | default: "none" }}, "code": {{ vars.code }} }';

function webhookHarness(options: NonNullable<Parameters<typeof sendHarness>[0]> = {}) {
  const harness = sendHarness(options);
  harness.deps.templates = new TemplateSet({ ...TEMPLATES, 'vip/webhook.json.liquid': VIP_BODY });
  harness.deps.settings = {
    ...harness.deps.settings,
    webhooks: { crm: { url: 'https://crm.example.com/hooks/sadakat', secret: { env: 'CRM_SECRET' } } },
  };
  const request = sendRequest({ channel: 'webhook', endpoint: 'crm', template: 'vip', vars: { code: 'VIP10' } });
  return { ...harness, request };
}

/** What release-deferred does at `at`: every deferral due then goes back to the send handler. */
async function releaseAt(harness: ReturnType<typeof webhookHarness>, at: Date): Promise<SendRequest[]> {
  harness.clock.set(at);
  const released: SendRequest[] = [];
  await releaseDeferredSends(
    {
      due: harness.deps.due,
      sends: { enqueue: async (requests) => void released.push(...requests) },
      clock: harness.clock,
    },
    at,
  );
  return released;
}

describe('webhook sends', () => {
  it('post the rendered JSON once with the ledger id as webhook-id, without consent, and settle sent', async () => {
    // Prepare
    const profile = consentingProfile();
    profile.consent = {};
    const harness = webhookHarness({ profile });

    // Act
    const result = await decideSend(harness.deps, harness.request);

    // Assess
    expect(result).toMatchObject({ reason: 'sent', channel: 'webhook' });
    expect(harness.webhook.posts).toHaveLength(1);
    const [post] = harness.webhook.posts;
    expect(post?.webhookId).toBe(harness.request.messageId);
    expect(post?.url).toBe('https://crm.example.com/hooks/sadakat');
    expect(JSON.parse(post?.body ?? '')).toEqual({
      event: 'vip_order',
      customer: 'c1',
      name: 'Ayşe',
      plan: 'none',
      code: 'VIP10',
    });
    expect((await harness.ledger.find('c1', harness.request.messageId))?.status).toBe('sent');
    expect(harness.due.items.size).toBe(0);
  });

  it('keep a hostile trait inside its JSON string', async () => {
    // Prepare
    const profile = consentingProfile();
    profile.name.first = 'x", "admin": true, "y": "';
    profile.traits.plan = '}{"plan": "gold"}\n\t\u2028';
    const harness = webhookHarness({ profile });

    // Act
    await decideSend(harness.deps, harness.request);

    // Assess
    const body = JSON.parse(harness.webhook.posts[0]?.body ?? '');
    expect(Object.keys(body)).toEqual(['event', 'customer', 'name', 'plan', 'code']);
    expect(body.name).toBe(profile.name.first);
    expect(body.plan).toBe(profile.traits.plan);
  });

  it('are refused for a customer without a profile (forgotten), and post nothing', async () => {
    const harness = webhookHarness({ profile: null });

    const result = await decideSend(harness.deps, harness.request);

    expect(result).toMatchObject({ reason: 'unreachable', channel: 'webhook' });
    expect(harness.webhook.posts).toHaveLength(0);
  });

  it('ignore the campaign quiet hours and caps, but keep the endpoint own', async () => {
    // Prepare: 23:00 in Istanbul, inside the campaign's 21:00–09:00
    const night = new Date('2026-11-02T20:00:00Z');
    const harness = webhookHarness();
    harness.clock.set(night);

    // Act
    const open = await decideSend(harness.deps, harness.request);
    const limited = webhookHarness();
    limited.clock.set(night);
    limited.deps.settings = {
      ...limited.deps.settings,
      webhooks: {
        crm: {
          url: 'https://crm.example.com/hooks/sadakat',
          secret: { env: 'CRM_SECRET' },
          quietHours: { start: '22:00', end: '08:00' },
        },
      },
    };
    const quiet = await decideSend(limited.deps, limited.request);

    // Assess
    expect(open.reason).toBe('sent');
    expect(quiet).toMatchObject({ reason: 'deferred', cause: 'quiet_hours' });
    // 08:00 at the endpoint (05:00 UTC), spread over the default 30 minutes per customer (decision 177).
    const wakeAt = quiet.reason === 'deferred' ? Date.parse(quiet.wakeAt ?? '') : Number.NaN;
    expect(wakeAt).toBeGreaterThanOrEqual(Date.parse('2026-11-03T05:00:00.000Z'));
    expect(wakeAt).toBeLessThan(Date.parse('2026-11-03T05:30:00.000Z'));
  });

  it('count toward the endpoint limit only, not the customer all-channel cap', async () => {
    const harness = webhookHarness();
    harness.deps.settings = {
      ...harness.deps.settings,
      webhooks: {
        crm: { url: 'https://crm.example.com/h', secret: { env: 'CRM_SECRET' }, limits: { perDay: 1 } },
      },
    };
    const second = sendRequest({
      channel: 'webhook',
      endpoint: 'crm',
      template: 'vip',
      vars: { code: 'A' },
      stepId: 's2',
      messageId: 'b'.repeat(64),
    });

    const first = await decideSend(harness.deps, harness.request);
    const capped = await decideSend(harness.deps, second);

    expect(first.reason).toBe('sent');
    expect(capped).toMatchObject({ reason: 'frequency_cap', detail: 'webhook perDay 1' });
    expect([...harness.caps.counters.keys()].map((key) => key.split('\u0000')[1])).toEqual([
      `webhook#${Math.floor(NOON.getTime() / 86_400_000)}`,
    ]);
  });

  it('are failed before any call when the endpoint is not in settings', async () => {
    const harness = webhookHarness();
    const result = await decideSend(harness.deps, { ...harness.request, endpoint: 'gone' });
    expect(result).toMatchObject({ reason: 'failed', detail: 'settings.webhooks has no endpoint "gone"' });
    expect(harness.webhook.posts).toHaveLength(0);
  });
});

describe('webhook delivery is at least once', () => {
  it('tries again after a 5xx through the due index, with the same webhook-id, and never after the 2xx', async () => {
    // Prepare
    const harness = webhookHarness();
    harness.webhook.answers = [new ProviderError('unknown', 'HTTP 503')];

    // Act
    const first = await decideSend(harness.deps, harness.request);
    const afterFailure = await harness.ledger.find('c1', harness.request.messageId);
    const early = await releaseAt(harness, new Date(NOON.getTime() + (RETRY_DELAYS_MS[0] ?? 0) - 1000));
    const released = await releaseAt(harness, new Date(NOON.getTime() + (RETRY_DELAYS_MS[0] ?? 0)));
    const second = await decideSend(harness.deps, released[0] as SendRequest);
    const again = await decideSend(harness.deps, released[0] as SendRequest);

    // Assess
    expect(first).toMatchObject({ reason: 'deferred', cause: 'retry', detail: 'HTTP 503 on attempt 1' });
    expect(afterFailure).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(early).toHaveLength(0);
    expect(released).toHaveLength(1);
    expect(second.reason).toBe('sent');
    expect(again).toMatchObject({ reason: 'duplicate', detail: 'ledger says sent' });
    expect(harness.webhook.posts.map((post) => post.webhookId)).toEqual([
      harness.request.messageId,
      harness.request.messageId,
    ]);
    expect(await harness.ledger.find('c1', harness.request.messageId)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(harness.due.items.size).toBe(0);
  });

  it('is failed, not retried, when the receiver refuses with a 4xx', async () => {
    const harness = webhookHarness();
    harness.webhook.answers = [new ProviderError('permanent', 'HTTP 400')];

    const result = await decideSend(harness.deps, harness.request);

    expect(result).toMatchObject({ reason: 'failed', detail: 'HTTP 400' });
    expect(harness.due.items.size).toBe(0);
    expect((await harness.ledger.find('c1', harness.request.messageId))?.status).toBe('failed');
  });

  it('sends again after a crash between the call and the ledger, once the lease is due', async () => {
    // Prepare: the ledger write after the answer fails (the process died there)
    const harness = webhookHarness();
    const settle = harness.deps.ledger.settle.bind(harness.deps.ledger);
    let crashes = 1;
    harness.deps.ledger.settle = async (...args) => {
      if (crashes-- > 0) throw new Error('crashed');
      return settle(...args);
    };

    // Act
    await expect(decideSend(harness.deps, harness.request)).rejects.toThrow('crashed');
    // The queue's own redelivery soon after: the attempt may still be under way, so it waits for the lease.
    harness.clock.set(new Date(NOON.getTime() + 30_000));
    const redelivered = await decideSend(harness.deps, harness.request);
    const reconciled = await reconcileStaleClaims(
      { ledger: harness.deps.ledger, stats: harness.deps.stats, clock: harness.clock },
      ABANDONED_CLAIM_MS,
    );
    const released = await releaseAt(harness, new Date(NOON.getTime() + (RETRY_DELAYS_MS[0] ?? 0)));
    const retried = await decideSend(harness.deps, released[0] as SendRequest);

    // Assess
    expect(redelivered).toMatchObject({ reason: 'duplicate', detail: 'ledger says claimed' });
    expect(reconciled.markedUnknown).toBe(0);
    expect(retried.reason).toBe('sent');
    expect(harness.webhook.posts).toHaveLength(2);
    expect(new Set(harness.webhook.posts.map((post) => post.webhookId))).toEqual(new Set([harness.request.messageId]));
  });

  it('gives up as failed after the last attempt', async () => {
    const harness = webhookHarness();
    harness.webhook.answers = Array.from({ length: MAX_ATTEMPTS }, () => new ProviderError('unknown', 'Timeout'));

    let result = await decideSend(harness.deps, harness.request);
    let at = NOON.getTime();
    for (const delay of RETRY_DELAYS_MS) {
      at += delay;
      const [released] = await releaseAt(harness, new Date(at));
      result = await decideSend(harness.deps, released as SendRequest);
    }

    expect(harness.webhook.posts).toHaveLength(MAX_ATTEMPTS);
    expect(result).toMatchObject({ reason: 'failed', detail: `Timeout: given up after ${MAX_ATTEMPTS} attempts` });
    expect(harness.due.items.size).toBe(0);
  });
});
