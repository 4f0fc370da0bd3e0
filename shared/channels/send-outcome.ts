/**
 * What happened to a SendRequest (DESIGN "Send"): every request ends in exactly one reason, and
 * every reason is counted (ledger status and message stats) so the report can show refusals.
 */
import type { Channel } from './send-request.js';

export const SEND_REASONS = [
  'duplicate',
  'holdout',
  'no_consent',
  'unreachable',
  'suppressed',
  'missing_variable',
  'deferred',
  'frequency_cap',
  'failed',
  'unknown',
  'sent',
] as const;
export type SendReason = (typeof SEND_REASONS)[number];

/** A decision that ends the request's delivery (the queue message is deleted). */
export interface SendOutcome {
  kind: 'done';
  reason: SendReason;
  /** The channel finally used or refused (a fallback channel when the first had no consent or address). */
  channel: Channel;
  /** Human detail for logs: the missing variable, the cap that was hit, the provider's error code. Never an address. */
  detail?: string;
  /** For `deferred`: when the request comes back. */
  wakeAt?: string;
}

/** The provider throttled us and nothing went out: the claim was released and the queue retries. */
export interface SendRetry {
  kind: 'retry';
  /** `throttled`: the provider said slow down; `rate_limited`: the journey is at its `messagesPerSecond`. */
  cause: 'throttled' | 'rate_limited';
  channel: Channel;
  detail: string;
}

export type SendResult = SendOutcome | SendRetry;
