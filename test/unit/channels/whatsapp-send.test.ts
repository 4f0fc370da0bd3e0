import { describe, expect, it } from 'vitest';
import { decideSend } from '../../../shared/channels/decide-send.js';
import { ProviderError } from '../../../shared/channels/provider-error.js';
import { templateSetOf } from '../../../shared/channels/load-templates.js';
import type { TemplateSources } from '../../../shared/channels/render.js';
import type { Profile } from '../../../shared/profiles/schema.js';
import { consentingProfile, NOON, sendHarness, sendRequest, TEMPLATES } from './send-harness.js';

const APPROVED = '---\nname: order_followup\nlanguage: tr\n---\n{{ profile.name.first }}\n{{ vars.code }}\n';
const TEXT = 'Merhaba {{ profile.name.first }}, kodun {{ vars.code }}';
const HOUR = 3_600_000;

function whatsappProfile(lastInboundAt?: string): Profile {
  const profile = consentingProfile();
  profile.consent.whatsapp = { granted: true, at: '2026-10-01T00:00:00Z' };
  if (lastInboundAt) profile.whatsapp = { lastInboundAt };
  return profile;
}

function whatsappHarness(profile: Profile | null, files: TemplateSources = {}) {
  const harness = sendHarness({ profile });
  harness.deps.templates = templateSetOf({ ...TEMPLATES, ...files });
  const request = sendRequest({ channel: 'whatsapp', template: 'offer', vars: { code: 'VIP10' } });
  return { ...harness, request };
}

const both = { 'offer/whatsapp.liquid': TEXT, 'offer/whatsapp.template.liquid': APPROVED };

describe('WhatsApp sends', () => {
  it('send free-form text to a customer who wrote within 24 hours', async () => {
    // Prepare
    const harness = whatsappHarness(whatsappProfile(new Date(NOON.getTime() - 23 * HOUR).toISOString()), both);

    // Act
    const result = await decideSend(harness.deps, harness.request);

    // Assess
    expect(result).toMatchObject({ reason: 'sent', channel: 'whatsapp', providerMessageId: 'wa-1' });
    const [sent] = harness.whatsapp.sent;
    expect(sent).toMatchObject({ to: '+905551112233', message: { kind: 'text', body: 'Merhaba Ayşe, kodun VIP10' } });
    expect(await harness.ledger.find('c1', harness.request.messageId)).toMatchObject({
      status: 'sent',
      providerMessageId: 'wa-1',
    });
  });

  it('send the approved template outside the window (or with no inbound message ever)', async () => {
    for (const last of [new Date(NOON.getTime() - 25 * HOUR).toISOString(), undefined]) {
      const harness = whatsappHarness(whatsappProfile(last), both);

      const result = await decideSend(harness.deps, harness.request);

      expect(result.reason).toBe('sent');
      const [sent] = harness.whatsapp.sent;
      expect(sent).toMatchObject({
        message: { kind: 'template', name: 'order_followup', language: 'tr', parameters: ['Ayşe', 'VIP10'] },
      });
    }
  });

  it('refuse a text-only step outside the window as unreachable, before any claim', async () => {
    const harness = whatsappHarness(whatsappProfile(), { 'offer/whatsapp.liquid': TEXT });

    const result = await decideSend(harness.deps, harness.request);

    expect(result).toMatchObject({ reason: 'unreachable', channel: 'whatsapp' });
    expect(result.detail).toMatch(/24-hour/);
    expect(await harness.ledger.find('c1', harness.request.messageId)).toBeUndefined();
  });

  it('need consent.whatsapp: SMS consent is not enough', async () => {
    const profile = consentingProfile();
    const harness = whatsappHarness(profile, both);

    const result = await decideSend(harness.deps, harness.request);

    expect(result).toMatchObject({ reason: 'no_consent', channel: 'whatsapp' });
  });

  it('keep a hostile trait inside its one parameter: no newline, tab or extra parameter', async () => {
    const profile = whatsappProfile();
    profile.name.first = 'Ayşe\n{{2}}\tINJECTED\n\n\nline';
    const harness = whatsappHarness(profile, both);

    await decideSend(harness.deps, harness.request);

    const [sent] = harness.whatsapp.sent;
    expect(sent?.message).toMatchObject({ kind: 'template' });
    expect(sent?.message.kind === 'template' && sent.message.parameters).toEqual(['Ayşe {{2}} INJECTED line', 'VIP10']);
  });

  it('keep the campaign quiet hours', async () => {
    const harness = whatsappHarness(whatsappProfile(), both);
    harness.clock.set(new Date('2026-11-02T20:00:00Z'));

    const result = await decideSend(harness.deps, harness.request);

    expect(result).toMatchObject({ reason: 'deferred', cause: 'quiet_hours' });
  });

  it('fail a paused template for good, without a retry', async () => {
    const harness = whatsappHarness(whatsappProfile(), both);
    harness.whatsapp.fault = () => new ProviderError('permanent', 'Meta 132015');

    const result = await decideSend(harness.deps, harness.request);

    expect(result).toMatchObject({ reason: 'failed', detail: 'Meta 132015' });
    expect(harness.due.items.size).toBe(0);
    expect((await harness.ledger.find('c1', harness.request.messageId))?.status).toBe('failed');
  });
});
