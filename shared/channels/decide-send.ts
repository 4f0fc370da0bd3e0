/**
 * The send decision (DESIGN "Send"), in this order, each outcome counted with its reason:
 *
 *   duplicate → holdout → no_consent / unreachable (fallback channels) → suppressed →
 *   missing_variable (render) → deferred (quiet hours) → frequency_cap → claim → provider →
 *   sent | failed | unknown, or a throttled call whose claim is released for the queue to retry.
 *
 * At most once: the ledger entry is claimed before the provider call and never removed unless
 * the provider said "throttled" (nothing went out). A timeout or 5xx leaves `unknown` — a
 * marketing message missed is better than one sent twice.
 */
import type { Settings } from '../config/settings.js';
import type { CustomerMessage } from '../events/messages.js';
import type { Clock, EventQueue, ProfileStore } from '../ports.js';
import type { Profile } from '../profiles/schema.js';
import { checkDuplicate } from './guards/duplicate.js';
import { capScopes, checkFrequencyCaps, utcDayNumber, type CapLimit } from './guards/frequency-cap.js';
import { checkHoldout } from './guards/holdout.js';
import { nextAllowedTime, type QuietHours } from './guards/quiet-hours.js';
import { chooseTarget, type SendTarget } from './guards/reachability.js';
import { checkSuppression } from './guards/suppression.js';
import { composeMime } from './mime.js';
import type {
  CapCounters,
  DueQueue,
  EmailSender,
  MessageStats,
  MessageTags,
  PushSender,
  SendLedger,
  SendRateLimiter,
  SmsSender,
  SuppressionList,
} from './ports.js';
import { ProviderError } from './provider-error.js';
import { renderContext, type RenderedContent, type TemplateSet } from './render.js';
import type { SendOutcome, SendReason, SendResult } from './send-outcome.js';
import type { Channel, SendRequest } from './send-request.js';
import { signUnsubscribeToken, type UnsubscribeKeyring } from './unsubscribe-token.js';

/** A journey's overrides of the campaign settings (its `limits` and `quietHours`). */
export interface JourneySendPolicy {
  limits?: CapLimit;
  quietHours?: QuietHours;
  /** The journey's `limits.messagesPerSecond`, across all its customers. */
  messagesPerSecond?: number;
}

export interface UnsubscribeLinks {
  keyring: UnsubscribeKeyring;
  /** The unsubscribe function's base URL; the link is `<baseUrl>/u/<token>`. */
  baseUrl: string;
  /** An address for `List-Unsubscribe: <mailto:…>`; optional. */
  mailto?: string;
}

export interface SendDeps {
  profiles: Pick<ProfileStore, 'getProfile'>;
  ledger: SendLedger;
  suppression: SuppressionList;
  caps: CapCounters;
  due: DueQueue;
  stats: MessageStats;
  email: EmailSender;
  sms: SmsSender;
  push: PushSender;
  /** Where `device` messages about disabled push endpoints go (the customer's events group). */
  events: EventQueue;
  templates: TemplateSet;
  settings: Pick<Settings, 'quietHours' | 'frequencyCaps' | 'sender' | 'defaultTimezone'>;
  journeyPolicy?: (journeyId: string) => JourneySendPolicy | undefined;
  /** Enforces journeys' messagesPerSecond; without it the limit is not applied. */
  rate?: SendRateLimiter;
  unsubscribe: UnsubscribeLinks;
  clock: Clock;
}

export async function decideSend(deps: SendDeps, request: SendRequest): Promise<SendResult> {
  const outcome = await decide(deps, request);
  if (outcome.kind === 'done') {
    await deps.stats.increment(
      {
        journeyId: request.journeyId,
        stepId: request.stepId,
        ...(request.variant ? { variant: request.variant } : {}),
        channel: outcome.channel,
        metric: outcome.reason,
      },
      request.messageId,
    );
  }
  return outcome;
}

