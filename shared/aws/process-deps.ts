/** process-events' dependencies in Lambda, built once per cold start from the environment. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { systemClock } from '../ports.js';
import type { ProcessDeps } from '../profiles/process-customer-message.js';
import { composeProcessDeps } from '../wiring/compose.js';
import { loadRuntimeCampaign } from '../wiring/runtime-campaign.js';
import { awsTableAdapters, campaignDirOf } from './aws-adapters.js';
import { requireEnv } from './require-env.js';
import { SqsSendQueue } from './sqs-send-queue.js';

export async function awsProcessDeps(env: NodeJS.ProcessEnv): Promise<ProcessDeps> {
  const campaign = await loadRuntimeCampaign(campaignDirOf(env));
  return composeProcessDeps({ table: awsTableAdapters(env), clock: systemClock }, campaign, {
    definitions: campaign.journeys,
    sends: new SqsSendQueue(new SQSClient({}), requireEnv(env, 'SENDS_QUEUE_URL')),
  });
}
