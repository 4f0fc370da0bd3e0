/**
 * Confirmation links (DESIGN "Trust"): `/c/<token>` binds the customer and the pending address's
 * hash and expires 7 days after it was signed. HMAC-SHA256 under the unsubscribe keyring's keys,
 * with a purpose of its own, so no unsubscribe token is a confirmation token or the reverse.
 * Format: `<keyId>.<base64url(customerId)>.<addressHash>.<expires, epoch seconds>.<base64url(mac)>`.
 * A forged, altered or expired token is refused with no detail for an attacker to learn from.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { UnsubscribeKeyring } from '../unsubscribe-token.js';

export const CONFIRM_TOKEN_DAYS = 7;
const DAY_MS = 86_400_000;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const HEX64 = /^[0-9a-f]{64}$/;

export type ConfirmTokenCheck =
  | { valid: true; customerId: string; addressHash: string }
  | { valid: false; reason: 'invalid' | 'expired' };

export function signConfirmToken(
  keyring: UnsubscribeKeyring,
  customerId: string,
  addressHash: string,
  now: Date,
): string {
  const secret = keyring.keys[keyring.current];
  if (secret === undefined || !KEY_ID.test(keyring.current))
    throw new Error(`keyring: current key id ${JSON.stringify(keyring.current)} has no secret or is malformed`);
  const customer = Buffer.from(customerId, 'utf8').toString('base64url');
  const expires = String(Math.floor((now.getTime() + CONFIRM_TOKEN_DAYS * DAY_MS) / 1000));
  return `${keyring.current}.${customer}.${addressHash}.${expires}.${mac(secret, keyring.current, customer, addressHash, expires)}`;
}

export function verifyConfirmToken(keyring: UnsubscribeKeyring, token: string, now: Date): ConfirmTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 5) return { valid: false, reason: 'invalid' };
  const [keyId, customer, addressHash, expires, signature] = parts as [string, string, string, string, string];
  const secret = Object.hasOwn(keyring.keys, keyId) ? keyring.keys[keyId] : undefined;
  if (secret === undefined || customer.length === 0 || !HEX64.test(addressHash) || !/^\d{1,12}$/.test(expires))
    return { valid: false, reason: 'invalid' };
  const expected = Buffer.from(mac(secret, keyId, customer, addressHash, expires), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { valid: false, reason: 'invalid' };
  if (now.getTime() > Number(expires) * 1000) return { valid: false, reason: 'expired' };
  return { valid: true, customerId: Buffer.from(customer, 'base64url').toString('utf8'), addressHash };
}

function mac(secret: string, keyId: string, customer: string, addressHash: string, expires: string): string {
  return createHmac('sha256', secret)
    .update(`sadakat-confirm\u0000${keyId}\u0000${customer}\u0000${addressHash}\u0000${expires}`)
    .digest('base64url');
}
