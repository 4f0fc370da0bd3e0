/**
 * The identity token (DESIGN "Trust", a contract): the storefront's back end computes
 * `context.identityToken` = lowercase hex HMAC-SHA256(identity secret, userId) for the signed-in
 * customer and puts it in the page, so a browser call about that customer can prove who it is
 * (the pattern of Intercom's identity verification). Compared in constant time; never logged.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX_SHA256 = /^[0-9a-f]{64}$/;

export function identityToken(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/** True only for the exact lowercase hex token of this userId under this secret. */
export function verifyIdentityToken(secret: string, userId: string, token: unknown): boolean {
  if (typeof token !== 'string' || !HEX_SHA256.test(token)) return false;
  return timingSafeEqual(Buffer.from(token, 'hex'), createHmac('sha256', secret).update(userId, 'utf8').digest());
}

/** Where ingest finds the identity secret: fixed locally, a TTL-cached secret in AWS. */
export interface IdentitySecretSource {
  /** The secret, or undefined when none is configured (then no browser call is verified). */
  get(): Promise<string | undefined>;
}

export const fixedIdentitySecret = (secret: string | undefined): IdentitySecretSource => ({
  get: async () => secret,
});
