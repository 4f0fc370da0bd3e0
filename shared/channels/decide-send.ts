/**
 * The send decision (DESIGN "Send"), in this order, each outcome counted with its reason:
 *
 *   duplicate → holdout → open_complaint (per customer, no fallback) → no_consent / unreachable
 *   (fallback channels) → suppressed →
 *   missing_variable (render) → deferred (quiet hours) → frequency_cap → deferred (rate slot
 *   ahead: the account's `sending.<channel>`, the journey's `messagesPerSecond`) → claim →
 *   provider → sent | failed | unknown, or deferred (provider throttled; claim released).
 *
 * `decide` takes the decision up to the rates and only reads (a dry run can call it); `decideSend`
 * acts on it: defers, paces, claims, calls the channel's provider (registry/), settles and counts.
 * No channel is named here: each one's consent, address, suppression and sender is its
 * registry entry. Nothing is thrown back to the queue: a send that must wait is deferred through
 * the `due` index with a not-before time (`wakeAt`) and released by release-deferred.
 *
 * At most once: the ledger entry is claimed before the provider call and never removed unless
 * the provider said "throttled" (nothing went out) — then it is removed before the deferral, so
 * the release claims afresh. A timeout or 5xx leaves `unknown` — a marketing message missed is
 * better than one sent twice. Channels whose receiver de-duplicates (webhook) are at least once
 * instead: at-least-once.ts, decision 160.
 */
import type { Settings } from '../config/settings.js';
import { spreadFrom } from '../spread.js';
import type { Clock, EventQueue, ProfileStore } from '../ports.js';
import { decideConfirm, type ConfirmSendDeps } from './confirm/decide-confirm.js';
import type { ConfirmBudgets } from './confirm/limits.js';
import { MAX_ATTEMPTS, nextAttemptAt, resumable } from './at-least-once.js';
import { checkDuplicate } from './guards/duplicate.js';
import { capScopes, checkFrequencyCaps, utcDayNumber, type CapCheck, type CapLimit } from './guards/frequency-cap.js';
import { checkHoldout } from './guards/holdout.js';
import { checkOpenComplaint } from './guards/open-complaint.js';
import { nextAllowedTime, type QuietHours } from './guards/quiet-hours.js';
import { chooseRecipient } from './guards/reachability.js';
import type {
  CallTaskSender,
  CapCounters,
  DueQueue,
  EmailSender,
  LedgerEntry,
  MessageStats,
  PushSender,
  SendDecisionLog,
  SendLedger,
  SendRateLimiter,
  SmsSender,
  SuppressionList,
  WebhookSender,
  WhatsAppSender,
} from './ports.js';
import { accountRate, isLate, mustWaitFor, reserveSlots } from './pace.js';
import type { WhatsAppDirectory } from './whatsapp/directory.js';
import { ProviderError } from './provider-error.js';
import type { Recipient } from './registry/channel-entry.js';
import { CHANNELS } from './registry/registry.js';
import { renderContext, type RenderedContent, type TemplateSet } from './render.js';
import type { DeferCause, SendOutcome, SendReason, SendResult } from './send-outcome.js';
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
  /** `getProfiles`: the send batch's read-ahead (batch-send-reads.ts). */
  profiles: Pick<ProfileStore, 'getProfile' | 'getProfiles'>;
  ledger: SendLedger;
  /** Where the send handler keeps decisions that sent nothing (decision 205); absent: nowhere (a dry run). */
  decisions?: SendDecisionLog;
  suppression: SuppressionList;
  caps: CapCounters;
  due: DueQueue;
  stats: MessageStats;
  email: EmailSender;
  sms: SmsSender;
  push: PushSender;
  /** Signed POSTs to the endpoints of settings.yaml `webhooks`. */
  webhook: WebhookSender;
  /** Call tasks for agents: Amazon Connect, or the local call list. */
  calls: CallTaskSender;
  /** WhatsApp through AWS End User Messaging Social (locally: the SNS outbox). */
  whatsapp: WhatsAppSender;
  /** Remembers whose number each WhatsApp message went to, for inbound messages (whatsapp/directory.ts). */
  whatsappDirectory?: WhatsAppDirectory;
  /** Where `device` messages about disabled push endpoints go (the customer's events group). */
  events: EventQueue;
  templates: TemplateSet;
  /** `sending` (account-wide rates) is optional: absent, only journeys' rates apply. `webhooks` absent: none. */
  settings: Pick<Settings, 'quietHours' | 'frequencyCaps' | 'sender' | 'defaultTimezone'> &
    Partial<Pick<Settings, 'sending' | 'complaints' | 'webhooks' | 'tiers' | 'spreadMinutes'>>;
  /** Each journey's `limits` and `quietHours` (shared/channels/journey-policy.ts); undefined: the settings apply. */
  journeyPolicy: (journeyId: string) => JourneySendPolicy | undefined;
  /** Paces sends: the account's `sending.<channel>` and journeys' `messagesPerSecond` (shared/channels/pace.ts). */
  rate: SendRateLimiter;
  unsubscribe: UnsubscribeLinks;
  /** Double opt-in confirmations (`confirm` requests); without it they are `failed`. */
  confirm?: ConfirmSendDeps;
  clock: Clock;
}

