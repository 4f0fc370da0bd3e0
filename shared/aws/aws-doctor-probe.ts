/**
 * DoctorProbe on the operator's own credentials (`sadakat doctor`): read-mostly calls, plus the
 * three things a live check must do — post to ingest, enqueue a send request, set a test alarm —
 * and the erasure of its test customers through the stack's admin-forget function. The IAM policy
 * that allows exactly these calls is the pipeline stack's `DoctorPolicyArn` output.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, paginateDescribeAlarms, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, GetItemCommand, paginateQuery } from '@aws-sdk/client-dynamodb';
import { GetAccountSettingsCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribeSenderIdsCommand,
  DescribeSpendLimitsCommand,
  PinpointSMSVoiceV2Client,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetAccountCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import {
  GetPlatformApplicationAttributesCommand,
  GetSMSAttributesCommand,
  GetSMSSandboxAccountStatusCommand,
  GetTopicAttributesCommand,
  paginateListSubscriptionsByTopic,
  SNSClient,
} from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { SendRequest } from '../channels/send-request.js';
import { parseWriteKeyList } from '../events/write-key.js';
import type {
  AccountConcurrency,
  AlarmTopicView,
  DoctorProbe,
  HttpAnswer,
  LedgerView,
  PlatformApplicationView,
  SesAccount,
  SmsAccount,
  StackInfo,
} from '../operations/doctor-probe.js';
import { SqsSendQueue } from './sqs-send-queue.js';
import { ledgerKey, messageStatsPartitions, profileKey } from './table.js';

export interface DoctorClients {
  cloudFormation: CloudFormationClient;
  cloudWatch: CloudWatchClient;
  dynamo: DynamoDBClient;
  lambda: LambdaClient;
  secrets: SecretsManagerClient;
  ses: SESv2Client;
  sms: PinpointSMSVoiceV2Client;
  sns: SNSClient;
  sqs: SQSClient;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
}

export function createDoctorClients(region: string | undefined): DoctorClients {
  const config = region === undefined ? {} : { region };
  return {
    cloudFormation: new CloudFormationClient(config),
    cloudWatch: new CloudWatchClient(config),
    dynamo: new DynamoDBClient(config),
    lambda: new LambdaClient(config),
    secrets: new SecretsManagerClient(config),
    ses: new SESv2Client(config),
    sms: new PinpointSMSVoiceV2Client(config),
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
    fetch: globalThis.fetch,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

export class AwsDoctorProbe implements DoctorProbe {
  constructor(private readonly clients: DoctorClients) {}

  async stack(stackName: string): Promise<StackInfo | undefined> {
    try {
      const { Stacks } = await this.clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
      const stack = Stacks?.[0];
      if (stack === undefined) return undefined;
      const outputs: Record<string, string> = {};
      const exports: Record<string, string> = {};
      for (const output of stack.Outputs ?? []) {
        if (output.OutputKey === undefined || output.OutputValue === undefined) continue;
        outputs[output.OutputKey] = output.OutputValue;
        const exportName = output.ExportName;
        if (exportName?.startsWith(`${stackName}:`))
          exports[exportName.slice(stackName.length + 1)] = output.OutputValue;
      }
      return { status: stack.StackStatus ?? 'UNKNOWN', outputs, exports };
    } catch (error) {
      // DescribeStacks answers a ValidationError "Stack with id … does not exist".
      if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message))
        return undefined;
      throw error;
    }
  }

  async accountConcurrency(): Promise<AccountConcurrency> {
    const { AccountLimit } = await this.clients.lambda.send(new GetAccountSettingsCommand({}));
    return {
      limit: AccountLimit?.ConcurrentExecutions ?? 0,
      unreserved: AccountLimit?.UnreservedConcurrentExecutions ?? 0,
    };
  }

  async serverWriteKey(secretArn: string): Promise<string | undefined> {
    const { SecretString } = await this.clients.secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
    return SecretString === undefined ? undefined : serverWriteKeyOf(SecretString);
  }

  async postIngest(url: string, body: unknown, writeKey?: string): Promise<HttpAnswer> {
    const response = await this.clients.fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(writeKey === undefined ? {} : { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` }),
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.text() };
  }

  async profileExists(tableName: string, customerId: string): Promise<boolean> {
    const key = profileKey(customerId);
    const { Item } = await this.clients.dynamo.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { PK: { S: key.PK }, SK: { S: key.SK } },
        ProjectionExpression: 'PK',
        ConsistentRead: true,
      }),
    );
    return Item !== undefined;
  }

  async sesAccount(): Promise<SesAccount> {
    const account = await this.clients.ses.send(new GetAccountCommand({}));
    return {
      productionAccess: account.ProductionAccessEnabled === true,
      sendingEnabled: account.SendingEnabled !== false,
      max24HourSend: account.SendQuota?.Max24HourSend ?? 0,
      maxSendRate: account.SendQuota?.MaxSendRate ?? 0,
      sentLast24Hours: account.SendQuota?.SentLast24Hours ?? 0,
    };
  }

  async enqueueSend(queueUrl: string, request: SendRequest): Promise<void> {
    await new SqsSendQueue(this.clients.sqs, queueUrl).enqueue([request]);
  }

  async ledger(tableName: string, customerId: string, messageId: string): Promise<LedgerView | undefined> {
    const key = ledgerKey(customerId, messageId);
    const { Item } = await this.clients.dynamo.send(
      new GetItemCommand({ TableName: tableName, Key: { PK: { S: key.PK }, SK: { S: key.SK } }, ConsistentRead: true }),
    );
    if (Item === undefined) return undefined;
    const item = unmarshall(Item) as Record<string, unknown>;
    const text = (name: string) => (typeof item[name] === 'string' ? { [name]: item[name] as string } : {});
    return {
      status: typeof item.status === 'string' ? item.status : 'unknown',
      ...text('detail'),
      ...text('deliveredAt'),
      ...text('bouncedAt'),
      ...text('complainedAt'),
    };
  }

  async messageMetrics(
    tableName: string,
    journeyId: string,
    variant: string,
    stepId: string,
  ): Promise<Record<string, number>> {
    const totals: Record<string, number> = {};
    for (const PK of messageStatsPartitions(journeyId, variant)) {
      const pages = paginateQuery(
        { client: this.clients.dynamo },
        {
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :step)',
          ExpressionAttributeValues: { ':pk': { S: PK }, ':step': { S: `${stepId}#` } },
        },
      );
      for await (const page of pages) {
        for (const raw of page.Items ?? []) {
          const item = unmarshall(raw) as { SK?: string; count?: number };
          // SK = <stepId>#<channel>#<metric>#<shard>
          const metric = item.SK?.split('#').at(-2);
          if (metric !== undefined) totals[metric] = (totals[metric] ?? 0) + (item.count ?? 0);
        }
      }
    }
    return totals;
  }

  async alarmTopic(topicArn: string): Promise<AlarmTopicView> {
    const { Attributes } = await this.clients.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    let confirmed = 0;
    let pending = 0;
    for await (const page of paginateListSubscriptionsByTopic({ client: this.clients.sns }, { TopicArn: topicArn }))
      for (const subscription of page.Subscriptions ?? [])
        if (subscription.SubscriptionArn?.startsWith('arn:')) confirmed += 1;
        else pending += 1;
    const alarmNames: string[] = [];
    for await (const page of paginateDescribeAlarms({ client: this.clients.cloudWatch }, { ActionPrefix: topicArn }))
      for (const alarm of page.MetricAlarms ?? []) if (alarm.AlarmName !== undefined) alarmNames.push(alarm.AlarmName);
    return {
      confirmedSubscriptions: confirmed,
      pendingSubscriptions: pending,
      allowsCloudWatch: policyAllowsCloudWatch(Attributes?.Policy),
      alarmNames,
    };
  }

  async setAlarmState(alarmName: string, state: 'ALARM' | 'OK', reason: string): Promise<void> {
    await this.clients.cloudWatch.send(
      new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: state, StateReason: reason }),
    );
  }

  async smsAccount(): Promise<SmsAccount> {
    const [sandbox, attributes, spend, senders] = await Promise.all([
      this.clients.sns.send(new GetSMSSandboxAccountStatusCommand({})),
      this.clients.sns.send(
        new GetSMSAttributesCommand({ attributes: ['MonthlySpendLimit', 'DeliveryStatusIAMRole'] }),
      ),
      this.clients.sms.send(new DescribeSpendLimitsCommand({})),
      this.clients.sms.send(new DescribeSenderIdsCommand({})),
    ]);
    const textLimit = spend.SpendLimits?.find((limit) => limit.Name === 'TEXT_MESSAGE_MONTHLY_SPEND_LIMIT');
    const snsLimit = Number(attributes.attributes?.MonthlySpendLimit);
    const monthlySpendLimit = textLimit?.EnforcedLimit ?? (Number.isFinite(snsLimit) ? snsLimit : undefined);
    return {
      inSandbox: sandbox.IsInSandbox !== false,
      ...(monthlySpendLimit === undefined ? {} : { monthlySpendLimit }),
      deliveryStatusLogging: (attributes.attributes?.DeliveryStatusIAMRole ?? '') !== '',
      senderIds: (senders.SenderIds ?? []).map((sender) => ({
        senderId: sender.SenderId ?? '',
        isoCountryCode: sender.IsoCountryCode ?? '',
        registered: sender.Registered === true,
      })),
    };
  }

  async platformApplication(arn: string): Promise<PlatformApplicationView> {
    const { Attributes } = await this.clients.sns.send(
      new GetPlatformApplicationAttributesCommand({ PlatformApplicationArn: arn }),
    );
    // arn:aws:sns:<region>:<account>:app/<platform>/<name>
    const platform = arn.split(':').at(-1)?.split('/')[1] ?? 'unknown';
    const method = Attributes?.AuthenticationMethod?.toLowerCase();
    return {
      arn,
      platform,
      enabled: Attributes?.Enabled !== 'false',
      ...(method === undefined ? {} : { authenticationMethod: method }),
    };
  }

  async forget(functionArn: string, customerId: string): Promise<{ found: boolean }> {
    // The function-URL event shape admin-forget reads; Invoke needs lambda:InvokeFunction, not a signed URL.
    const event = {
      version: '2.0',
      rawPath: '/',
      requestContext: { http: { method: 'POST' }, authorizer: { iam: { userArn: 'sadakat-doctor' } } },
      isBase64Encoded: false,
      body: JSON.stringify({ customerId }),
    };
    const answer = await this.clients.lambda.send(
      new InvokeCommand({ FunctionName: functionArn, Payload: Buffer.from(JSON.stringify(event)) }),
    );
    if (answer.FunctionError !== undefined) throw new Error(`admin-forget failed: ${answer.FunctionError}`);
    const result = JSON.parse(Buffer.from(answer.Payload ?? new Uint8Array()).toString('utf8') || '{}') as {
      statusCode?: number;
      body?: string;
    };
    if (result.statusCode !== 200) throw new Error(`admin-forget answered ${result.statusCode ?? 'nothing'}`);
    const body = JSON.parse(result.body ?? '{}') as { found?: boolean };
    return { found: body.found === true };
  }

  sleep(ms: number): Promise<void> {
    return this.clients.sleep(ms);
  }
}

/**
 * The first server key of the write-keys secret: entries `{ id, key, scope }` (a JSON array, or an
 * object with `keys`), or the older comma-separated list, whose keys are all server keys.
 */
