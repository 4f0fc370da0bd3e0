/**
 * The `confirm` send kind (DESIGN "Trust"): one double opt-in email to the profile's pending
 * address, from the fixed `confirm-email` template. In order:
 *
 *   duplicate (ledger: one per customer, address and day) → not_pending (the profile no longer
 *   has this pending address with a pending email grant) → suppressed (any entry for the
 *   address: never to a suppressed address) → render (no profile field, no caller text: only
 *   the link and the shop's name from settings) → the mailbox limit and the key's and global
 *   hourly budgets (confirm_limit, confirm_budget; taken just before the claim) → claim →
 *   provider.
 *
 * No holdout, quiet hours or frequency caps: the customer is waiting for this email.
 */
import { RESERVED_JOURNEY_PREFIX } from '../../journeys/ast.js';
import type { PepperSource } from '../../privacy/pepper.js';
import type { DecisionDeps, SendDecision } from '../decide-send.js';
import { checkDuplicate } from '../guards/duplicate.js';
import { PASS } from '../guards/guard-result.js';
import type { Recipient } from '../registry/channel-entry.js';
import type { SendRequest } from '../send-request.js';
import { mailboxKey, pendingAddressHash } from './address-key.js';
import { pendingAddress } from './pending-address.js';
import { signConfirmToken } from './confirm-token.js';
import type { ConfirmBudgets, ConfirmLimits } from './limits.js';

/** The fixed template of the confirmation (campaign/templates/confirm-email). */
export const CONFIRM_TEMPLATE = 'confirm-email';
/** The journey id confirmation requests and their stats carry; campaign validation reserves it. */
export const CONFIRM_JOURNEY_ID = `${RESERVED_JOURNEY_PREFIX}confirm`;

export interface ConfirmSendDeps {
  limits: ConfirmLimits;
  pepper: PepperSource;
  budgets: ConfirmBudgets;
}

export async function decideConfirm(deps: DecisionDeps, request: SendRequest): Promise<SendDecision> {
  const refuse = (reason: Extract<SendDecision, { kind: 'refuse' }>['reason'], detail?: string): SendDecision => ({
    kind: 'refuse',
    reason,
    channel: 'email',
    ...(detail ? { detail } : {}),
  });
  const target = request.confirm;
  if (request.channel !== 'email' || !target) return refuse('failed', 'a confirm request is email with a target');
  if (!deps.confirm) return refuse('failed', 'confirmations are not configured for this send function');

  const duplicate = await checkDuplicate(deps.ledger, request);
  if (!duplicate.ok) return refuse(duplicate.reason, duplicate.detail);

  const pepper = await deps.confirm.pepper.get();
  const profile = await deps.profiles.getProfile(request.customerId);
  const address = pendingAddress(profile);
  if (address === undefined || pendingAddressHash(pepper, address) !== target.addressHash) return refuse('not_pending');

  if ((await deps.suppression.find(address)) !== undefined) return refuse('suppressed', 'address');

  const now = deps.clock.now();
  const token = signConfirmToken(deps.unsubscribe.keyring, request.customerId, target.addressHash, now);
  const confirmUrl = `${deps.unsubscribe.baseUrl.replace(/\/+$/, '')}/c/${token}`;
  const rendered = await deps.templates.render(CONFIRM_TEMPLATE, 'email', {
    profile: { id: '', name: {}, traits: {}, recommendations: [], cart: { value: 0, items: [] }, orders: { count: 0 } },
    vars: { shop: deps.settings.sender.fromName ?? deps.settings.sender.fromAddress ?? '' },
    confirm_url: confirmUrl,
  });
  if (!rendered.ok)
    return rendered.reason === 'missing_variable'
      ? refuse('missing_variable', rendered.variable)
      : refuse('failed', rendered.detail);
  if (!deps.settings.sender.fromAddress) return refuse('failed', 'settings.sender.fromAddress is not set');

  return {
    kind: 'send',
    channel: 'email',
    recipient: confirmRecipient(address),
    content: rendered.content,
    confirmLimit: { mailboxKey: mailboxKey(pepper, address), keyId: target.keyId, budgets: deps.confirm.budgets },
    now,
  };
}

/** The pending address as a recipient: no List-Unsubscribe (not marketing: there is no list yet). */
function confirmRecipient(address: string): Recipient {
  return {
    channel: 'email',
    suppression: async () => PASS,
    fit: (content) => ({ ok: true, content }),
    send: async ({ content, tags, deps }) => {
      if (content.channel !== 'email') throw new Error(`confirmation given ${content.channel} content`);
      const { fromAddress: from, fromName } = deps.settings.sender;
      if (!from) throw new Error('settings.sender.fromAddress is not set: email cannot be sent without a from address');
      const sent = await deps.email.sendEmail({
        from: { address: from, ...(fromName ? { name: fromName } : {}) },
        to: address,
        subject: content.subject,
        text: content.text,
        html: content.html,
        headers: [],
        tags,
      });
      return sent.providerMessageId;
    },
  };
}
