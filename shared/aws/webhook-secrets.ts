/**
 * Where webhook endpoints' secrets come from (settings.yaml `webhooks.<name>.secret`): an
 * environment variable (`{ env: NAME }`, locally or set on the send function) or AWS Secrets
 * Manager (`{ secretsManager: id }`, read through the 4-minute cache so a rotated secret is
 * picked up). Locally Secrets Manager is not reached: such an endpoint is a clear error.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Clock } from '../ports.js';
import { CachedSecret } from './cached-secret.js';
import { checkWebhookSecret, type WebhookSecretSource } from './webhook-sender.js';

export function envWebhookSecrets(env: NodeJS.ProcessEnv): WebhookSecretSource {
  return async ({ endpoint, secret }) => {
    if (!('env' in secret))
      throw new Error(
        `webhook endpoint ${endpoint}: its secret is in Secrets Manager, which is not reached here; use secret: { env: NAME } locally`,
      );
    const value = env[secret.env];
    if (value === undefined || value === '')
      throw new Error(`webhook endpoint ${endpoint}: environment variable ${secret.env} is not set`);
    return checkWebhookSecret(endpoint, value);
  };
}

export function awsWebhookSecrets(
  env: NodeJS.ProcessEnv,
  client: SecretsManagerClient,
  clock: Clock,
): WebhookSecretSource {
  const fromEnv = envWebhookSecrets(env);
  const cached = new Map<string, CachedSecret<string>>();
  return async (post) => {
    const { secret, endpoint } = post;
    if ('env' in secret) return fromEnv(post);
    let entry = cached.get(secret.secretsManager);
    if (!entry) {
      entry = new CachedSecret(client, secret.secretsManager, (text) => checkWebhookSecret(endpoint, text), clock);
      cached.set(secret.secretsManager, entry);
    }
    return entry.get();
  };
}
