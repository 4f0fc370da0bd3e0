/**
 * What happened to a SendRequest (DESIGN "Send"): every request ends in exactly one reason, and
 * every reason is counted (ledger status and message stats) so the report can show refusals.
 */
import type { Channel } from './send-request.js';

export const SEND_REASONS = [
  'duplicate',
  'holdout',
  /** Promotional sends to a customer with an open complaint (settings `complaints.pausePromotions`). */
  'open_complaint',
  'no_consent',
  'unreachable',
  'suppressed',
  'missing_variable',
  'deferred',
  'frequency_cap',
  'failed',
  'unknown',
  'sent',
  /** `confirm` sends: the profile no longer has this pending address (confirmed, replaced or gone). */
  'not_pending',
  /** `confirm` sends: the address had its confirmation in the last 24 h, or 3 in 30 days. */
  'confirm_limit',
  /** `confirm` sends: the key's or the global hourly budget of confirmations is spent (detail says which). */
  'confirm_budget',
] as const;
export type SendReason = (typeof SEND_REASONS)[number];

/** Why a send was deferred through the `due` index, to come back at its `wakeAt`. */
export type DeferCause = 'quiet_hours' | 'rate_limited' | 'throttled' | 'retry';

/** A decision that ends this delivery of the request (the queue message is deleted). */
export interface SendOutcome {
  kind: 'done';
  reason: SendReason;
  /** The channel finally used or refused (a fallback channel when the first had no consent or address). */
  channel: Channel;
  /** Human detail for logs: the missing variable, the cap that was hit, the provider's error code. Never an address. */
  detail?: string;
  /** For `deferred`: when the request comes back (release-deferred re-enqueues it then). */
  wakeAt?: string;
  /**
   * For `deferred`: quiet hours, a rate slot ahead (the account's `sending` or the journey's
   * `messagesPerSecond`), or the provider throttled (nothing went out; the claim was released),
   * or an at-least-once attempt failed and the next one is due then (`retry`, decision 160).
   */
  cause?: DeferCause;
  /** For `sent`: the provider's id of the message (SES, SNS), as the ledger stores it (the archive's decisions). */
  providerMessageId?: string;
}

/** Every decision ends the delivery: nothing is thrown back to the queue (throttling is deferred). */
export type SendResult = SendOutcome;