export async function decideSend(deps: SendDeps, request: SendRequest): Promise<SendResult> {
  const outcome = await act(deps, request, await decide(deps, request));
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
  return outcome;
}

/** What `decide` reads. */
export type DecisionDeps = Pick<
  SendDeps,
  | 'ledger'
  | 'profiles'
  | 'suppression'
  | 'templates'
  | 'settings'
  | 'journeyPolicy'
  | 'caps'
  | 'unsubscribe'
  | 'confirm'
  | 'clock'
>;

/** The decision up to the rates and the claim: a refusal, a deferral, or what to send to whom. */
export type SendDecision =
  | { kind: 'refuse'; reason: SendReason; channel: Channel; detail?: string }
  | { kind: 'defer'; channel: Channel; wakeAt: string; cause: DeferCause }
  | {
      kind: 'send';
      channel: Channel;
      recipient: Recipient;
      content: RenderedContent;
      unsubscribeUrl?: string;
      /** The caps checked, which the send counts against once it went out (none for a confirmation). */
      capCheck?: CapCheck;
      /** A confirmation's mailbox limit and budgets, taken just before the claim. */
      confirmLimit?: { mailboxKey: string; keyId: string; budgets: ConfirmBudgets };
      /** The journey's messagesPerSecond, paced (with the account's rate) just before the claim. */
      messagesPerSecond?: number;
      /** At-least-once channels: the ledger entry of the attempt before, which this one claims again. */
      previous?: LedgerEntry;
      now: Date;
    };

