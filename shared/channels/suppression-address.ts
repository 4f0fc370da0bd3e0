/**
 * The suppression list is keyed by a peppered hash of the normalized address (DESIGN "Data
 * model": no raw PII in keys; DESIGN "Trust": no bare sha256 of a guessable value, which a
 * dictionary of addresses reverses). Email addresses compare case-insensitively after trimming
 * (in practice mailbox providers ignore case), phone numbers as E.164 digits with a leading +.
 * Entries written before the pepper are keyed by `legacySuppressionHash` and are still read.
 */
import { createHash } from 'node:crypto';
import type { Pepper } from '../privacy/pepper.js';
import type { SuppressionEntry, SuppressionReason } from './ports.js';

/**
 * WhatsApp stop requests are kept per number apart from SMS opt-outs (decision 202): the entry's
 * address is `whatsapp:<E.164>`, which normalizes to itself and never to the SMS number's key.
 */
export const WHATSAPP_ADDRESS_PREFIX = 'whatsapp:';

/** The suppression list's address of a number's WhatsApp conversation. */
export function whatsappAddress(phone: string): string {
  return `${WHATSAPP_ADDRESS_PREFIX}${phone}`;
}

export function normalizeAddress(address: string): string {
  const trimmed = address.trim();
  if (trimmed.startsWith(WHATSAPP_ADDRESS_PREFIX))
    return `${WHATSAPP_ADDRESS_PREFIX}${normalizeAddress(trimmed.slice(WHATSAPP_ADDRESS_PREFIX.length))}`;
  if (trimmed.includes('@')) return trimmed.toLowerCase();
  const digits = trimmed.replace(/[^\d]/g, '');
  return trimmed.startsWith('+') ? `+${digits}` : digits;
}

export function legacySuppressionHash(address: string): string {
  return createHash('sha256').update(normalizeAddress(address), 'utf8').digest('hex');
}

export function suppressionHash(pepper: Pepper, address: string): string {
  return pepper.hash('address', legacySuppressionHash(address));
}

/**
 * Bounces and complaints are final; an unsubscribe or SMS opt-out is lifted for a profile whose
 * own later grant of the channel (a verified call: the customer asked again) postdates it.
 */
export const PERMANENT_REASONS: ReadonlySet<SuppressionReason> = new Set(['bounce', 'complaint']);

/** Of two entries for one address (e.g. under the legacy and the peppered key), the one that suppresses more. */
export function strongerEntry(
  a: SuppressionEntry | undefined,
  b: SuppressionEntry | undefined,
): SuppressionEntry | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const permanentA = PERMANENT_REASONS.has(a.reason);
  if (permanentA !== PERMANENT_REASONS.has(b.reason)) return permanentA ? a : b;
  return a.at >= b.at ? a : b;
}
