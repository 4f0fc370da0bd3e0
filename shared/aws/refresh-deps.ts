/** The nightly refresh functions' dependencies in Lambda, built once per cold start from the environment. */
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { systemClock } from '../ports.js';
import { composeRefreshDeps, type RefreshDeps } from '../wiring/compose.js';
import { createDocumentClient } from './dynamo-client.js';
import { readIndexedConsoleCounts } from './dynamo-console-counts.js';
import { DynamoCustomerScan } from './dynamo-customers-index.js';
import { approximateItemCount } from './dynamo-table-size.js';
import { S3RefreshArtifacts } from './refresh-artifacts.js';
import { requireEnv } from './require-env.js';
import { SqsEventQueue } from './sqs-event-queue.js';

export type { RefreshDeps };

export function awsRefreshDeps(env: NodeJS.ProcessEnv): RefreshDeps {
  const tableName = requireEnv(env, 'TABLE_NAME');
  const doc = createDocumentClient({});
  let queue: SqsEventQueue | undefined;
  return composeRefreshDeps(
    {
      // The two table ports the refresh reads, not dynamoTableAdapters' every adapter (≈ 30 KB of bundle).
      table: {
        customers: new DynamoCustomerScan(doc, tableName, () => systemClock.now()),
        consoleCounts: (audiences, slice) =>
          readIndexedConsoleCounts(doc, tableName, audiences, slice, systemClock.now()),
      },
      // Only the score function enqueues; the others never touch the queue, so the URL is read lazily.
      events: {
        enqueue: (messages) =>
          (queue ??= new SqsEventQueue(new SQSClient({}), requireEnv(env, 'EVENTS_QUEUE_URL'))).enqueue(messages),
      },
      clock: systemClock,
    },
    new S3RefreshArtifacts(new S3Client({}), requireEnv(env, 'ARTIFACTS_BUCKET')),
    () => approximateItemCount(doc, tableName),
    requireEnv(env, 'SHOP_TIMEZONE'),
    // The scheduled journeys' audiences, listed at synth (infra/constructs/nightly-refresh.ts): the
    // refresh carries no campaign. Absent on a stack deployed before it: no segment is counted.
    (env.CONSOLE_AUDIENCES ?? '').split(',').filter(Boolean),
  );
}
