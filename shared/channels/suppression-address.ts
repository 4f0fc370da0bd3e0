/**
 * The suppression list is keyed by a hash of the normalized address (DESIGN "Data model": no raw
 * PII in keys): email addresses compare case-insensitively after trimming (in practice mailbox
 * providers ignore case), phone numbers as E.164 digits with a leading +.
 */
import { createHash } from 'node:crypto';

export function normalizeAddress(address: string): string {
  const trimmed = address.trim();
  if (trimmed.includes('@')) return trimmed.toLowerCase();
  const digits = trimmed.replace(/[^\d]/g, '');
  return trimmed.startsWith('+') ? `+${digits}` : digits;
}

export function suppressionHash(address: string): string {
  return createHash('sha256').update(normalizeAddress(address), 'utf8').digest('hex');
}
