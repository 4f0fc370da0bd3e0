/** journey-tick's dependencies in Lambda, built once per cold start from the environment. */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { JourneyTickDeps } from '../journeys/journey-tick.js';
import { systemClock } from '../ports.js';
import { createDocumentClient } from './dynamo-client.js';
import { DynamoJourneyStore } from './dynamo-journey-store.js';
import { requireEnv } from './require-env.js';
import { SqsEventQueue } from './sqs-event-queue.js';

export function awsJourneyTickDeps(env: NodeJS.ProcessEnv): JourneyTickDeps {
  return {
    index: new DynamoJourneyStore(createDocumentClient({}), requireEnv(env, 'TABLE_NAME')),
    queue: new SqsEventQueue(new SQSClient({}), requireEnv(env, 'EVENTS_QUEUE_URL')),
    clock: systemClock,
  };
}
