/**
 * The send decision (DESIGN "Send"), in this order, each outcome counted with its reason:
 *
 *   duplicate → holdout → no_consent / unreachable (fallback channels) → suppressed →
 *   missing_variable (render) → deferred (quiet hours) → frequency_cap → claim → provider →
 *   sent | failed | unknown, or a throttled call whose claim is released for the queue to retry.
 *
 * `decide` takes the decision up to the claim and only reads (a dry run can call it); `decideSend`
 * acts on it: defers, claims, calls the channel's provider (registry/), settles and counts.
 * No channel is named here: each one's consent, address, suppression and sender is its
 * registry entry.
 *
 * At most once: the ledger entry is claimed before the provider call and never removed unless
 * the provider said "throttled" (nothing went out). A timeout or 5xx leaves `unknown` — a
 * marketing message missed is better than one sent twice.
 */
import type { Settings } from '../config/settings.js';
import type { Clock, EventQueue, ProfileStore } from '../ports.js';
import { checkDuplicate } from './guards/duplicate.js';
import { capScopes, checkFrequencyCaps, utcDayNumber, type CapCheck, type CapLimit } from './guards/frequency-cap.js';
import { checkHoldout } from './guards/holdout.js';
import { nextAllowedTime, type QuietHours } from './guards/quiet-hours.js';
import { chooseRecipient } from './guards/reachability.js';
import type {
  CapCounters,
  DueQueue,
  EmailSender,
  MessageStats,
  PushSender,
  SendLedger,
  SendRateLimiter,
  SmsSender,
  SuppressionList,
} from './ports.js';
import { ProviderError } from './provider-error.js';
import type { Recipient } from './registry/channel-entry.js';
import { CHANNELS } from './registry/registry.js';
import { renderContext, type RenderedContent, type TemplateSet } from './render.js';
import type { SendOutcome, SendReason, SendResult } from './send-outcome.js';
import { messageTagsOf, type Channel, type SendRequest } from './send-request.js';
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
  /** Each journey's `limits` and `quietHours` (shared/channels/journey-policy.ts); undefined: the settings apply. */
  journeyPolicy: (journeyId: string) => JourneySendPolicy | undefined;
  /** Enforces journeys' messagesPerSecond. */
  rate: SendRateLimiter;
  unsubscribe: UnsubscribeLinks;
  clock: Clock;
}

