/**
 * The edge's proof that a request came through CloudFront: CloudFront adds a secret header to
 * every request it forwards to the API (infra/constructs/edge-distribution.ts), and the API's
 * authorizer lets only requests carrying it reach a function. A request sent straight to the
 * execute-api endpoint has no such header and API Gateway answers 401 without invoking anything.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** The header CloudFront adds; lower case, as API Gateway passes header names. */
export const EDGE_ORIGIN_HEADER = 'x-sadakat-edge';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** True when `presented` is the secret; compared in constant time over digests (equal lengths whatever is presented). */
export function isEdgeRequest(presented: string | undefined, secret: string): boolean {
  if (presented === undefined || secret.length === 0) return false;
  return timingSafeEqual(digest(presented), digest(secret));
}
