/**
 * What the send decision needs from the outside world (DESIGN "Send"): the ledger, counters,
 * suppression list, the providers (email, SMS, push, call tasks) and the deferral queue. shared/aws/ implements them on
 * DynamoDB, SES and SNS; shared/local/ on the embedded engine, a local SES endpoint and an outbox;
 * unit tests pass the in-memory fakes in test/fakes/in-memory-channels.ts.
 */
import type { PushDevice } from '../profiles/schema.js';
import type { DeferCause, SendReason } from './send-outcome.js';
import type { CallPriority, Channel, SendRequest } from './send-request.js';
import type { WhatsAppChoice } from './whatsapp/window.js';

/**
 * `claimed` until the provider answers (DESIGN: at most once — a claim is never re-sent).
 * `retrying` is for at-least-once channels only (webhook, decision 160): an attempt that got a
 * 5xx, a 429 or no answer in time waits for its next attempt, which claims the entry again.
 */
export type LedgerStatus = 'claimed' | 'sent' | 'failed' | 'unknown' | 'retrying';

/** Which entry: one message of one customer. */
export type LedgerKey = Pick<LedgerEntry, 'customerId' | 'messageId'>;

/** `SK=M#<messageId>` under the customer. */
export interface LedgerEntry {
  customerId: string;
  messageId: string;
  status: LedgerStatus;
  channel: Channel;
  journeyId: string;
  runId: string;
  stepId: string;
  variant?: string;
  claimedAt: string;
  updatedAt: string;
  providerMessageId?: string;
  /** The provider's error code for `failed` / `unknown` / `retrying`. */
  detail?: string;
  /** At-least-once channels: the attempts claimed so far (the first claim is attempt 1). */
  attempts?: number;
}

export type LedgerClaim = Omit<LedgerEntry, 'status' | 'updatedAt' | 'providerMessageId' | 'detail'>;

export interface SendLedger {
  find(customerId: string, messageId: string): Promise<LedgerEntry | undefined>;
  /** The entries of these messages that exist, read together (a send batch's read-ahead, decision 306). */
  findEntries(keys: readonly LedgerKey[]): Promise<LedgerEntry[]>;
  /** Conditional put: true when this call created the `claimed` entry, false when any entry exists. */
  claim(claim: LedgerClaim): Promise<boolean>;
  /** Moves a claim to its final status. */
  settle(
    customerId: string,
    messageId: string,
    status: 'sent' | 'failed' | 'unknown' | 'retrying',
    at: string,
    details?: { providerMessageId?: string; detail?: string },
  ): Promise<void>;
  /**
   * At-least-once channels: claims an entry again for its next attempt — one left `retrying`, or
   * one still `claimed` by an attempt that died — only while it is as `seen` (status and
   * updatedAt), so two deliveries cannot both take it. False when it changed meanwhile.
   */
  reclaim(
    seen: Pick<LedgerEntry, 'customerId' | 'messageId' | 'status' | 'updatedAt'>,
    at: string,
    attempts: number,
  ): Promise<boolean>;
  /**
   * The provider reported after the fact that a `sent` message never reached the customer (a
   * WhatsApp `failed` status after `sent`, decision 201): the entry becomes `failed` with the
   * provider's code. Only a `sent` entry moves (a `failed` one stays as it is); false otherwise.
   */
  failAfterSent(customerId: string, messageId: string, at: string, detail: string): Promise<boolean>;
  /** Deletes a claim whose provider call was throttled (nothing went out), so the retry may claim again. */
  release(customerId: string, messageId: string): Promise<void>;
  /** Entries still `claimed` that were claimed at or before `claimedBefore` (ISO): crashes between claim and answer. */
  staleClaims(claimedBefore: string): AsyncIterable<LedgerEntry>;
}

/**
 * A send decision that sent nothing (refused or deferred), kept under the customer for "why was
 * this not sent" (`SK=D#<decidedAt>#<messageId>`, with a TTL of `retention.decisionDays`,
 * decision 205). The ledger keeps claims only (decision 26): without these a refusal is a count.
 */
export interface SendDecisionRecord {
  customerId: string;
  messageId: string;
  journeyId: string;
  stepId: string;
  runId: string;
  variant?: string;
  channel: Channel;
  reason: SendReason;
  /** The missing variable, the cap that was hit, the provider's code. Never an address. */
  detail?: string;
  cause?: DeferCause;
  wakeAt?: string;
  decidedAt: string;
}

