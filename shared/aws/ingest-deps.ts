/** ingest's dependencies in Lambda, built once per cold start from the environment. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { fixedIdentitySecret, type IdentitySecretSource } from '../events/identity-token.js';
import type { IngestDeps } from '../events/ingest.js';
import { parseWriteKeyList, serverKeys, StaticWriteKeys, type WriteKeyVerifier } from '../events/write-key.js';
import { systemClock } from '../ports.js';
import { loadCompiledSettings } from '../wiring/compiled-documents.js';
import { composeIngestDeps } from '../wiring/compose-ingest.js';
import { campaignJsonOf } from './campaign-json.js';
import { CachedSecret } from './cached-secret.js';
import { createDocumentClient } from './dynamo-client.js';
import { DynamoIdentityMap } from './dynamo-identity-map.js';
import { requireEnv } from './require-env.js';
import { SecretsManagerWriteKeys } from './secrets-write-keys.js';
import { SqsEventQueue } from './sqs-event-queue.js';

export async function awsIngestDeps(env: NodeJS.ProcessEnv): Promise<IngestDeps> {
  const settings = await loadCompiledSettings(campaignJsonOf(env));
  const deps = composeIngestDeps(
    {
      // The one table port ingest reads, not every adapter (awsCoreAdapters).
      table: { identity: new DynamoIdentityMap(createDocumentClient({}), requireEnv(env, 'TABLE_NAME')) },
      events: new SqsEventQueue(new SQSClient({}), requireEnv(env, 'EVENTS_QUEUE_URL')),
      clock: systemClock,
      writeKeys: writeKeysFrom(env),
      identitySecret: identitySecretFrom(env),
    },
    settings,
  );
  // Behind CloudFront the request's Host is the API's own; PUBLIC_HOST is the edge's (the stack sets it).
  return env.PUBLIC_HOST ? { ...deps, publicHost: env.PUBLIC_HOST } : deps;
}

/**
 * The deployed stack sets WRITE_KEYS_SECRET_ARN (the keys stay out of the function's
 * configuration); WRITE_KEYS, comma-separated server keys, serves local runs without Secrets Manager.
 */
export function writeKeysFrom(env: NodeJS.ProcessEnv): WriteKeyVerifier {
  const secretArn = env.WRITE_KEYS_SECRET_ARN;
  if (secretArn) {
    const logger = new Logger({ serviceName: 'ingest' });
    return new SecretsManagerWriteKeys(new SecretsManagerClient({}), secretArn, {
      onLegacyFormat: () =>
        logger.warn(
          'the write-keys secret is a comma-separated list: every key in it is a server key; move browser keys to { id, key, scope: "browser", origins } entries (docs/deploy.md)',
        ),
    });
  }
  if (!env.WRITE_KEYS)
    throw new Error(
      'neither WRITE_KEYS_SECRET_ARN nor WRITE_KEYS is set: the CDK stack sets the first; set WRITE_KEYS=key1,key2 for local runs',
    );
  return new StaticWriteKeys(serverKeys(parseWriteKeyList(env.WRITE_KEYS)));
}

/** IDENTITY_SECRET_ARN in the stack (re-read like the keys); IDENTITY_SECRET locally; else no browser call is verified. */
export function identitySecretFrom(env: NodeJS.ProcessEnv): IdentitySecretSource {
  const secretArn = env.IDENTITY_SECRET_ARN;
  if (secretArn) {
    const secret = new CachedSecret(new SecretsManagerClient({}), secretArn, (text) => text.trim(), systemClock);
    return { get: () => secret.get() };
  }
  return fixedIdentitySecret(env.IDENTITY_SECRET || undefined);
}
