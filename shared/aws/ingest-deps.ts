/** ingest's dependencies in Lambda, built once per cold start from the environment. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { parseWriteKeyList, StaticWriteKeys } from '../events/write-key.js';
import type { IngestDeps } from '../events/ingest.js';
import { systemClock } from '../ports.js';
import { createDocumentClient } from './dynamo-client.js';
import { DynamoIdentityMap } from './dynamo-identity-map.js';
import { requireEnv } from './require-env.js';
import { SqsEventQueue } from './sqs-event-queue.js';

/** WRITE_KEYS is comma-separated for now; the infra issue moves the keys to Secrets Manager. */
export function awsIngestDeps(env: NodeJS.ProcessEnv): IngestDeps {
  const writeKeys = new StaticWriteKeys(parseWriteKeyList(requireEnv(env, 'WRITE_KEYS')));
  return {
    writeKeys,
    identity: new DynamoIdentityMap(createDocumentClient({}), requireEnv(env, 'TABLE_NAME')),
    queue: new SqsEventQueue(new SQSClient({}), requireEnv(env, 'EVENTS_QUEUE_URL')),
    clock: systemClock,
  };
}
