/** release-deferred's dependencies in Lambda, built once per cold start from the environment. */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DueQueue } from '../channels/ports.js';
import type { SendQueue } from '../channels/send-request.js';
import { systemClock, type Clock, type PassSlots } from '../ports.js';
import { createDocumentClient } from './dynamo-client.js';
import { DynamoDueSends } from './dynamo-due-sends.js';
import { DynamoPassSlots } from './dynamo-pass-slots.js';
import { requireEnv } from './require-env.js';
import { SqsSendQueue } from './sqs-send-queue.js';

export function awsReleaseDeferredDeps(env: NodeJS.ProcessEnv): {
  due: DueQueue;
  sends: SendQueue;
  clock: Clock;
  slots: PassSlots;
} {
  const doc = createDocumentClient({});
  const tableName = requireEnv(env, 'TABLE_NAME');
  return {
    due: new DynamoDueSends(doc, tableName),
    sends: new SqsSendQueue(new SQSClient({}), requireEnv(env, 'SENDS_QUEUE_URL')),
    clock: systemClock,
    slots: new DynamoPassSlots(doc, tableName, systemClock),
  };
}
