/** The nightly refresh functions' dependencies in Lambda, built once per cold start from the environment. */
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { CustomerScan, RefreshArtifacts } from '../analytics/refresh/ports.js';
import { systemClock, type Clock, type EventQueue } from '../ports.js';
import { createDocumentClient } from './dynamo-client.js';
import { scanOrderProducts } from './dynamo-order-scan.js';
import { scanProfiles } from './dynamo-profile-scan.js';
import { approximateItemCount } from './dynamo-table-size.js';
import { S3RefreshArtifacts } from './refresh-artifacts.js';
import { requireEnv } from './require-env.js';
import { SqsEventQueue } from './sqs-event-queue.js';

export interface RefreshDeps {
  scan: CustomerScan;
  artifacts: RefreshArtifacts;
  queue: EventQueue;
  clock: Clock;
  itemCount(): Promise<number>;
}

export function awsRefreshDeps(env: NodeJS.ProcessEnv): RefreshDeps {
  const tableName = requireEnv(env, 'TABLE_NAME');
  const doc = createDocumentClient({});
  let queue: SqsEventQueue | undefined;
  return {
    scan: {
      profiles: (slice) => scanProfiles(doc, tableName, slice).profiles,
      orders: (slice) => scanOrderProducts(doc, tableName, slice),
    },
    artifacts: new S3RefreshArtifacts(new S3Client({}), requireEnv(env, 'ARTIFACTS_BUCKET')),
    // Only the score function enqueues; the others never touch the queue, so the URL is read lazily.
    queue: {
      enqueue: (messages) =>
        (queue ??= new SqsEventQueue(new SQSClient({}), requireEnv(env, 'EVENTS_QUEUE_URL'))).enqueue(messages),
    },
    clock: systemClock,
    itemCount: () => approximateItemCount(doc, tableName),
  };
}
