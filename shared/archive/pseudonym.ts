/**
 * Pseudonyms of the archive (issue 23, "Privacy by design"): every id that names a customer or
 * leads back to the shop's systems — customer, anonymous id, order and complaint ids, message ids, run id — is
 * archived as HMAC-SHA256 under the customer's own archive key, kept in the profile
 * (`archiveKey`). `forget` deletes the profile and with it the key (crypto-shredding): the rows
 * stay, and nothing that survives the erasure can compute their pseudonyms again.
 *
 * Pseudonyms are stable per customer, so an analyst can still count distinct customers, join a
 * customer's events, decisions and engagement, and replay rebuilds each profile under its
 * pseudonym. A key is never shared between customers, so no pseudonym links two of them.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** 128-bit key, base64url (22 characters in the profile). */
export function newArchiveKey(): string {
  return randomBytes(16).toString('base64url');
}

/** What the id is: part of the MAC input, so an order id and a message id with the same text differ. */
export type PseudonymKind = 'customer' | 'anonymous' | 'order' | 'message' | 'run' | 'provider' | 'complaint' | 'call';

/** HMAC-SHA256(key, kind NUL value), first 128 bits, base64url: 22 characters. */
export function pseudonym(key: string, kind: PseudonymKind, value: string): string {
  return createHmac('sha256', Buffer.from(key, 'base64url'))
    .update(`${kind}\u0000${value}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/** The pseudonyms of one customer's rows; absent key (a profile written before archive keys existed): ids left out. */
export class Pseudonyms {
  constructor(private readonly key: string | undefined) {}

  get keyed(): boolean {
    return this.key !== undefined;
  }

  of(kind: PseudonymKind, value: string | undefined): string | null {
    return this.key === undefined || value === undefined ? null : pseudonym(this.key, kind, value);
  }
}
