/**
 * Unsubscribe tokens (DESIGN "Send"): HMAC-SHA256 over (key id, customer, channel), base64url,
 * no expiry — an opt-out link in a two-year-old email must still work. Keys rotate by id: new
 * tokens use the current key, old ones verify as long as their key stays in the keyring.
 * Format: `<keyId>.<base64url(customerId)>.<channel>.<base64url(mac)>`. A forged or altered token
 * is `invalid`, with no detail for an attacker to learn from.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { CONSENT_CHANNELS, type ConsentChannel } from '../profiles/consent.js';

/** A token revokes a consent: only channels with one carry unsubscribe links. */
const consentChannelSchema = z.enum(CONSENT_CHANNELS);
type Channel = ConsentChannel;

export interface UnsubscribeKeyring {
  /** The key id new tokens are signed with. */
  current: string;
  /** Key id → secret (at least 32 bytes of randomness). */
  keys: Record<string, string>;
}

export type TokenCheck = { valid: true; customerId: string; channel: Channel } | { valid: false };

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export function signUnsubscribeToken(keyring: UnsubscribeKeyring, customerId: string, channel: Channel): string {
  const secret = keyring.keys[keyring.current];
  if (secret === undefined || !KEY_ID.test(keyring.current))
    throw new Error(
      `unsubscribe keyring: current key id ${JSON.stringify(keyring.current)} has no secret or is malformed`,
    );
  const customer = Buffer.from(customerId, 'utf8').toString('base64url');
  return `${keyring.current}.${customer}.${channel}.${mac(secret, keyring.current, customer, channel)}`;
}

export function verifyUnsubscribeToken(keyring: UnsubscribeKeyring, token: string): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 4) return { valid: false };
  const [keyId, customer, channelText, signature] = parts as [string, string, string, string];
  const secret = Object.hasOwn(keyring.keys, keyId) ? keyring.keys[keyId] : undefined;
  const channel = consentChannelSchema.safeParse(channelText);
  if (secret === undefined || !channel.success || customer.length === 0) return { valid: false };
  const expected = Buffer.from(mac(secret, keyId, customer, channel.data), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { valid: false };
  return { valid: true, customerId: Buffer.from(customer, 'base64url').toString('utf8'), channel: channel.data };
}

function mac(secret: string, keyId: string, customer: string, channel: Channel): string {
  return createHmac('sha256', secret)
    .update(`sadakat-unsubscribe\u0000${keyId}\u0000${customer}\u0000${channel}`)
    .digest('base64url');
}