/** Decisions 1–7 of DESIGN "Send", in order. Reads the ledger, profile, suppression list and cap counters; writes nothing. */
export async function decide(deps: DecisionDeps, request: SendRequest): Promise<SendDecision> {
  if (request.kind === 'confirm') return decideConfirm(deps, request);
  const refuse = (reason: SendReason, channel: Channel, detail?: string): SendDecision => ({
    kind: 'refuse',
    reason,
    channel,
    ...(detail ? { detail } : {}),
  });

  const requested = CHANNELS[request.channel];
  const duplicate = await checkDuplicate(
    deps.ledger,
    request,
    requested.delivery === 'at-least-once' ? (entry) => resumable(entry, deps.clock.now()) : undefined,
  );
  if (!duplicate.ok) return refuse(duplicate.reason, request.channel, duplicate.detail);
  const { previous } = duplicate;

  const holdout = checkHoldout(request);
  if (!holdout.ok) return refuse(holdout.reason, request.channel);

  const profile = await deps.profiles.getProfile(request.customerId);
  const complaint = checkOpenComplaint(profile, request, deps.settings.complaints);
  if (!complaint.ok) return refuse(complaint.reason, request.channel, complaint.detail);

  const reach = chooseRecipient(profile, request);
  if (!reach.ok) return refuse(reach.reason, reach.channel);
  const { recipient, profile: customer } = reach;
  const { channel } = recipient;
  const entry = CHANNELS[channel];

  const suppressed = await recipient.suppression(customer, deps.suppression);
  if (!suppressed.ok) return refuse(suppressed.reason, channel, suppressed.detail);

  const unsubscribeUrl =
    entry.unsubscribeLink && entry.consent !== null
      ? `${deps.unsubscribe.baseUrl.replace(/\/+$/, '')}/u/${signUnsubscribeToken(deps.unsubscribe.keyring, request.customerId, entry.consent)}`
      : undefined;
  const rendered = await deps.templates.render(
    request.template,
    channel,
    renderContext(customer, request, unsubscribeUrl, {
      config: { tiers: deps.settings.tiers ?? [], timezone: deps.settings.defaultTimezone },
      nowMs: deps.clock.now().getTime(),
    }),
  );
  if (!rendered.ok) {
    // A template without this channel's files is a campaign error: nothing can go out, counted as failed.
    return rendered.reason === 'missing_variable'
      ? refuse('missing_variable', channel, rendered.variable)
      : refuse('failed', channel, rendered.detail);
  }

  // Decided before the claim, so a configuration error is `failed` (nothing went out), never `unknown`.
  const misconfigured = entry.misconfigured(deps.settings, request);
  if (misconfigured) return refuse('failed', channel, misconfigured);

  const now = deps.clock.now();
  // What may go to this customer now (WhatsApp's 24-hour window): nothing that may is `unreachable`.
  const fitted = recipient.fit(rendered.content, now);
  if (!fitted.ok) return refuse('unreachable', channel, fitted.detail);
  // A channel with a policy of its own (a webhook endpoint's) replaces the campaign's and the journey's.
  const own = entry.policy(deps.settings, request);
  const policy = own ? undefined : deps.journeyPolicy(request.journeyId);
  const wakeAt = nextAllowedTime(
    now,
    own ? own.quietHours : (policy?.quietHours ?? deps.settings.quietHours),
    customer.timezone,
    deps.settings.defaultTimezone,
  );
  // The morning's release is spread over `spreadMinutes`, each customer at a fixed offset (decision 177).
  if (wakeAt) {
    const spread = spreadFrom(wakeAt, request.customerId, deps.settings.spreadMinutes);
    return { kind: 'defer', channel, wakeAt: spread.toISOString(), cause: 'quiet_hours' };
  }

  const capCheck: CapCheck = {
    customerId: request.customerId,
    channel,
    journeyId: request.journeyId,
    transactional: request.transactional,
    now,
    caps: own ? (own.limits ? { [channel]: own.limits } : {}) : deps.settings.frequencyCaps,
    ...(own ? { acrossChannels: false } : {}),
    ...(policy?.limits ? { journeyLimits: policy.limits } : {}),
  };
  const capped = await checkFrequencyCaps(deps.caps, capCheck);
  if (!capped.ok) return refuse(capped.reason, channel, capped.detail);

  return {
    kind: 'send',
    channel,
    recipient,
    content: fitted.content,
    ...(unsubscribeUrl ? { unsubscribeUrl } : {}),
    capCheck,
    ...(policy?.messagesPerSecond !== undefined ? { messagesPerSecond: policy.messagesPerSecond } : {}),
    ...(previous ? { previous } : {}),
    now,
  };
}

