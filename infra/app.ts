/**
 * The CDK app (cdk.json runs it with tsx). Deployment values come only from CDK context
 * (infra/deployment-context.ts); campaign behaviour only from the campaign folder, which must
 * pass `sadakat validate` before anything is synthesized. cdk-nag's AWS Solutions checks run on
 * every synth; an unacknowledged finding fails it.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { validateCampaign } from '../shared/config/validate-campaign.js';
import { requireSettings } from '../shared/config/campaign-settings.js';
import { loadCampaign } from '../shared/config/campaign.js';
import { scheduledAudiences } from '../shared/journeys/audiences.js';
import { requireJourneys } from '../shared/journeys/campaign-journeys.js';
import { formatLocatedError } from '../shared/config/located-error.js';
import { REPO_ROOT } from './constructs/sadakat-function.js';
import { DataStack } from './data-stack.js';
import { EdgeFirewallStack } from './edge-firewall-stack.js';
import { InvalidContextError, readDeploymentContext } from './deployment-context.js';
import { PipelineStack } from './pipeline-stack.js';

export const DEFAULT_CAMPAIGN_DIR = join(REPO_ROOT, 'campaign');

export class InvalidCampaignError extends Error {
  override readonly name = 'InvalidCampaignError';
}

export interface SadakatStacks {
  data: DataStack;
  pipeline: PipelineStack;
  /** With context `edgeFirewall`: the web ACL, in us-east-1. */
  edgeFirewall?: EdgeFirewallStack;
}

/** Adds sadakat's stacks to `app`; throws before adding anything when context or campaign are invalid. */
export async function addSadakatStacks(app: App, campaignDir = DEFAULT_CAMPAIGN_DIR): Promise<SadakatStacks> {
  const context = readDeploymentContext((key) => app.node.tryGetContext(key));

  // The same checks as `sadakat validate`, so a broken campaign never reaches a deployment.
  const { errors } = await validateCampaign(campaignDir);
  if (errors.length > 0) {
    throw new InvalidCampaignError(
      `${errors.map(formatLocatedError).join('\n')}\n${errors.length} problem${errors.length === 1 ? '' : 's'} in ${campaignDir}; nothing was synthesized`,
    );
  }
  const settings = await requireSettings(campaignDir);
  // The refresh counts the scheduled journeys' audiences for the console's snapshot (decision 220).
  const { segments } = await loadCampaign(campaignDir);
  const audiences = scheduledAudiences(await requireJourneys(campaignDir, settings, segments));

  // Without account and region the stacks stay environment-agnostic (`cdk deploy` uses the profile's).
  const env =
    context.account !== undefined || context.region !== undefined
      ? { account: context.account, region: context.region }
      : undefined;
  const prefix = `Sadakat-${context.stage}`;
  const data = new DataStack(app, `${prefix}-Data`, {
    ...(env ? { env } : {}),
    description: `sadakat (${context.stage}): customer data — table, key, artifacts, write and unsubscribe keys`,
    terminationProtection: true,
    pipelineStackName: `${prefix}-Pipeline`,
    ...(context.sesDomain === undefined ? {} : { sesDomain: context.sesDomain }),
    ...(context.scaleIndexes === undefined ? {} : { scaleIndexes: context.scaleIndexes }),
    ...(context.tableWarmReadUnits === undefined && context.tableWarmWriteUnits === undefined
      ? {}
      : {
          warmThroughput: {
            ...(context.tableWarmReadUnits === undefined ? {} : { readUnitsPerSecond: context.tableWarmReadUnits }),
            ...(context.tableWarmWriteUnits === undefined ? {} : { writeUnitsPerSecond: context.tableWarmWriteUnits }),
          },
        }),
  });
  // The identity the send function may send from: created by the data stack, or an existing one imported.
  const sesIdentityArn = context.sesIdentityArn ?? data.references.sesIdentityArn;
  const pipeline = new PipelineStack(app, `${prefix}-Pipeline`, {
    ...(env ? { env } : {}),
    description: `sadakat (${context.stage}): ingest, processing, sends, schedules, nightly refresh, alarms`,
    data: data.references,
    campaignDir,
    timeZone: settings.defaultTimezone,
    audiences,
    ...(context.alarmEmail === undefined ? {} : { alarmEmail: context.alarmEmail }),
    ...(sesIdentityArn === undefined ? {} : { sesIdentityArn }),
    pushPlatformApplicationArns: context.pushPlatformApplicationArns,
    ...(context.whatsappPhoneNumberId === undefined ? {} : { whatsappPhoneNumberId: context.whatsappPhoneNumberId }),
    ...(context.whatsappEventsTopicArn === undefined ? {} : { whatsappEventsTopicArn: context.whatsappEventsTopicArn }),
    ...(settings.sender.fromName === undefined ? {} : { senderName: settings.sender.fromName }),
    ...(context.edgeWebAclArn === undefined ? {} : { edgeWebAclArn: context.edgeWebAclArn }),
    ...(context.connectInstanceArn === undefined || context.connectContactFlowId === undefined
      ? {}
      : { connect: { instanceArn: context.connectInstanceArn, contactFlowId: context.connectContactFlowId } }),
    ...(context.ingestRateLimit === undefined ? {} : { ingestRateLimit: context.ingestRateLimit }),
    ...(context.ingestBurstLimit === undefined ? {} : { ingestBurstLimit: context.ingestBurstLimit }),
    ...(context.ingestReservedConcurrency === undefined
      ? {}
      : { ingestReservedConcurrency: context.ingestReservedConcurrency }),
    ...(context.accountConcurrency === undefined ? {} : { accountConcurrency: context.accountConcurrency }),
  });

  // The references are named exports, not construct references, so the order is stated here.
  pipeline.addStackDependency(data);

  // CloudFront's web ACLs exist only in us-east-1, whatever region the pipeline runs in: a stack of
  // its own there, deployed first; its WebAclArn output becomes the pipeline's edgeWebAclArn.
  const edgeFirewall = context.edgeFirewall
    ? new EdgeFirewallStack(app, `${prefix}-EdgeFirewall`, {
        env: { ...(context.account === undefined ? {} : { account: context.account }), region: 'us-east-1' },
        description: `sadakat (${context.stage}): WAF web ACL for the CloudFront in front of ingest`,
        ...(context.edgeRateLimitPerMinute === undefined ? {} : { rateLimitPerMinute: context.edgeRateLimitPerMinute }),
      })
    : undefined;

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { data, pipeline, ...(edgeFirewall ? { edgeFirewall } : {}) };
}

async function main(): Promise<void> {
  const app = new App();
  try {
    await addSadakatStacks(app);
  } catch (error) {
    if (error instanceof InvalidCampaignError || error instanceof InvalidContextError) {
      // People fix these from the message; a stack trace would only hide it.
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  app.synth();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
