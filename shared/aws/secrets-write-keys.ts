/**
 * Write keys from a Secrets Manager secret (the CDK stack creates it): a JSON array of
 * `{ id, key, scope, origins? }` entries (docs/deploy.md), or the comma-separated list of the
 * format before key scopes, whose keys are all server keys. Re-read when the cached copy is older
 * than the TTL, so a removed key stops working within minutes.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  parseWriteKeySecret,
  StaticWriteKeys,
  WriteKeyConfigError,
  type KnownWriteKey,
  type WriteKeyVerifier,
} from '../events/write-key.js';
import { systemClock, type Clock } from '../ports.js';
import { CachedSecret } from './cached-secret.js';

export class WriteKeySecretError extends Error {
  override readonly name = 'WriteKeySecretError';
}

export class SecretsManagerWriteKeys implements WriteKeyVerifier {
  private readonly secret: CachedSecret<StaticWriteKeys>;

  constructor(
    client: SecretsManagerClient,
    secretId: string,
    options: { clock?: Clock; ttlMs?: number; onLegacyFormat?: () => void } = {},
  ) {
    const parse = (text: string): StaticWriteKeys => {
      try {
        const { entries, format } = parseWriteKeySecret(text);
        if (format === 'legacy-list') options.onLegacyFormat?.();
        return new StaticWriteKeys(entries);
      } catch (error) {
        if (error instanceof WriteKeyConfigError)
          throw new WriteKeySecretError(
            `secret ${secretId} ${error.message} (store a JSON array of { id, key, scope, origins? } entries: docs/deploy.md)`,
          );
        throw error;
      }
    };
    this.secret = new CachedSecret(client, secretId, parse, options.clock ?? systemClock, options.ttlMs);
  }

  async verify(candidate: string): Promise<KnownWriteKey | undefined> {
    return (await this.secret.get()).verify(candidate);
  }

  async browserOrigins(): Promise<ReadonlySet<string>> {
    return (await this.secret.get()).browserOrigins();
  }
}
