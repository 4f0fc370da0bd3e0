/** journey-schedule's dependencies in Lambda, built once per cold start from the environment. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { systemClock } from '../ports.js';
import { loadCompiledJourneys } from '../wiring/compiled-journeys.js';
import { composeJourneyScheduleDeps, type JourneyScheduleDeps } from '../wiring/compose.js';
import { campaignJsonOf } from './campaign-json.js';
import { DynamoAudienceIndex } from './dynamo-audience-index.js';
import { createDocumentClient } from './dynamo-client.js';
import { scanProfiles } from './dynamo-profile-scan.js';
import { requireEnv } from './require-env.js';
import { SqsEventQueue } from './sqs-event-queue.js';

export async function awsJourneyScheduleDeps(env: NodeJS.ProcessEnv): Promise<JourneyScheduleDeps> {
  const doc = createDocumentClient({});
  const tableName = requireEnv(env, 'TABLE_NAME');
  return composeJourneyScheduleDeps(
    {
      // The two table ports a pass reads, not every adapter (awsCoreAdapters; decision 261).
      table: {
        scanProfiles: (slice) => scanProfiles(doc, tableName, slice, systemClock.now()),
        audiences: new DynamoAudienceIndex(doc, tableName),
      },
      events: new SqsEventQueue(new SQSClient({}), requireEnv(env, 'EVENTS_QUEUE_URL')),
      clock: systemClock,
    },
    await loadCompiledJourneys(campaignJsonOf(env)),
  );
}
