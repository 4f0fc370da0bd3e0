/** Send deps on in-memory ports, a consenting customer and a small template set, for decision tests. */
import type { SendDeps } from '../../../shared/channels/decide-send.js';
import { TemplateSet } from '../../../shared/channels/render.js';
import { sendMessageId, sendRequestSchema, type SendRequest } from '../../../shared/channels/send-request.js';
import { defaultSettings } from '../../../shared/config/settings.js';
import { emptyProfile, type Profile } from '../../../shared/profiles/schema.js';
import { InProcessSendRateLimiter } from '../../../shared/local/local-send-rate.js';
import { VirtualClock } from '../../../shared/local/virtual-clock.js';
import { InMemoryProfileStore } from '../../fakes/in-memory-ports.js';
import {
  InMemoryCapCounters,
  InMemoryDueQueue,
  InMemoryMessageStats,
  InMemorySendLedger,
  InMemorySuppressionList,
  RecordingCallTaskSender,
  RecordingEmailSender,
  RecordingEventQueue,
  RecordingPushSender,
  RecordingSmsSender,
  RecordingWebhookSender,
  RecordingWhatsAppSender,
} from '../../fakes/in-memory-channels.js';

export const TEMPLATES = {
  'welcome/subject.liquid': 'Hello {{ profile.name.first }}',
  'welcome/html.liquid':
    '<p>Hi {{ profile.name.first }}, use {{ vars.code | default: "no code" }}</p><a href="{{ unsubscribe_url }}">unsubscribe</a>',
  'welcome/text.liquid':
    'Hi {{ profile.name.first }}, use {{ vars.code | default: "no code" }}\nUnsubscribe: {{ unsubscribe_url }}',
  'welcome/sms.liquid': 'Merhaba {{ profile.name.first }}! Kod: {{ vars.code | default: "YOK" }}',
  'welcome/push.title.liquid': 'Hi {{ profile.name.first }}',
  'welcome/push.body.liquid': 'Your code: {{ vars.code | default: "none" }}',
  'welcome/call.script.liquid': 'Call {{ profile.name.first }} about code {{ vars.code | default: "none" }}.',
};

export const KEYRING = { current: 'k1', keys: { k1: 'test-secret-k1-0123456789abcdef0123456789' } };

/** Noon in Istanbul on a Monday: outside the default quiet hours. */
export const NOON = new Date('2026-11-02T09:00:00Z');

export function consentingProfile(id = 'c1', at = '2026-10-01T00:00:00Z'): Profile {
  const profile = emptyProfile(id, at);
  profile.name.first = 'Ayşe';
  profile.timezone = 'Europe/Istanbul';
  profile.channels.email = 'ayse@example.com';
  profile.channels.phone = '+905551112233';
  profile.channels.push = [
    { token: 'tok-1', platform: 'ios', endpoint: 'arn:aws:sns:eu-west-1:1:endpoint/APNS/app/1', enabled: true, at },
  ];
  profile.consent = {
    email: { granted: true, at },
    sms: { granted: true, at },
    push: { granted: true, at },
    call: { granted: true, at },
  };
  return profile;
}

export function sendRequest(overrides: Partial<SendRequest> = {}): SendRequest {
  const base = { customerId: 'c1', journeyId: 'welcome-journey', runId: 'r1', stepId: 's1', visit: 0 };
  return sendRequestSchema.parse({
    ...base,
    messageId: sendMessageId(base.journeyId, base.runId, base.stepId, base.visit),
    channel: 'email',
    template: 'welcome',
    requestedAt: NOON.toISOString(),
    ...overrides,
  });
}

export function sendHarness(options: { profile?: Profile | null; at?: Date } = {}) {
  const profiles = new InMemoryProfileStore();
  if (options.profile !== null) {
    const profile = options.profile ?? consentingProfile();
    profiles.items.set(profile.id, profile);
  }
  const clock = new VirtualClock(options.at ?? NOON);
  const parts = {
    profiles,
    ledger: new InMemorySendLedger(),
    suppression: new InMemorySuppressionList(),
    caps: new InMemoryCapCounters(),
    due: new InMemoryDueQueue(),
    stats: new InMemoryMessageStats(),
    email: new RecordingEmailSender(),
    sms: new RecordingSmsSender(),
    push: new RecordingPushSender(),
    webhook: new RecordingWebhookSender(),
    calls: new RecordingCallTaskSender(),
    whatsapp: new RecordingWhatsAppSender(),
    events: new RecordingEventQueue(),
    clock,
  };
  const deps: SendDeps = {
    ...parts,
    templates: new TemplateSet(TEMPLATES),
    settings: {
      ...defaultSettings,
      defaultTimezone: 'Europe/Istanbul',
      quietHours: { start: '21:00', end: '09:00' },
      frequencyCaps: { email: { perDay: 1, perWeek: 3 }, all: { perDay: 2, perWeek: 5 } },
      sender: { fromAddress: 'offers@example.com', fromName: 'Demo Shop', smsSenderId: 'SADAKAT' },
    },
    unsubscribe: { keyring: KEYRING, baseUrl: 'https://shop.example.com', mailto: 'unsubscribe@example.com' },
    // No journey overrides unless a test sets them: the settings' caps and quiet hours apply.
    journeyPolicy: () => undefined,
    rate: new InProcessSendRateLimiter(),
  };
  return { ...parts, deps };
}