export async function decideSend(deps: SendDeps, request: SendRequest): Promise<SendResult> {
  const outcome = await act(deps, request, await decide(deps, request));
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

/** What `decide` reads. */
export type DecisionDeps = Pick<
  SendDeps,
  'ledger' | 'profiles' | 'suppression' | 'templates' | 'settings' | 'journeyPolicy' | 'caps' | 'unsubscribe' | 'clock'
>;

/** The decision up to the claim: a refusal, a deferral, or what to send to whom. */
export type SendDecision =
  | { kind: 'refuse'; reason: SendReason; channel: Channel; detail?: string }
  | { kind: 'defer'; channel: Channel; wakeAt: string }
  | {
      kind: 'send';
      channel: Channel;
      recipient: Recipient;
      content: RenderedContent;
      unsubscribeUrl?: string;
      /** The caps checked, which the send counts against once it went out. */
      capCheck: CapCheck;
      /** The journey's messagesPerSecond, applied just before the claim. */
      messagesPerSecond?: number;
      now: Date;
    };

/** Decisions 1–7 of DESIGN "Send", in order. Reads the ledger, profile, suppression list and cap counters; writes nothing. */
export async function decide(deps: DecisionDeps, request: SendRequest): Promise<SendDecision> {
  const refuse = (reason: SendReason, channel: Channel, detail?: string): SendDecision => ({
    kind: 'refuse',
    reason,
    channel,
    ...(detail ? { detail } : {}),
  });

  const duplicate = await checkDuplicate(deps.ledger, request);
  if (!duplicate.ok) return refuse(duplicate.reason, request.channel, duplicate.detail);

  const holdout = checkHoldout(request);
  if (!holdout.ok) return refuse(holdout.reason, request.channel);

  const reach = chooseRecipient(await deps.profiles.getProfile(request.customerId), request);
  if (!reach.ok) return refuse(reach.reason, reach.channel);
  const { recipient, profile: customer } = reach;
  const { channel } = recipient;
  const entry = CHANNELS[channel];

  const suppressed = await recipient.suppression(customer, deps.suppression);
  if (!suppressed.ok) return refuse(suppressed.reason, channel, suppressed.detail);

  const unsubscribeUrl = entry.unsubscribeLink
    ? `${deps.unsubscribe.baseUrl.replace(/\/+$/, '')}/u/${signUnsubscribeToken(deps.unsubscribe.keyring, request.customerId, channel)}`
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

  // Decided before the claim, so a configuration error is `failed` (nothing went out), never `unknown`.
  const misconfigured = entry.misconfigured(deps.settings);
  if (misconfigured) return refuse('failed', channel, misconfigured);

  const now = deps.clock.now();
  const policy = deps.journeyPolicy(request.journeyId);
  const wakeAt = nextAllowedTime(
    now,
    policy?.quietHours ?? deps.settings.quietHours,
    customer.timezone,
    deps.settings.defaultTimezone,
  );
  if (wakeAt) return { kind: 'defer', channel, wakeAt: wakeAt.toISOString() };

  const capCheck: CapCheck = {
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

  return {
    kind: 'send',
    channel,
    recipient,
    content: rendered.content,
    ...(unsubscribeUrl ? { unsubscribeUrl } : {}),
    capCheck,
    ...(policy?.messagesPerSecond !== undefined ? { messagesPerSecond: policy.messagesPerSecond } : {}),
    now,
  };
}

async function act(deps: SendDeps, request: SendRequest, decision: SendDecision): Promise<SendResult> {
  switch (decision.kind) {
    case 'refuse': {
      const { kind: _refuse, ...outcome } = decision;
      return { kind: 'done', ...outcome };
    }
    case 'defer':
      await deps.due.defer(request, decision.wakeAt);
      return { kind: 'done', reason: 'deferred', channel: decision.channel, wakeAt: decision.wakeAt };
    case 'send':
      return deliver(deps, request, decision);
    default: {
      const unreachable: never = decision;
      throw new Error(`unknown decision ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Decision 8: the journey's rate, the claim, the provider call, the ledger and the cap counters. */
async function deliver(
  deps: SendDeps,
  request: SendRequest,
  decision: Extract<SendDecision, { kind: 'send' }>,
): Promise<SendResult> {
  const { channel, now } = decision;
  const refuse = (reason: SendReason, detail: string): SendOutcome => ({
    kind: 'done',
    reason,
    channel,
    ...(detail ? { detail } : {}),
  });

  // Over the journey's rate: nothing is claimed, and the queue retries the request shortly.
  const perSecond = decision.messagesPerSecond;
  if (perSecond !== undefined && !(await deps.rate.take(request.journeyId, perSecond, now))) {
    return {
      kind: 'retry',
      cause: 'rate_limited',
      channel,
      detail: `journey ${request.journeyId} is at its ${perSecond} messages per second`,
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
  if (!claimed) return refuse('duplicate', 'claimed concurrently');

  let providerMessageId: string | undefined;
  try {
    providerMessageId = await decision.recipient.send({
      request,
      content: decision.content,
      tags: messageTagsOf(request),
      ...(decision.unsubscribeUrl ? { unsubscribeUrl: decision.unsubscribeUrl } : {}),
      now,
      deps,
    });
  } catch (error) {
    const at = deps.clock.now().toISOString();
    if (error instanceof ProviderError && error.failure === 'throttled') {
      await deps.ledger.release(request.customerId, request.messageId);
      return { kind: 'retry', cause: 'throttled', channel, detail: error.code };
    }
    if (error instanceof ProviderError && error.failure === 'permanent') {
      await deps.ledger.settle(request.customerId, request.messageId, 'failed', at, { detail: error.code });
      return refuse('failed', error.code);
    }
    // 5xx, timeout, or an error nobody classified: it may have gone out, so it never goes again.
    const detail = error instanceof ProviderError ? error.code : error instanceof Error ? error.name : 'error';
    await deps.ledger.settle(request.customerId, request.messageId, 'unknown', at, { detail });
    return refuse('unknown', detail);
  }
  await deps.ledger.settle(
    request.customerId,
    request.messageId,
    'sent',
    deps.clock.now().toISOString(),
    providerMessageId ? { providerMessageId } : {},
  );
  await deps.caps.add(request.customerId, capScopes(decision.capCheck), utcDayNumber(now));
  return { kind: 'done', reason: 'sent', channel };
}
