/**
 * The pepper (DESIGN "Trust"): the secret key of every hash sadakat keeps on purpose — erasure
 * tombstones, suppression entries, audit lines and the confirmation limits. A bare sha256 of a
 * guessable value (a six-digit customer id, an email address) falls to brute force or a
 * dictionary in seconds; an HMAC-SHA256 under a key the attacker does not hold does not.
 *
 * A kept hash is HMAC-SHA256(pepper, `<purpose>:<legacy hash>`), where the legacy hash is what
 * was stored before the pepper existed (the bare sha256). Entries written under legacy keys stay
 * readable (readers look under both), and because the peppered hash is computed from the legacy
 * one, an operator can later rewrite old entries under their new keys without knowing the ids.
 *
 * The pepper is never rotated: a new one would orphan every suppression and tombstone. In AWS it
 * lives in Secrets Manager (retained); locally in a generated file of the data folder.
 */
import { createHmac, randomBytes } from 'node:crypto';

export type KeptHashPurpose = 'customer' | 'order' | 'address' | 'limit' | 'confirm';

export const MIN_PEPPER_LENGTH = 32;

export class PepperError extends Error {
  override readonly name = 'PepperError';
}

/** Where a pepper comes from: loaded on first use, so a function that never hashes never reads the secret. */
export interface PepperSource {
  get(): Promise<Pepper>;
}

export class Pepper implements PepperSource {
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  /** A pepper from its stored text; `source` names where it came from (never the value) in errors. */
  static parse(text: string, source: string): Pepper {
    const secret = text.trim();
    if (secret.length < MIN_PEPPER_LENGTH)
      throw new PepperError(
        `${source}: the pepper must be at least ${MIN_PEPPER_LENGTH} characters of secret (got ${secret.length})`,
      );
    return new Pepper(Buffer.from(secret, 'utf8'));
  }

  /** A new pepper's text: 32 random bytes as hex. */
  static generateText(): string {
    return randomBytes(32).toString('hex');
  }

  /** Lowercase hex HMAC-SHA256(pepper, `<purpose>:<value>`). */
  hash(purpose: KeptHashPurpose, value: string): string {
    return createHmac('sha256', this.#key).update(`${purpose}:${value}`, 'utf8').digest('hex');
  }

  /** A loaded pepper is its own source. */
  get(): Promise<Pepper> {
    return Promise.resolve(this);
  }

  /** Keeps the key out of logs and JSON. */
  toJSON(): string {
    return '[pepper]';
  }
}