export interface SendDecisionLog {
  record(decision: SendDecisionRecord): Promise<void>;
}

/** A cap counter's scope: one channel, all channels, or one journey (its `limits`). */
export type CapScope = Channel | 'all' | `journey:${string}`;

/** `SK=CAP#<scope>#<day>` counters (UTC day numbers), added to when a send is marked sent. */
export interface CapCounters {
  /** Counts keyed `<scope>#<day>`; missing counters are absent (zero). */
  counts(customerId: string, scopes: readonly CapScope[], days: readonly number[]): Promise<Map<string, number>>;
  add(customerId: string, scopes: readonly CapScope[], day: number): Promise<void>;
}

export type SuppressionReason = 'bounce' | 'complaint' | 'sms_opt_out' | 'unsubscribe';

/** Why and since when an address is suppressed. */
export interface SuppressionEntry {
  reason: SuppressionReason;
  at: string;
}

/**
 * `PK=SUPPRESS#<HMAC(pepper, normalized address)>` (suppression-address.ts): addresses not to be
 * sent to again — whichever profile carries them (DESIGN "Trust": address-level suppression).
 */
export interface SuppressionList {
  /** The entry that suppresses most (suppression-address.ts `strongerEntry`), if any. */
  find(address: string): Promise<SuppressionEntry | undefined>;
  isSuppressed(address: string): Promise<boolean>;
  /**
   * Records the address: a bounce or complaint replaces an unsubscribe (it is final); a later
   * unsubscribe moves an unsubscribe's time; a bounce or complaint already there is kept.
   */
  suppress(address: string, reason: SuppressionReason, at: string): Promise<void>;
}

/** Ids carried with a message so feedback can find the journey, run, step and customer again. */
export interface MessageTags {
  customerId: string;
  messageId: string;
  journeyId: string;
  runId: string;
  stepId: string;
  variant?: string;
}

/** A header the provider adds to the message as given: printable ASCII, no line breaks (list-unsubscribe.ts). */
export interface EmailHeader {
  name: string;
  value: string;
}

/**
 * One email as its fields (DESIGN "Send", Email): the provider builds the MIME message —
 * multipart/alternative with the text and the HTML part — and adds the headers.
 */
export interface OutgoingEmail {
  from: { address: string; name?: string };
  to: string;
  subject: string;
  text: string;
  html: string;
  /** List-Unsubscribe and List-Unsubscribe-Post on marketing mail; none on a double opt-in confirmation. */
  headers: readonly EmailHeader[];
  tags: MessageTags;
}

export interface EmailSender {
  /** Throws ProviderError on failure. */
  sendEmail(email: OutgoingEmail): Promise<{ providerMessageId: string }>;
}

export interface Sms {
  /** E.164 */
  to: string;
  body: string;
  transactional: boolean;
  senderId?: string;
  tags: MessageTags;
}

export interface SmsSender {
  /** Throws ProviderError on failure. */
  sendSms(sms: Sms): Promise<{ providerMessageId: string }>;
}

export interface PushNotification {
  devices: readonly PushDevice[];
  title: string;
  body: string;
  tags: MessageTags;
}

export interface PushResult {
  /** Devices the provider accepted the notification for. */
  delivered: number;
  providerMessageId?: string;
  /** Endpoints (or tokens without one) the provider reported disabled: pruned through a `device` message. */
  disabled: string[];
}

export interface PushSender {
  /** Throws ProviderError when no device could be tried (throttling, outage). */
  sendPush(push: PushNotification): Promise<PushResult>;
}

/** One signed POST to a webhook endpoint (shared/channels/registry/webhook.ts). */
export interface WebhookPost {
  /** The endpoint's name in settings.yaml (for logs and the secret's cache). */
  endpoint: string;
  url: string;
  /** Where the endpoint's `whsec_` secret is; the sender resolves it. */
  secret: { env: string } | { secretsManager: string };
  timeoutMs: number;
  /** `webhook-id`: the ledger id, the same on every attempt, so the receiver de-duplicates. */
  webhookId: string;
  /** The rendered JSON body. */
  body: string;
}

export interface WebhookSender {
  /**
   * Signs (a fresh `webhook-timestamp` per attempt, from real time) and posts. Returns on 2xx;
   * throws ProviderError: `permanent` for other 4xx and redirects, `throttled` for 429, `unknown`
   * for 5xx, timeouts and dropped connections (the receiver may have it: it is tried again).
   */
  post(post: WebhookPost): Promise<{ status: number }>;
}

