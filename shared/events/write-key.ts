/**
 * Segment write keys: where a request carries one, and whether it is one of ours. Keys are
 * compared in constant time over sha256 digests (equal lengths, so timingSafeEqual applies and
 * the length of a configured key does not leak either). Keys are never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface WriteKeyVerifier {
  verify(candidate: string): Promise<boolean>;
}

const digest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/** Keys given at start-up (environment for now; Secrets Manager later behind the same port). */
export class StaticWriteKeys implements WriteKeyVerifier {
  private readonly digests: readonly Buffer[];

  constructor(keys: readonly string[]) {
    const usable = keys.map((key) => key.trim()).filter((key) => key.length > 0);
    if (usable.length === 0) throw new Error('no write keys configured: give at least one non-empty key');
    this.digests = usable.map(digest);
  }

  async verify(candidate: string): Promise<boolean> {
    const candidateDigest = digest(candidate);
    // Compare with every key, no early exit: the time taken does not say which key matched.
    let matched = false;
    for (const known of this.digests) matched = timingSafeEqual(candidateDigest, known) || matched;
    return matched;
  }
}

/** Parses comma-separated keys (the WRITE_KEYS variable). */
export function parseWriteKeyList(list: string): string[] {
  return list
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key.length > 0);
}

export type AuthorizationKey = { kind: 'absent' } | { kind: 'malformed' } | { kind: 'key'; key: string };

/** `Authorization: Basic base64(writeKey + ':')`; the password part is ignored, as Segment does. */
export function writeKeyFromAuthorization(header: string | undefined): AuthorizationKey {
  if (header === undefined || header.trim() === '') return { kind: 'absent' };
  const match = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header.trim());
  if (!match?.[1]) return { kind: 'malformed' };
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = colon === -1 ? decoded : decoded.slice(0, colon);
  return key.length > 0 ? { kind: 'key', key } : { kind: 'malformed' };
}
