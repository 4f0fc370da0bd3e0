/**
 * The hashes erasure keeps instead of ids (docs/decisions.md "Privacy" 24, DESIGN "Trust"):
 * peppered (pepper.ts), so a tombstone or an audit line does not give a short customer id back
 * to brute force. Order hashes are salted with the customer id, so the same order id of two
 * customers gives unrelated hashes, and truncated to 128 bits, plenty for one customer's orders.
 *
 * The `legacy…` functions are the bare sha256 hashes written before the pepper: tombstones under
 * them are still read, so no erased order is counted again after the change.
 */
import { createHash } from 'node:crypto';
import type { Pepper } from './pepper.js';

const ORDER_HASH_LENGTH = 32;

export function legacyCustomerHash(customerId: string): string {
  return createHash('sha256').update(customerId, 'utf8').digest('hex');
}

export function legacyOrderHash(customerId: string, orderId: string): string {
  return createHash('sha256').update(`${customerId}\u0000${orderId}`, 'utf8').digest('hex').slice(0, ORDER_HASH_LENGTH);
}

export function customerHash(pepper: Pepper, customerId: string): string {
  return pepper.hash('customer', legacyCustomerHash(customerId));
}

export function orderHash(pepper: Pepper, customerId: string, orderId: string): string {
  return pepper.hash('order', legacyOrderHash(customerId, orderId)).slice(0, ORDER_HASH_LENGTH);
}
