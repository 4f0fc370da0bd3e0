/** process-events' dependencies in Lambda, built once per cold start from the environment. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadCampaign } from '../config/campaign.js';
import { requireJourneys } from '../journeys/campaign-journeys.js';
import { systemClock } from '../ports.js';
import type { ProcessDeps } from '../profiles/process-customer-message.js';
import { createDocumentClient } from './dynamo-client.js';
import { DynamoCustomerErasure } from './dynamo-customer-erasure.js';
import { DynamoIdentityMap } from './dynamo-identity-map.js';
import { DynamoJourneyStore } from './dynamo-journey-store.js';
import { DynamoOrderLedger } from './dynamo-order-ledger.js';
import { DynamoProfileStore } from './dynamo-profile-store.js';
import { DynamoRefundLedger } from './dynamo-refund-ledger.js';
import { requireEnv } from './require-env.js';
import { SqsSendQueue } from './sqs-send-queue.js';

export async function awsProcessDeps(env: NodeJS.ProcessEnv): Promise<ProcessDeps> {
  const tableName = requireEnv(env, 'TABLE_NAME');
  const campaignDir = env.CAMPAIGN_DIR ?? 'campaign';
  const campaign = await loadCampaign(campaignDir);
  const doc = createDocumentClient({});
  return {
    profiles: new DynamoProfileStore(doc, tableName),
    orders: new DynamoOrderLedger(doc, tableName),
    refunds: new DynamoRefundLedger(doc, tableName),
    identity: new DynamoIdentityMap(doc, tableName),
    tombstones: new DynamoCustomerErasure(doc, tableName),
    settings: { trackedProperties: campaign.settings.trackedProperties },
    segments: campaign.segments,
    clock: systemClock,
    journeys: {
      definitions: await requireJourneys(campaignDir, campaign.settings, campaign.segments),
      store: new DynamoJourneyStore(doc, tableName),
      holdoutPercent: campaign.settings.holdoutPercent,
      defaultTimezone: campaign.settings.defaultTimezone,
    },
    sends: new SqsSendQueue(new SQSClient({}), requireEnv(env, 'SENDS_QUEUE_URL')),
  };
}
