/**
 * A Secrets Manager secret read on first use and again once its copy is older than the TTL
 * (DESIGN "Trust": key caches expire within 5 minutes, so a revoked key stops working). Concurrent
 * requests share one read; a failed read is not cached, so the next request tries again.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Clock } from '../ports.js';

/** Within DESIGN's 5 minutes, with room for a read in flight when the copy expires. */
export const SECRET_CACHE_TTL_MS = 4 * 60 * 1000;

export class SecretValueError extends Error {
  override readonly name = 'SecretValueError';
}

export class CachedSecret<T> {
  private loading: { value: Promise<T>; at: number } | undefined;

  /** `parse` gets the secret's text; its errors must name what is wrong, never the value. */
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
    private readonly parse: (text: string) => T,
    private readonly clock: Clock,
    private readonly ttlMs = SECRET_CACHE_TTL_MS,
  ) {}

  async get(): Promise<T> {
    const now = this.clock.now().getTime();
    if (!this.loading || now - this.loading.at >= this.ttlMs) {
      const loading = { value: this.load(), at: now };
      loading.value.catch(() => {
        if (this.loading === loading) this.loading = undefined;
      });
      this.loading = loading;
    }
    return this.loading.value;
  }

  private async load(): Promise<T> {
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    // Messages name the secret, never its value.
    if (SecretString === undefined) throw new SecretValueError(`secret ${this.secretId} has no string value`);
    return this.parse(SecretString);
  }
}
