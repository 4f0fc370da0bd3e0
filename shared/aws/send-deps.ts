/** The send handler's dependencies in Lambda, built once per cold start from the environment. */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SendDeps } from '../channels/decide-send.js';
import { loadJourneyPolicies } from '../channels/journey-policy.js';
import { loadTemplates } from '../channels/render.js';
import { requireSettings } from '../config/campaign-settings.js';
import { systemClock } from '../ports.js';
import { DynamoSendRateLimiter } from './dynamo-send-rate.js';
import { DynamoCapCounters } from './dynamo-cap-counters.js';
import { createDocumentClient } from './dynamo-client.js';
import { DynamoDueSends } from './dynamo-due-sends.js';
import { DynamoMessageStats } from './dynamo-message-stats.js';
import { DynamoProfileStore } from './dynamo-profile-store.js';
import { DynamoSendLedger } from './dynamo-send-ledger.js';
import { DynamoSuppressionList } from './dynamo-suppression.js';
import { requireEnv } from './require-env.js';
import { createSesClient, SesEmailSender } from './ses-email-sender.js';
import { createSnsClient } from './sns-sms-sender.js';
import { SnsPushSender } from './sns-push-sender.js';
import { SnsSmsSender } from './sns-sms-sender.js';
import { SqsEventQueue } from './sqs-event-queue.js';
import { unsubscribeKeyring } from './unsubscribe-keyring.js';

export async function awsSendDeps(env: NodeJS.ProcessEnv): Promise<SendDeps> {
  const tableName = requireEnv(env, 'TABLE_NAME');
  const campaignDir = env.CAMPAIGN_DIR ?? 'campaign';
  const settings = await requireSettings(campaignDir);
  const doc = createDocumentClient({});
  const sns = createSnsClient();
  const policies = await loadJourneyPolicies(campaignDir);
  return {
    profiles: new DynamoProfileStore(doc, tableName),
    ledger: new DynamoSendLedger(doc, tableName),
    suppression: new DynamoSuppressionList(doc, tableName),
    caps: new DynamoCapCounters(doc, tableName),
    rate: new DynamoSendRateLimiter(doc, tableName),
    due: new DynamoDueSends(doc, tableName),
    stats: new DynamoMessageStats(doc, tableName),
    email: new SesEmailSender(createSesClient(), env.SES_CONFIGURATION_SET),
    sms: new SnsSmsSender(sns),
    push: new SnsPushSender(sns, {
      ...(env.APNS_PLATFORM_APPLICATION_ARN ? { ios: env.APNS_PLATFORM_APPLICATION_ARN } : {}),
      ...(env.FCM_PLATFORM_APPLICATION_ARN ? { android: env.FCM_PLATFORM_APPLICATION_ARN } : {}),
    }),
    events: new SqsEventQueue(new SQSClient({}), requireEnv(env, 'EVENTS_QUEUE_URL')),
    templates: await loadTemplates(`${campaignDir}/templates`),
    settings,
    journeyPolicy: (journeyId) => policies.get(journeyId),
    unsubscribe: {
      keyring: await unsubscribeKeyring(env),
      baseUrl: requireEnv(env, 'UNSUBSCRIBE_BASE_URL'),
      ...(env.UNSUBSCRIBE_MAILTO ? { mailto: env.UNSUBSCRIBE_MAILTO } : {}),
    },
    clock: systemClock,
  };
}
