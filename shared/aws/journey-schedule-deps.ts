/** journey-schedule's dependencies in Lambda, built once per cold start from the environment. */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadCampaign } from '../config/campaign.js';
import type { Journey } from '../journeys/ast.js';
import { requireJourneys } from '../journeys/campaign-journeys.js';
import { systemClock, type Clock, type EventQueue } from '../ports.js';
import { createDocumentClient } from './dynamo-client.js';
import { requireEnv } from './require-env.js';
import { SqsEventQueue } from './sqs-event-queue.js';

export interface JourneyScheduleDeps {
  doc: DynamoDBDocumentClient;
  tableName: string;
  journeys: readonly Journey[];
  queue: EventQueue;
  clock: Clock;
  defaultTimezone: string;
}

export async function awsJourneyScheduleDeps(env: NodeJS.ProcessEnv): Promise<JourneyScheduleDeps> {
  const campaignDir = env.CAMPAIGN_DIR ?? 'campaign';
  const campaign = await loadCampaign(campaignDir);
  return {
    doc: createDocumentClient({}),
    tableName: requireEnv(env, 'TABLE_NAME'),
    journeys: await requireJourneys(campaignDir, campaign.settings, campaign.segments),
    queue: new SqsEventQueue(new SQSClient({}), requireEnv(env, 'EVENTS_QUEUE_URL')),
    clock: systemClock,
    defaultTimezone: campaign.settings.defaultTimezone,
  };
}