async function act(deps: SendDeps, request: SendRequest, decision: SendDecision): Promise<SendResult> {
  switch (decision.kind) {
    case 'refuse': {
      const { kind: _refuse, ...outcome } = decision;
      return { kind: 'done', ...outcome };
    }
    case 'defer': {
      // A rate slot the request held is gone by the time quiet hours end: it paces again then.
      const { pacedAt: _slot, journeySlot: _journeySlot, ...unpaced } = request;
      return deferTo(deps, unpaced, decision.channel, decision.wakeAt, decision.cause);
    }
    case 'send':
      return deliver(deps, request, decision);
    default: {
      const unreachable: never = decision;
      throw new Error(`unknown decision ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Re-enqueued by release-deferred at `wakeAt`; counted `deferred`. */
async function deferTo(
  deps: Pick<SendDeps, 'due'>,
  request: SendRequest,
  channel: Channel,
  wakeAt: string,
  cause: DeferCause,
  detail?: string,
): Promise<SendOutcome> {
  await deps.due.defer(request, wakeAt);
  return { kind: 'done', reason: 'deferred', channel, wakeAt, cause, ...(detail ? { detail } : {}) };
}

/**
 * Decision 8a: the slot this send may go at. Slots it holds and has not let pass are kept —
 * `pacedAt` (the journey's and the account's, for the request's channel; taken at enqueue,
 * shared/channels/paced-send-queue.ts) or `journeySlot` (the journey's only) — and the others
 * are taken now: the account's for the channel it goes on (a fallback channel has its own), the
 * journey's unless held. The send takes the latest (shared/channels/pace.ts).
 * Undefined when no rate applies.
 */
async function paceSlot(
  deps: Pick<SendDeps, 'rate' | 'settings'>,
  request: SendRequest,
  decision: Extract<SendDecision, { kind: 'send' }>,
): Promise<{ slot: Date; detail: string } | undefined> {
  const { channel, now } = decision;
  // A slot that passed while the request waited for a release pass went unused: sending late
  // sends in a burst with the others released late, so the request takes a new slot instead.
  const held = (at: string | undefined): Date | undefined =>
    at === undefined || isLate(new Date(at), now) ? undefined : new Date(at);
  const both = held(request.pacedAt);
  const journeyHeld = both ?? held(request.journeySlot);
  const accountHeld = both !== undefined && channel === request.channel;
  let paced: { slot: Date; detail: string } | undefined = journeyHeld
    ? { slot: journeyHeld, detail: 'its rate slot' }
    : undefined;
  const later = (slot: Date, detail: string): void => {
    if (!paced || slot > paced.slot) paced = { slot, detail };
  };
  const account = accountRate(deps.settings, channel);
  if (account !== undefined && !accountHeld) {
    const [slot] = await reserveSlots(deps.rate, `account:${channel}`, account, request.customerId, now);
    if (slot) later(slot, `the account's ${channel} rate of ${account} per second`);
  }
  const journey = decision.messagesPerSecond;
  if (journey !== undefined && !journeyHeld) {
    const [slot] = await reserveSlots(deps.rate, `journey:${request.journeyId}`, journey, request.customerId, now);
    if (slot) later(slot, `journey ${request.journeyId} at its ${journey} messages per second`);
  }
  return paced;
}

/** Most a throttled send waits, spread by message, when no account rate paces its channel. */
const THROTTLE_SPREAD_MS = 60_000;

/**
 * When a send the provider throttled comes back: the account's next slot for the channel (so the
 * sends behind it pace around it), or — with no account rate set — one to sixty seconds later,
 * spread by message id so a throttled burst does not return at once.
 */
async function throttledWake(
  deps: Pick<SendDeps, 'rate' | 'settings'>,
  request: SendRequest,
  channel: Channel,
  now: Date,
): Promise<{ wakeAt: Date; paced: boolean }> {
  const soonest = now.getTime() + 1000;
  const account = accountRate(deps.settings, channel);
  if (account !== undefined) {
    const [slot = now] = await reserveSlots(deps.rate, `account:${channel}`, account, request.customerId, now);
    return { wakeAt: new Date(Math.max(slot.getTime(), soonest)), paced: true };
  }
  const spread = Number.parseInt(request.messageId.slice(0, 8), 16) % THROTTLE_SPREAD_MS;
  return { wakeAt: new Date(soonest + spread), paced: false };
}

/** Decision 8: the rates, the claim, the provider call, the ledger and the cap counters. */
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

  // A slot a second or more ahead: nothing is claimed, and the request waits for it in `due`.
  const paced = await paceSlot(deps, request, decision);
  if (paced && mustWaitFor(paced.slot, now)) {
    const wakeAt = paced.slot.toISOString();
    const { journeySlot: _journeySlot, ...rest } = request;
    return deferTo(deps, { ...rest, pacedAt: wakeAt }, channel, wakeAt, 'rate_limited', paced.detail);
  }

  if (decision.confirmLimit) {
    const { mailboxKey, keyId, budgets } = decision.confirmLimit;
    const taken = await deps.confirm?.limits.take({ mailboxKey, keyId, now, budgets });
    if (!taken?.ok)
      return taken?.limit === 'address'
        ? refuse('confirm_limit', 'mailbox')
        : refuse('confirm_budget', taken ? `${taken.limit} hourly budget` : 'no limits configured');
  }

  if (CHANNELS[channel].delivery === 'at-least-once') return deliverAtLeastOnce(deps, request, decision);

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
      // Nothing went out: the claim goes first (a crash before the deferral leaves the queue's
      // retry, which may claim again), then the request waits in `due`.
      await deps.ledger.release(request.customerId, request.messageId);
      const { pacedAt: _slot, journeySlot: _journeySlot, ...unpaced } = request;
      const wake = await throttledWake(deps, request, channel, deps.clock.now());
      const wakeAt = wake.wakeAt.toISOString();
      return deferTo(
        deps,
        wake.paced ? { ...unpaced, pacedAt: wakeAt } : unpaced,
        channel,
        wakeAt,
        'throttled',
        error.code,
      );
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
  if (decision.capCheck) await deps.caps.add(request.customerId, capScopes(decision.capCheck), utcDayNumber(now));
  return { kind: 'done', reason: 'sent', channel, ...(providerMessageId ? { providerMessageId } : {}) };
}

/**
 * Decision 8 for at-least-once channels (at-least-once.ts, decision 160): claim this attempt,
 * lease the next one in `due`, call, then settle — `sent` (and the lease goes), `failed` on a
 * refusal or after the last attempt, else `retrying` until the lease brings the request back.
 */
async function deliverAtLeastOnce(
  deps: SendDeps,
  request: SendRequest,
  decision: Extract<SendDecision, { kind: 'send' }>,
): Promise<SendOutcome> {
  const { channel, now, previous } = decision;
  const done = (reason: SendReason, detail?: string, wakeAt?: string): SendOutcome => ({
    kind: 'done',
    reason,
    channel,
    ...(detail ? { detail } : {}),
    ...(wakeAt ? { wakeAt, cause: 'retry' as const } : {}),
  });
  const attempt = (previous?.attempts ?? 1) + (previous ? 1 : 0);
  const at = now.toISOString();
  const { pacedAt: _slot, ...unpaced } = request;
  // The lease goes first: a crash anywhere after it brings the request back at the next attempt's time.
  const leaseAt = nextAttemptAt(attempt, now);
  if (leaseAt) await deps.due.defer(unpaced, leaseAt.toISOString());
  const claimed = previous
    ? await deps.ledger.reclaim(previous, at, attempt)
    : await deps.ledger.claim({
        customerId: request.customerId,
        messageId: request.messageId,
        channel,
        journeyId: request.journeyId,
        runId: request.runId,
        stepId: request.stepId,
        ...(request.variant ? { variant: request.variant } : {}),
        claimedAt: at,
        attempts: attempt,
      });
  // Another delivery took this attempt: its own lease stands (one wake per message).
  if (!claimed) return done('duplicate', 'claimed concurrently');

  try {
    await decision.recipient.send({ request, content: decision.content, tags: messageTagsOf(request), now, deps });
  } catch (error) {
    const settledAt = deps.clock.now().toISOString();
    const code = error instanceof ProviderError ? error.code : error instanceof Error ? error.name : 'error';
    if (error instanceof ProviderError && error.failure === 'permanent') {
      await deps.ledger.settle(request.customerId, request.messageId, 'failed', settledAt, { detail: code });
      await deps.due.cancel(request.customerId, request.messageId);
      return done('failed', code);
    }
    if (!leaseAt) {
      await deps.ledger.settle(request.customerId, request.messageId, 'failed', settledAt, {
        detail: `${code} on attempt ${attempt} of ${MAX_ATTEMPTS}: given up`,
      });
      return done('failed', `${code}: given up after ${MAX_ATTEMPTS} attempts`);
    }
    await deps.ledger.settle(request.customerId, request.messageId, 'retrying', settledAt, {
      detail: `${code} on attempt ${attempt}`,
    });
    return done('deferred', `${code} on attempt ${attempt}`, leaseAt.toISOString());
  }
  await deps.ledger.settle(request.customerId, request.messageId, 'sent', deps.clock.now().toISOString());
  await deps.due.cancel(request.customerId, request.messageId);
  if (decision.capCheck) await deps.caps.add(request.customerId, capScopes(decision.capCheck), utcDayNumber(now));
  return done('sent');
}
