/** The send handler's dependencies in Lambda, built once per cold start from the environment. */
import type { ArchiveSink } from '../archive/ports.js';
import type { SendDeps } from '../channels/decide-send.js';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { TemplateSet } from '../channels/render.js';
import { composeSendDeps } from '../wiring/compose.js';
import { campaignFromDocuments } from '../wiring/compiled-campaign.js';
import { readCompiledCampaign } from '../wiring/compiled-documents.js';
import { awsCoreAdapters } from './aws-adapters.js';
import { campaignJsonOf } from './campaign-json.js';
import { createDocumentClient } from './dynamo-client.js';
import { DynamoSendRateLimiter } from './dynamo-send-rate.js';
import { awsArchive } from './firehose-archive.js';
import { requireEnv } from './require-env.js';
import { createSesClient, SesEmailSender } from './ses-email-sender.js';
import { SnsPushSender } from './sns-push-sender.js';
import { ConnectCallSender, createConnectClient } from './connect-call-sender.js';
import { createS3DropClient, S3CallDrop } from './s3-call-drop.js';
import type { CallTaskSender } from '../channels/ports.js';
import { ProviderError } from '../channels/provider-error.js';
import { createSnsClient, SnsSmsSender } from './sns-sms-sender.js';
import { unsubscribeKeyring } from './unsubscribe-keyring.js';
import { awsWebhookSecrets } from './webhook-secrets.js';
import { HttpWebhookSender } from './webhook-sender.js';
import { createSocialMessagingClient, SocialWhatsAppSender } from './whatsapp-sender.js';

/**
 * Call tasks go to the Connect instance and contact flow the stack got from CDK context; without
 * them, as CSV files to the S3 drop (CALL_DROP_BUCKET); with neither, a call step's send is
 * `failed` with that reason (nothing is created).
 */
function connectCallSender(env: NodeJS.ProcessEnv): CallTaskSender {
  const instanceId = env.CONNECT_INSTANCE_ID;
  const contactFlowId = env.CONNECT_CONTACT_FLOW_ID;
  if (instanceId && contactFlowId) return new ConnectCallSender(createConnectClient(), { instanceId, contactFlowId });
  if (env.CALL_DROP_BUCKET) return new S3CallDrop(createS3DropClient(), env.CALL_DROP_BUCKET);
  return {
    createCallTask: async () => {
      throw new ProviderError('permanent', 'CallCenterNotConfigured');
    },
  };
}

export async function awsSendDeps(env: NodeJS.ProcessEnv): Promise<SendDeps & { archive?: ArchiveSink }> {
  const compiled = await readCompiledCampaign(campaignJsonOf(env));
  const campaign = campaignFromDocuments(compiled);
  const sns = createSnsClient();
  const doc = createDocumentClient({});
  const core = awsCoreAdapters(env, doc);
  const archive = awsArchive(env);
  const deps = composeSendDeps(
    {
      ...core,
      email: new SesEmailSender(createSesClient(), env.SES_CONFIGURATION_SET),
      sms: new SnsSmsSender(sns),
      push: new SnsPushSender(sns, {
        ...(env.APNS_PLATFORM_APPLICATION_ARN ? { ios: env.APNS_PLATFORM_APPLICATION_ARN } : {}),
        ...(env.FCM_PLATFORM_APPLICATION_ARN ? { android: env.FCM_PLATFORM_APPLICATION_ARN } : {}),
      }),
      webhook: new HttpWebhookSender({ secrets: awsWebhookSecrets(env, new SecretsManagerClient({}), core.clock) }),
      calls: connectCallSender(env),
      whatsapp: new SocialWhatsAppSender(createSocialMessagingClient(), env.WHATSAPP_PHONE_NUMBER_ID),
      rate: new DynamoSendRateLimiter(doc, requireEnv(env, 'TABLE_NAME')),
      unsubscribe: {
        keyring: await unsubscribeKeyring(env),
        baseUrl: requireEnv(env, 'UNSUBSCRIBE_BASE_URL'),
        ...(env.UNSUBSCRIBE_MAILTO ? { mailto: env.UNSUBSCRIBE_MAILTO } : {}),
      },
    },
    campaign,
    new TemplateSet(compiled.templates.sources, compiled.templates.frontMatter),
  );
  // The handler flushes the batch's decisions to the archive (functions/send.ts).
  return archive ? { ...deps, archive } : deps;
}