/**
 * A call task for an agent (the `call` channel): who to call on which number, in which queue,
 * with which script. `clientToken` is sha256(customer id, ledger message id) (call-task.ts
 * `callClientToken`), so a provider that takes an idempotency token (Connect's `ClientToken`)
 * creates a retried task once, and two customers of one scheduled slot get two tasks.
 */
export interface CallTask {
  clientToken: string;
  customerId: string;
  /** E.164 */
  phone: string;
  /** The customer's name as the profile has it, for the agent's greeting. */
  name?: string;
  queue: string;
  priority: CallPriority;
  /** Why the customer is called: `<journey>/<step>`. */
  reason: string;
  /** The rendered script. */
  script: string;
  createdAt: string;
  /** When the task should be done by (shared/channels/call-task.ts `callDueAt`). */
  dueAt: string;
  tags: MessageTags;
}

export interface CallTaskSender {
  /** Throws ProviderError on failure (throttling and a full task quota are `throttled`: nothing was created). */
  createCallTask(task: CallTask): Promise<{ providerMessageId: string }>;
}

/** One WhatsApp message through AWS End User Messaging Social (shared/channels/registry/whatsapp.ts). */
export interface WhatsAppMessage {
  /** E.164 */
  to: string;
  message: WhatsAppChoice;
  tags: MessageTags;
}

export interface WhatsAppSender {
  /**
   * Sends one message; returns the provider's message id, which status events (delivered, read,
   * failed) carry back. Throws ProviderError: `permanent` for refusals (a paused template, Meta's
   * per-user marketing limit, an invalid number), `throttled`, `unknown` for 5xx and timeouts.
   */
  sendWhatsApp(message: WhatsAppMessage): Promise<{ providerMessageId: string }>;
}

/** A deferred send waiting for its `wakeAt` (quiet hours, a rate slot, provider throttling). */
export interface DeferredSend {
  request: SendRequest;
  wakeAt: string;
  /** Bumped by every `defer` of the message: a release removes only the version it released. */
  version: number;
}

export interface DueQueue {
  /** Defers the message to `wakeAt`, replacing an earlier deferral of it (one wake per message). */
  defer(request: SendRequest, wakeAt: string): Promise<void>;
  /** Deferred sends with `wakeAt <= until`, earliest first per shard. */
  due(until: string): AsyncIterable<DeferredSend>;
  /**
   * Removes the deferral if it is still the one released (same version and wake time); false
   * when the message was deferred again since (its new wake stays) or is gone.
   */
  remove(released: DeferredSend): Promise<boolean>;
  /** Removes the message's deferral whatever its version: an at-least-once send's retry after it went out. */
  cancel(customerId: string, messageId: string): Promise<void>;
}

export type EngagementMetric = 'delivered' | 'opened' | 'clicked' | 'bounced' | 'complained';
export type MessageMetric = SendReason | EngagementMetric;

export interface MessageStatsKey {
  journeyId: string;
  stepId: string;
  variant?: string;
  channel: Channel;
  metric: MessageMetric;
}

/** Sharded counters (`PK=STATS#…`) the report sums: every send outcome and every engagement. */
export interface MessageStats {
  /** `seed` picks the shard (the message id), so one hot step spreads its writes. */
  increment(key: MessageStatsKey, seed: string): Promise<void>;
}

/**
 * What a rate applies to: one journey's `limits.messagesPerSecond`, or the account's
 * `sending.<channel>`; a fast scope's cursor shards add `#<shard>` (shared/channels/pace.ts).
 */
export type RateScope = `journey:${string}` | `account:${Channel}` | `account:${Channel}#${number}`;

/**
 * Send rates shared by every send worker, as a cursor per scope (GCRA): `reserve` hands out the
 * scope's next free slot — `now` when the scope is idle, else the previous slot plus
 * `1 / perSecond` — and moves the cursor past it. A slot in the future is a not-before time: the
 * send is deferred to it (DESIGN "Send" 8) and keeps it (`SendRequest.pacedAt`).
 */
export interface SendRateLimiter {
  /** Takes `count` (default 1) consecutive slots in one write; returns the first (the others follow at `1 / perSecond`). */
  reserve(scope: RateScope, perSecond: number, now: Date, count?: number): Promise<Date>;
}
