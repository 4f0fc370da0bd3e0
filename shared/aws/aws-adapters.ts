/**
 * The Lambda side of the wiring: the adapters shared/wiring/compose.ts builds deps from, made
 * from SDK clients and the environment the CDK stack gives each function. Each function's
 * `*-deps.ts` takes only what it uses, so a bundle holds only its own clients.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '../ports.js';
import type { CoreAdapters, TableAdapters } from '../wiring/adapters.js';
import { createDocumentClient } from './dynamo-client.js';
import { dynamoTableAdapters } from './dynamo-table-adapters.js';
import { awsPepper } from './pepper-secret.js';
import { requireEnv } from './require-env.js';
import { SqsEventQueue } from './sqs-event-queue.js';

/** The table named by TABLE_NAME, on the regional endpoint. */
export function awsTableAdapters(env: NodeJS.ProcessEnv, doc = createDocumentClient({})): TableAdapters {
  return dynamoTableAdapters(doc, requireEnv(env, 'TABLE_NAME'), awsPepper(env));
}

/** The table, the events queue (EVENTS_QUEUE_URL) and the system clock. */
export function awsCoreAdapters(
  env: NodeJS.ProcessEnv,
  doc: DynamoDBDocumentClient = createDocumentClient({}),
): CoreAdapters {
  return {
    table: awsTableAdapters(env, doc),
    events: new SqsEventQueue(new SQSClient({}), requireEnv(env, 'EVENTS_QUEUE_URL')),
    clock: systemClock,
  };
}
