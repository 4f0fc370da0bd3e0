/**
 * The address a confirmation limit is kept for (DESIGN "Trust"): lower case, `+tag` removed,
 * and for Gmail the dots of the local part removed (`J.Doe+x@GoogleMail.com` and `jdoe@gmail.com`
 * reach one mailbox), so a mail bomber cannot multiply one victim into many addresses. Kept as a
 * peppered hash: the limits table holds no address and no dictionary reverses it.
 */
import type { Pepper } from '../../privacy/pepper.js';

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

export function mailboxOf(address: string): string {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at <= 0) return lower;
  let local = lower.slice(0, at);
  let domain = lower.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (GMAIL_DOMAINS.has(domain)) {
    local = local.replaceAll('.', '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}

/** The key of the address's limit entry. */
export function mailboxKey(pepper: Pepper, address: string): string {
  return pepper.hash('limit', `confirm:${mailboxOf(address)}`);
}

/** The hash a confirmation request and its link carry for the exact pending address. */
export function pendingAddressHash(pepper: Pepper, address: string): string {
  return pepper.hash('confirm', address.trim().toLowerCase());
}
