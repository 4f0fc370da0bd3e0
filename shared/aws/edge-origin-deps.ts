/** edge-origin-authorizer's dependencies in Lambda, built once per cold start from the environment. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { systemClock } from '../ports.js';
import { CachedSecret } from './cached-secret.js';

/** EDGE_ORIGIN_SECRET_ARN, set by the stack; re-read like every kept secret (a redeploy may replace it). */
export function edgeOriginSecretFrom(env: NodeJS.ProcessEnv): { get(): Promise<string> } {
  const secretArn = env.EDGE_ORIGIN_SECRET_ARN;
  if (!secretArn)
    throw new Error('EDGE_ORIGIN_SECRET_ARN is not set: the CDK stack sets it when edgeWebAclArn is given');
  return new CachedSecret(new SecretsManagerClient({}), secretArn, (text) => text.trim(), systemClock);
}
