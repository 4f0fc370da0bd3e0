/** segment-expiry's dependencies in Lambda, built once per cold start from the environment. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { systemClock } from '../ports.js';
import type { ExpiryPassDeps } from '../segments/expiry-pass.js';
import { createDocumentClient } from './dynamo-client.js';
import { DynamoExpiryIndex } from './dynamo-expiry-index.js';
import { requireEnv } from './require-env.js';
import { SqsEventQueue } from './sqs-event-queue.js';
import { SHARD_COUNT } from './table.js';

export interface AwsExpiryDeps extends ExpiryPassDeps {
  /** Shards of the table's `expiry` index. */
  shards: number;
}

export function awsExpiryDeps(env: NodeJS.ProcessEnv): AwsExpiryDeps {
  return {
    index: new DynamoExpiryIndex(createDocumentClient({}), requireEnv(env, 'TABLE_NAME')),
    queue: new SqsEventQueue(new SQSClient({}), requireEnv(env, 'EVENTS_QUEUE_URL')),
    clock: systemClock,
    shards: SHARD_COUNT,
  };
}
