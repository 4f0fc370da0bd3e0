/** ingest's dependencies in Lambda, built once per cold start from the environment. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { parseWriteKeyList, StaticWriteKeys, type WriteKeyVerifier } from '../events/write-key.js';
import type { IngestDeps } from '../events/ingest.js';
import { systemClock } from '../ports.js';
import { createDocumentClient } from './dynamo-client.js';
import { DynamoIdentityMap } from './dynamo-identity-map.js';
import { requireEnv } from './require-env.js';
import { SecretsManagerWriteKeys } from './secrets-write-keys.js';
import { SqsEventQueue } from './sqs-event-queue.js';

export function awsIngestDeps(env: NodeJS.ProcessEnv): IngestDeps {
  return {
    writeKeys: writeKeysFrom(env),
    identity: new DynamoIdentityMap(createDocumentClient({}), requireEnv(env, 'TABLE_NAME')),
    queue: new SqsEventQueue(new SQSClient({}), requireEnv(env, 'EVENTS_QUEUE_URL')),
    clock: systemClock,
  };
}

/**
 * The deployed stack sets WRITE_KEYS_SECRET_ARN (the keys stay out of the function's
 * configuration); WRITE_KEYS, comma-separated, serves local runs without Secrets Manager.
 */
export function writeKeysFrom(env: NodeJS.ProcessEnv): WriteKeyVerifier {
  const secretArn = env.WRITE_KEYS_SECRET_ARN;
  if (secretArn) return new SecretsManagerWriteKeys(new SecretsManagerClient({}), secretArn);
  if (!env.WRITE_KEYS)
    throw new Error(
      'neither WRITE_KEYS_SECRET_ARN nor WRITE_KEYS is set: the CDK stack sets the first; set WRITE_KEYS=key1,key2 for local runs',
    );
  return new StaticWriteKeys(parseWriteKeyList(env.WRITE_KEYS));
}
