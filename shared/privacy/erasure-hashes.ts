/**
 * The hashes erasure keeps instead of ids (docs/decisions.md "Privacy"). Customer hashes are the
 * full sha256 hex, like suppression keys. Order hashes are salted with the customer id, so the
 * same order id of two customers gives unrelated hashes, and truncated to 128 bits, plenty for
 * the orders of one customer.
 */
import { createHash } from 'node:crypto';

export function customerHash(customerId: string): string {
  return createHash('sha256').update(customerId, 'utf8').digest('hex');
}

export function orderHash(customerId: string, orderId: string): string {
  return createHash('sha256').update(`${customerId}\u0000${orderId}`, 'utf8').digest('hex').slice(0, 32);
}