export function serverWriteKeyOf(secret: string): string | undefined {
  const trimmed = secret.trim();
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return parseWriteKeyList(trimmed)[0];
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    const entries = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown }).keys;
    if (!Array.isArray(entries)) return undefined;
    const server = entries.find(
      (entry): entry is { key: string } =>
        typeof entry === 'object' &&
        entry !== null &&
        (entry as { scope?: unknown }).scope === 'server' &&
        typeof (entry as { key?: unknown }).key === 'string',
    );
    return server?.key;
  } catch {
    return undefined;
  }
}

/** An Allow statement for the CloudWatch service principal with sns:Publish. */
export function policyAllowsCloudWatch(policy: string | undefined): boolean {
  if (policy === undefined) return false;
  let statements: unknown[];
  try {
    const parsed = JSON.parse(policy) as { Statement?: unknown };
    statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  } catch {
    return false;
  }
  return statements.some((raw) => {
    const statement = raw as {
      Effect?: string;
      Principal?: { Service?: string | string[] };
      Action?: string | string[];
    };
    const services = [statement.Principal?.Service ?? []].flat();
    const actions = [statement.Action ?? []].flat();
    return (
      statement.Effect === 'Allow' &&
      services.includes('cloudwatch.amazonaws.com') &&
      actions.some((action) => action === 'sns:Publish' || action === 'sns:*')
    );
  });
}
