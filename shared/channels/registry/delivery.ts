/**
 * How each channel delivers: at most once (the ledger's claim, then `unknown` if the provider's
 * answer is lost), or at least once where the receiver de-duplicates by the message id (webhook,
 * decision 160). The registry's entries take theirs from here; the send reconciler reads it
 * without the providers' code (the email entry alone carries a 135 KB MIME composer, decision 242).
 */
import type { Channel } from '../send-request.js';
import type { Delivery } from './channel-entry.js';

export const CHANNEL_DELIVERY: { readonly [C in Channel]: Delivery } = {
  email: 'at-most-once',
  sms: 'at-most-once',
  push: 'at-most-once',
  webhook: 'at-least-once',
  call: 'at-most-once',
  whatsapp: 'at-most-once',
};

/** A channel named by a stored item (a ledger entry): unknown names deliver at most once. */
export function deliveryOf(channel: string): Delivery {
  return Object.hasOwn(CHANNEL_DELIVERY, channel) ? CHANNEL_DELIVERY[channel as Channel] : 'at-most-once';
}
