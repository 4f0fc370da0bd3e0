/**
 * The `confirm` SendRequest process-events queues when an unverified call gives a new or
 * anonymous profile an email address with an email grant (DESIGN "Trust"). Its ledger id is
 * HMAC(pepper, customer|address hash|day): a replay of the same identify (analytics.js repeats
 * cached traits on every page) within the day is one request, and the mailbox limit keeps the
 * days after it to 1 in 24 h and 3 in 30 days.
 */
import type { Pepper } from '../../privacy/pepper.js';
import type { SendRequest } from '../send-request.js';
import { pendingAddressHash } from './address-key.js';
import { CONFIRM_JOURNEY_ID, CONFIRM_TEMPLATE } from './decide-confirm.js';

const DAY_MS = 86_400_000;

export function confirmRequest(
  pepper: Pepper,
  customerId: string,
  address: string,
  keyId: string,
  now: Date,
): SendRequest {
  const addressHash = pendingAddressHash(pepper, address);
  const day = Math.floor(now.getTime() / DAY_MS);
  return {
    kind: 'confirm',
    confirm: { addressHash, keyId },
    messageId: pepper.hash('confirm', `message|${customerId}|${addressHash}|${day}`),
    customerId,
    journeyId: CONFIRM_JOURNEY_ID,
    runId: String(day),
    stepId: 'confirm',
    visit: 0,
    holdout: false,
    channel: 'email',
    fallback: [],
    template: CONFIRM_TEMPLATE,
    vars: {},
    transactional: true,
    requestedAt: now.toISOString(),
  };
}
