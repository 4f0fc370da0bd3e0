/** release-deferred's dependencies in Lambda, built once per cold start from the environment. */
import { setTimeout as sleep } from 'node:timers/promises';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DueQueue } from '../channels/ports.js';
import type { ReleaseDeferredOptions } from '../channels/release-deferred.js';
import type { SendQueue } from '../channels/send-request.js';
import { systemClock, type Clock, type PassSlots } from '../ports.js';
import { createDocumentClient } from './dynamo-client.js';
import { DynamoDueSends } from './dynamo-due-sends.js';
import { DynamoPassSlots } from './dynamo-pass-slots.js';
import { requireEnv } from './require-env.js';
import { SqsSendQueue } from './sqs-send-queue.js';

/**
 * How far ahead a pass releases, each deferral at its own time: inside the scheduled function's
 * 48-s timeout (infra/constructs/scheduled-function.ts, 0.8 of the minute), with room to enqueue.
 */
export const RELEASE_HORIZON_MS = 40_000;

export function awsReleaseDeferredDeps(env: NodeJS.ProcessEnv): ReleaseDeferredOptions & {
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
    horizonMs: RELEASE_HORIZON_MS,
    waitUntil: async (at) => {
      const wait = at.getTime() - Date.now();
      if (wait > 0) await sleep(wait);
    },
    slots: new DynamoPassSlots(doc, tableName, systemClock),
  };
}
