/** process-events' dependencies in Lambda, built once per cold start from the environment. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { systemClock } from '../ports.js';
import type { ProcessDeps } from '../profiles/process-customer-message.js';
import { composePacedSends, composeProcessDeps } from '../wiring/compose.js';
import { loadCompiledCampaign } from '../wiring/compiled-campaign.js';
import { awsTableAdapters } from './aws-adapters.js';
import { campaignJsonOf } from './campaign-json.js';
import { createDocumentClient } from './dynamo-client.js';
import { awsArchive } from './firehose-archive.js';
import { DynamoSendRateLimiter } from './dynamo-send-rate.js';
import { requireEnv } from './require-env.js';
import { SqsEventDeadLetters } from './sqs-event-dead-letters.js';
import { SqsSendQueue } from './sqs-send-queue.js';

export async function awsProcessDeps(env: NodeJS.ProcessEnv): Promise<ProcessDeps> {
  const campaign = await loadCompiledCampaign(campaignJsonOf(env));
  const doc = createDocumentClient({});
  const table = awsTableAdapters(env, doc);
  const rate = new DynamoSendRateLimiter(doc, requireEnv(env, 'TABLE_NAME'));
  const sqs = new SQSClient({});
  const sends = new SqsSendQueue(sqs, requireEnv(env, 'SENDS_QUEUE_URL'));
  const deadLetters = new SqsEventDeadLetters(
    sqs,
    requireEnv(env, 'EVENTS_DLQ_URL'),
    Number(requireEnv(env, 'EVENTS_MAX_RECEIVE_COUNT')),
  );
  const archive = awsArchive(env);
  return composeProcessDeps({ table, clock: systemClock, deadLetters, ...(archive ? { archive } : {}) }, campaign, {
    definitions: campaign.journeys,
    // Each send takes its rate slots as it is enqueued (decision 175).
    sends: composePacedSends(sends, { table, rate, clock: systemClock }, campaign),
  });
}
