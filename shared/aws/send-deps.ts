/** The send handler's dependencies in Lambda, built once per cold start from the environment. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SendDeps } from '../channels/decide-send.js';
import { loadJourneyPolicies } from '../channels/journey-policy.js';
import { loadTemplates } from '../channels/render.js';
import { parseKeyring } from '../channels/unsubscribe-keyring.js';
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

/** UNSUBSCRIBE_KEYS_SECRET_ARN in the stack (the keys stay out of the configuration); UNSUBSCRIBE_KEYS (JSON) for local runs. */
export async function unsubscribeKeyring(env: NodeJS.ProcessEnv) {
  const secretArn = env.UNSUBSCRIBE_KEYS_SECRET_ARN;
  if (secretArn) {
    const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretArn }));
    return parseKeyring(secret.SecretString ?? '', 'the unsubscribe keys secret');
  }
  if (!env.UNSUBSCRIBE_KEYS) throw new Error('neither UNSUBSCRIBE_KEYS_SECRET_ARN nor UNSUBSCRIBE_KEYS is set: the CDK stack sets the first; set UNSUBSCRIBE_KEYS=\'{"current":"k1","keys":{"k1":"…"}}\' for local runs');
  return parseKeyring(env.UNSUBSCRIBE_KEYS, 'UNSUBSCRIBE_KEYS');
}
