/** process-events' dependencies in Lambda, built once per cold start from the environment. */
import { loadCampaign } from '../config/campaign.js';
import { systemClock } from '../ports.js';
import type { ProcessDeps } from '../profiles/process-customer-message.js';
import { createDocumentClient } from './dynamo-client.js';
import { DynamoIdentityMap } from './dynamo-identity-map.js';
import { DynamoOrderLedger } from './dynamo-order-ledger.js';
import { DynamoProfileStore } from './dynamo-profile-store.js';
import { requireEnv } from './require-env.js';

export async function awsProcessDeps(env: NodeJS.ProcessEnv): Promise<ProcessDeps> {
  const tableName = requireEnv(env, 'TABLE_NAME');
  const campaign = await loadCampaign(env.CAMPAIGN_DIR ?? 'campaign');
  const doc = createDocumentClient({});
  return {
    profiles: new DynamoProfileStore(doc, tableName),
    orders: new DynamoOrderLedger(doc, tableName),
    identity: new DynamoIdentityMap(doc, tableName),
    settings: { trackedProperties: campaign.settings.trackedProperties },
    segments: campaign.segments,
    clock: systemClock,
  };
}
