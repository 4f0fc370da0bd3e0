/**
 * Write keys from a Secrets Manager secret (the CDK stack creates it): the secret string is the
 * same comma-separated list as WRITE_KEYS, so a key is rotated by adding the new one, moving the
 * storefronts, then removing the old one. Loaded once per cold start, on the first request; a
 * failed load is not cached, so the next request tries again.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseWriteKeyList, StaticWriteKeys, type WriteKeyVerifier } from '../events/write-key.js';

export class WriteKeySecretError extends Error {
  override readonly name = 'WriteKeySecretError';
}

export class SecretsManagerWriteKeys implements WriteKeyVerifier {
  private loading: Promise<StaticWriteKeys> | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
  ) {}

  async verify(candidate: string): Promise<boolean> {
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return (await this.loading).verify(candidate);
  }

  private async load(): Promise<StaticWriteKeys> {
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    // The message names the secret, never its value.
    if (SecretString === undefined)
      throw new WriteKeySecretError(
        `secret ${this.secretId} has no string value: store the write keys as text, comma-separated`,
      );
    const keys = parseWriteKeyList(SecretString);
    if (keys.length === 0)
      throw new WriteKeySecretError(`secret ${this.secretId} holds no write key: store at least one, comma-separated`);
    return new StaticWriteKeys(keys);
  }
}
