/** release-deferred's dependencies in Lambda, built once per cold start from the environment. */
import { setTimeout as sleep } from 'node:timers/promises';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DueQueue } from '../channels/ports.js';
import { RELEASE_HORIZON_MS, type ReleaseDeferredOptions } from '../channels/release-deferred.js';
import type { SendQueue } from '../channels/send-request.js';
import { systemClock, type Clock, type PassSlots } from '../ports.js';
import { createDocumentClient } from './dynamo-client.js';
import { DynamoDueSends } from './dynamo-due-sends.js';
import { DynamoPassSlots } from './dynamo-pass-slots.js';
import { requireEnv } from './require-env.js';
import { DynamoSendRateLimiter } from './dynamo-send-rate.js';
import { campaignJsonOf } from './campaign-json.js';
import { composePacedSends } from '../wiring/compose.js';
import { loadCompiledJourneys } from '../wiring/compiled-journeys.js';
import { SqsSendQueue } from './sqs-send-queue.js';

export async function awsReleaseDeferredDeps(env: NodeJS.ProcessEnv): Promise<
  ReleaseDeferredOptions & {
    due: DueQueue;
    sends: SendQueue;
    clock: Clock;
    slots: PassSlots;
  }
> {
  const doc = createDocumentClient({});
  const tableName = requireEnv(env, 'TABLE_NAME');
  const campaign = await loadCompiledJourneys(campaignJsonOf(env));
  const due = new DynamoDueSends(doc, tableName);
  const rate = new DynamoSendRateLimiter(doc, tableName);
  const sends = new SqsSendQueue(new SQSClient({}), requireEnv(env, 'SENDS_QUEUE_URL'));
  return {
    due,
    // What comes back without its rate slots (quiet hours, a journey slot only) takes them here (decision 175).
    sends: composePacedSends(sends, { table: { due }, rate, clock: systemClock }, campaign),
    clock: systemClock,
    horizonMs: RELEASE_HORIZON_MS,
    waitUntil: async (at) => {
      const wait = at.getTime() - Date.now();
      if (wait > 0) await sleep(wait);
    },
    slots: new DynamoPassSlots(doc, tableName, systemClock),
  };
}