async function decide(deps: SendDeps, request: SendRequest): Promise<SendResult> {
  const refuse = (reason: SendReason, channel: Channel, detail?: string): SendOutcome => ({
    kind: 'done',
    reason,
    channel,
    ...(detail ? { detail } : {}),
  });

  const duplicate = await checkDuplicate(deps.ledger, request);
  if (!duplicate.ok) return refuse(duplicate.reason, request.channel, duplicate.detail);

  const holdout = checkHoldout(request);
  if (!holdout.ok) return refuse(holdout.reason, request.channel);

  const profile = await deps.profiles.getProfile(request.customerId);
  const reach = chooseTarget(profile, request);
  if (!reach.ok) return refuse(reach.reason, reach.channel);
  // chooseTarget only reaches a channel with consent, which needs a profile.
  const customer = profile as Profile;
  const target = reach.target;
  const channel = target.channel;

  const suppressed = await checkSuppression(deps.suppression, customer, target);
  if (!suppressed.ok) return refuse(suppressed.reason, channel, suppressed.detail);

  const unsubscribeUrl =
    channel === 'email'
      ? `${deps.unsubscribe.baseUrl.replace(/\/+$/, '')}/u/${signUnsubscribeToken(deps.unsubscribe.keyring, request.customerId, 'email')}`
      : undefined;
  const rendered = await deps.templates.render(
    request.template,
    channel,
    renderContext(customer, request, unsubscribeUrl),
  );
  if (!rendered.ok) {
    // A template without this channel's files is a campaign error: nothing can go out, counted as failed.
    return rendered.reason === 'missing_variable'
      ? refuse('missing_variable', channel, rendered.variable)
      : refuse('failed', channel, rendered.detail);
  }

  // A campaign without a from address cannot send email: a configuration error, decided before
  // the claim so it is `failed` (nothing went out), never `unknown`.
  if (channel === 'email' && !deps.settings.sender.fromAddress)
    return refuse('failed', channel, 'settings.sender.fromAddress is not set');

  const now = deps.clock.now();
  const policy = deps.journeyPolicy?.(request.journeyId);
  const wakeAt = nextAllowedTime(
    now,
    policy?.quietHours ?? deps.settings.quietHours,
    customer.timezone,
    deps.settings.defaultTimezone,
  );
  if (wakeAt) {
    await deps.due.defer(request, wakeAt.toISOString());
    return { kind: 'done', reason: 'deferred', channel, wakeAt: wakeAt.toISOString() };
  }

  const capCheck = {
    customerId: request.customerId,
    channel,
    journeyId: request.journeyId,
    transactional: request.transactional,
    now,
    caps: deps.settings.frequencyCaps,
    ...(policy?.limits ? { journeyLimits: policy.limits } : {}),
  };
  const capped = await checkFrequencyCaps(deps.caps, capCheck);
  if (!capped.ok) return refuse(capped.reason, channel, capped.detail);

  // Over the journey's rate: nothing is claimed, and the queue retries the request shortly.
  if (
    policy?.messagesPerSecond !== undefined &&
    deps.rate &&
    !(await deps.rate.take(request.journeyId, policy.messagesPerSecond, now))
  ) {
    return {
      kind: 'retry',
      channel,
      detail: `journey ${request.journeyId} is at its ${policy.messagesPerSecond} messages per second`,
    };
  }

  const claimed = await deps.ledger.claim({
    customerId: request.customerId,
    messageId: request.messageId,
    channel,
    journeyId: request.journeyId,
    runId: request.runId,
    stepId: request.stepId,
    ...(request.variant ? { variant: request.variant } : {}),
    claimedAt: now.toISOString(),
  });
  // Another delivery of the same request claimed it between our read and our write.
  if (!claimed) return refuse('duplicate', channel, 'claimed concurrently');

  const tags: MessageTags = {
    customerId: request.customerId,
    messageId: request.messageId,
    journeyId: request.journeyId,
    runId: request.runId,
    stepId: request.stepId,
    ...(request.variant ? { variant: request.variant } : {}),
  };
  let providerMessageId: string | undefined;
  try {
    providerMessageId = await callProvider(deps, request, target, rendered.content, tags, unsubscribeUrl, now);
  } catch (error) {
    const at = deps.clock.now().toISOString();
    if (error instanceof ProviderError && error.failure === 'throttled') {
      await deps.ledger.release(request.customerId, request.messageId);
      return { kind: 'retry', channel, detail: error.code };
    }
    if (error instanceof ProviderError && error.failure === 'permanent') {
      await deps.ledger.settle(request.customerId, request.messageId, 'failed', at, { detail: error.code });
      return refuse('failed', channel, error.code);
    }
    // 5xx, timeout, or an error nobody classified: it may have gone out, so it never goes again.
    const detail = error instanceof ProviderError ? error.code : error instanceof Error ? error.name : 'error';
    await deps.ledger.settle(request.customerId, request.messageId, 'unknown', at, { detail });
    return refuse('unknown', channel, detail);
  }
  await deps.ledger.settle(
    request.customerId,
    request.messageId,
    'sent',
    deps.clock.now().toISOString(),
    providerMessageId ? { providerMessageId } : {},
  );
  await deps.caps.add(request.customerId, capScopes(capCheck), utcDayNumber(now));
  return { kind: 'done', reason: 'sent', channel };
}

async function callProvider(
  deps: SendDeps,
  request: SendRequest,
  target: SendTarget,
  content: RenderedContent,
  tags: MessageTags,
  unsubscribeUrl: string | undefined,
  now: Date,
): Promise<string | undefined> {
  switch (target.channel) {
    case 'email': {
      if (content.channel !== 'email' || !unsubscribeUrl) throw new Error('email target rendered for another channel');
      const from = deps.settings.sender.fromAddress;
      if (!from) throw new Error('settings.sender.fromAddress is not set: email cannot be sent without a from address');
      const raw = await composeMime({
        from: { address: from, ...(deps.settings.sender.fromName ? { name: deps.settings.sender.fromName } : {}) },
        to: target.email,
        subject: content.subject,
        text: content.text,
        html: content.html,
        unsubscribe: { url: unsubscribeUrl, ...(deps.unsubscribe.mailto ? { mailto: deps.unsubscribe.mailto } : {}) },
        date: now,
      });
      return (await deps.email.sendRawEmail({ from, to: target.email, raw, tags })).providerMessageId;
    }
    case 'sms': {
      if (content.channel !== 'sms') throw new Error('sms target rendered for another channel');
      const senderId = deps.settings.sender.smsSenderId;
      const sms = {
        to: target.phone,
        body: content.body,
        transactional: request.transactional,
        tags,
        ...(senderId ? { senderId } : {}),
      };
      return (await deps.sms.sendSms(sms)).providerMessageId;
    }
    case 'push': {
      if (content.channel !== 'push') throw new Error('push target rendered for another channel');
      const enabled = target.devices.filter((device) => device.enabled);
      const result = await deps.push.sendPush({ devices: enabled, title: content.title, body: content.body, tags });
      if (result.disabled.length > 0) {
        const at = deps.clock.now().toISOString();
        const messages: CustomerMessage[] = result.disabled.map((endpoint) => ({
          kind: 'device',
          customerId: request.customerId,
          endpoint,
          enabled: false,
          at,
        }));
        await deps.events.enqueue(messages);
      }
      if (result.delivered === 0) throw new ProviderError('permanent', 'EndpointDisabled');
      return result.providerMessageId;
    }
    default: {
      const unreachable: never = target;
      throw new Error(`unknown target ${JSON.stringify(unreachable)}`);
    }
  }
}
