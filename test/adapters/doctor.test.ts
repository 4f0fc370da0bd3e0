/**
 * `sadakat doctor`: every check through the real AWS adapter, with the SDK answered by
 * aws-sdk-client-mock — a healthy account first, then each check's failing answer.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
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
  ListSubscriptionsByTopicCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsDoctorProbe, type DoctorClients, serverWriteKeyOf } from '../../shared/aws/aws-doctor-probe.js';
import { type CheckResult, type DoctorOptions, runDoctor, SIMULATOR } from '../../shared/operations/doctor-checks.js';

const REGION = { region: 'eu-central-1' };
const TOPIC = 'arn:aws:sns:eu-central-1:123456789012:Sadakat-prod-Pipeline-AlertsTopic';
const GCM_APP = 'arn:aws:sns:eu-central-1:123456789012:app/GCM/shop-android';
const OUTPUTS = {
  IngestUrl: 'https://abc.execute-api.eu-central-1.amazonaws.com',
  AlarmTopicArn: TOPIC,
  SendsQueueUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/sends.fifo',
  DataStackName: 'Sadakat-prod-Data',
  AdminForgetFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:admin-forget',
  PushPlatformApplicationArns: GCM_APP,
};
const CLOUDWATCH_MAY_PUBLISH = JSON.stringify({
  Statement: [
    { Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    { Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: TOPIC },
  ],
});

const clients = {
  cloudFormation: new CloudFormationClient(REGION),
  cloudWatch: new CloudWatchClient(REGION),
  dynamo: new DynamoDBClient(REGION),
  lambda: new LambdaClient(REGION),
  secrets: new SecretsManagerClient(REGION),
  ses: new SESv2Client(REGION),
  sms: new PinpointSMSVoiceV2Client(REGION),
  sns: new SNSClient(REGION),
  sqs: new SQSClient(REGION),
};
const mocks = {
  cloudFormation: mockClient(clients.cloudFormation),
  cloudWatch: mockClient(clients.cloudWatch),
  dynamo: mockClient(clients.dynamo),
  lambda: mockClient(clients.lambda),
  secrets: mockClient(clients.secrets),
  ses: mockClient(clients.ses),
  sms: mockClient(clients.sms),
  sns: mockClient(clients.sns),
  sqs: mockClient(clients.sqs),
};

/** What ingest answers: 401 without a key, `accepted: n` with one. */
let ingest: (authorized: boolean, events: number) => Response;
/** The ledger item the send function and ses-feedback leave for each simulator address. */
let ledgerFor: (customerId: string) => Record<string, unknown> | undefined;
let profilesVisible: boolean;
let erasures: string[];

const fakeFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
  const headers = (init?.headers ?? {}) as Record<string, string>;
  const events = (JSON.parse(String(init?.body)) as { batch: unknown[] }).batch.length;
  return ingest(headers.authorization !== undefined, events);
}) as typeof fetch;

function probe(): AwsDoctorProbe {
  const doctorClients: DoctorClients = { ...clients, fetch: fakeFetch, sleep: async () => {} };
  return new AwsDoctorProbe(doctorClients);
}

async function doctor(campaign?: DoctorOptions['campaign']): Promise<Map<string, CheckResult>> {
  const results = await runDoctor(probe(), {
    ...(campaign ? { campaign } : {}),
    stackName: 'Sadakat-prod-Pipeline',
    runId: 'run1',
    now: () => new Date('2026-12-07T10:00:00Z'),
    profileTimeoutMs: 10,
    emailTimeoutMs: 10,
    pollIntervalMs: 1,
  });
  return new Map(results.map((result) => [result.check, result]));
}

const statusOf = (results: Map<string, CheckResult>, check: string) => results.get(check)?.status;

beforeEach(() => {
  for (const mock of Object.values(mocks)) mock.reset();
  // Prepare: a healthy production account.
  mocks.cloudFormation.on(DescribeStacksCommand, { StackName: 'Sadakat-prod-Pipeline' }).resolves({
    Stacks: [
      {
        StackName: 'Sadakat-prod-Pipeline',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(0),
        Outputs: Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
  mocks.cloudFormation.on(DescribeStacksCommand, { StackName: 'Sadakat-prod-Data' }).resolves({
    Stacks: [
      {
        StackName: 'Sadakat-prod-Data',
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(0),
        Outputs: [
          {
            OutputKey: 'ExportsOutputFnGetAttTableArn',
            OutputValue: 'arn:aws:dynamodb:eu-central-1:123456789012:table/sadakat-table',
            ExportName: 'Sadakat-prod-Data:TableArn',
          },
          {
            OutputKey: 'ExportsOutputRefWriteKeys',
            OutputValue: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:WriteKeys',
            ExportName: 'Sadakat-prod-Data:WriteKeysArn',
          },
        ],
      },
    ],
  });
  mocks.lambda
    .on(GetAccountSettingsCommand)
    .resolves({ AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 } });
  erasures = [];
  mocks.lambda.on(InvokeCommand).callsFake((input: { Payload: Uint8Array }) => {
    const event = JSON.parse(Buffer.from(input.Payload).toString('utf8')) as { body: string };
    erasures.push((JSON.parse(event.body) as { customerId: string }).customerId);
    return { Payload: Buffer.from(JSON.stringify({ statusCode: 200, body: '{"found":true}' })) };
  });
  mocks.secrets
    .on(GetSecretValueCommand)
    .resolves({ SecretString: JSON.stringify([{ id: 'shop', key: 'server-secret', scope: 'server' }]) });
  mocks.ses.on(GetAccountCommand).resolves({
    ProductionAccessEnabled: true,
    SendingEnabled: true,
    SendQuota: { Max24HourSend: 50000, MaxSendRate: 14, SentLast24Hours: 12 },
  });
  mocks.sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: false });
  mocks.sns
    .on(GetSMSAttributesCommand)
    .resolves({ attributes: { MonthlySpendLimit: '500', DeliveryStatusIAMRole: 'arn:aws:iam::1:role/sms-log' } });
  mocks.sms.on(DescribeSpendLimitsCommand).resolves({
    SpendLimits: [{ Name: 'TEXT_MESSAGE_MONTHLY_SPEND_LIMIT', EnforcedLimit: 500, MaxLimit: 500, Overridden: true }],
  });
  mocks.sms.on(DescribeSenderIdsCommand).resolves({
    SenderIds: [
      {
        SenderId: 'SADAKAT',
        IsoCountryCode: 'TR',
        Registered: true,
        SenderIdArn: 'arn',
        MessageTypes: [],
        MonthlyLeasingPrice: '0',
        DeletionProtectionEnabled: false,
      },
    ],
  });
  mocks.sns
    .on(GetPlatformApplicationAttributesCommand)
    .resolves({ Attributes: { Enabled: 'true', AuthenticationMethod: 'Token' } });
  mocks.sns.on(GetTopicAttributesCommand).resolves({ Attributes: { Policy: CLOUDWATCH_MAY_PUBLISH } });
  mocks.sns
    .on(ListSubscriptionsByTopicCommand)
    .resolves({ Subscriptions: [{ SubscriptionArn: `${TOPIC}:sub-1`, Protocol: 'email' }] });
  mocks.cloudWatch
    .on(DescribeAlarmsCommand)
    .resolves({ MetricAlarms: [{ AlarmName: 'Sadakat-prod-Pipeline-EventsDlq' }] });
  mocks.cloudWatch.on(SetAlarmStateCommand).resolves({});
  mocks.sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  ingest = (authorized, events) =>
    authorized
      ? new Response(JSON.stringify({ accepted: events, rejected: [] }), { status: 200 })
      : new Response('{"error":"write key"}', { status: 401 });
  profilesVisible = true;
  ledgerFor = (customerId) => {
    const mark = customerId.endsWith(':success')
      ? 'deliveredAt'
      : customerId.endsWith(':bounce')
        ? 'bouncedAt'
        : 'complainedAt';
    return { status: 'sent', [mark]: '2026-12-07T10:00:05Z' };
  };
  mocks.dynamo.on(GetItemCommand).callsFake((input: GetItemCommandInput) => {
    const pk = input.Key?.PK?.S ?? '';
    const customerId = pk.replace(/^C#/, '');
    if (input.Key?.SK?.S === 'PROFILE') return profilesVisible ? { Item: marshall({ PK: pk }) } : {};
    const item = ledgerFor(customerId);
    return item === undefined ? {} : { Item: marshall(item) };
  });
  mocks.dynamo.on(QueryCommand).resolves({ Items: [] });
});

describe('sadakat doctor on a healthy stack', () => {
  it('passes every check and erases its three test customers', async () => {
    // Act
    const results = await doctor({ emailMessagesPerSecond: 14 });

    // Assess
    expect([...results.values()].filter((result) => result.status !== 'pass')).toEqual([]);
    expect(erasures.sort()).toEqual([
      'sadakat-doctor:run1:bounce',
      'sadakat-doctor:run1:complaint',
      'sadakat-doctor:run1:success',
    ]);
  });

  it('sends its emails as send requests on sends.fifo to the mailbox simulator customers, never straight to SES', async () => {
    // Act
    await doctor();

    // Assess
    const bodies = mocks.sqs
      .commandCalls(SendMessageBatchCommand)
      .flatMap((call) => call.args[0].input.Entries ?? [])
      .map(
        (entry) => JSON.parse(entry.MessageBody ?? '{}') as { customerId: string; template: string; journeyId: string },
      );
    expect(bodies.map((body) => body.customerId).sort()).toEqual([
      'sadakat-doctor:run1:bounce',
      'sadakat-doctor:run1:complaint',
      'sadakat-doctor:run1:success',
    ]);
    expect(new Set(bodies.map((body) => `${body.journeyId}/${body.template}`))).toEqual(
      new Set(['sadakat-doctor/doctor-check']),
    );
  });

  it('sets one of the stack’s alarms to ALARM for a test notification', async () => {
    // Act
    await doctor();

    // Assess
    expect(mocks.cloudWatch.commandCalls(SetAlarmStateCommand)[0]?.args[0].input).toMatchObject({
      AlarmName: 'Sadakat-prod-Pipeline-EventsDlq',
      StateValue: 'ALARM',
    });
  });
});

describe('sadakat doctor: each check fails with its fix', () => {
  it('stack: missing, or deployed by an older version without the outputs', async () => {
    // Prepare
    mocks.cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Stack with id Sadakat-prod-Pipeline does not exist'), { name: 'ValidationError' }),
      );

    // Act
    const results = await doctor();

    // Assess
    expect(results.get('stack')).toMatchObject({ status: 'fail', detail: expect.stringContaining('no stack') });
    expect(statusOf(results, 'ingest-auth')).toBe('skip');
    expect(erasures).toEqual([]);
  });

  it('stack: outputs missing', async () => {
    // Prepare
    mocks.cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 's', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(0), Outputs: [] }],
    });

    // Act
    const results = await doctor();

    // Assess
    expect(results.get('stack')?.detail).toContain('missing outputs IngestUrl');
    expect(results.get('stack')?.fix).toContain('cdk deploy');
  });

  it('lambda-concurrency: a new account’s 10 concurrent executions', async () => {
    // Prepare
    mocks.lambda
      .on(GetAccountSettingsCommand)
      .resolves({ AccountLimit: { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 } });

    // Act
    const results = await doctor();

    // Assess
    expect(results.get('lambda-concurrency')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('Service Quotas'),
    });
  });

  it('ses-account: sandbox warns, paused sending fails', async () => {
    // Prepare
    mocks.ses.on(GetAccountCommand).resolvesOnce({ ProductionAccessEnabled: false, SendingEnabled: true });

    // Act
    const sandbox = await doctor();
    mocks.ses.on(GetAccountCommand).resolves({ ProductionAccessEnabled: true, SendingEnabled: false });
    const paused = await doctor();

    // Assess
    expect(statusOf(sandbox, 'ses-account')).toBe('warn');
    expect(statusOf(paused, 'ses-account')).toBe('fail');
  });

  it("ses-send-rate: the campaign's email rate against SES's maximum send rate", async () => {
    // Prepare
    mocks.ses.on(GetAccountCommand).resolves({
      ProductionAccessEnabled: true,
      SendingEnabled: true,
      SendQuota: { MaxSendRate: 14, Max24HourSend: 50_000, SentLast24Hours: 0 },
    });

    // Act
    const [unset, over, within, noCampaign] = [
      await doctor({ emailMessagesPerSecond: undefined }),
      await doctor({ emailMessagesPerSecond: 50 }),
      await doctor({ emailMessagesPerSecond: 14 }),
      await doctor(),
    ];

    // Assess
    expect(unset.get('ses-send-rate')).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('messagesPerSecond: 14'),
    });
    expect(over.get('ses-send-rate')).toMatchObject({ status: 'fail', detail: expect.stringContaining('50') });
    expect(statusOf(within, 'ses-send-rate')).toBe('pass');
    expect(statusOf(noCampaign, 'ses-send-rate')).toBe('skip');
  });

  it('sms: sandbox, the 1 USD default spend limit, no delivery-status logging, no Turkish sender id', async () => {
    // Prepare
    mocks.sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: true });
    mocks.sns.on(GetSMSAttributesCommand).resolves({ attributes: { MonthlySpendLimit: '1' } });
    mocks.sms.on(DescribeSpendLimitsCommand).resolves({ SpendLimits: [] });
    mocks.sms.on(DescribeSenderIdsCommand).resolves({ SenderIds: [] });

    // Act
    const results = await doctor();

    // Assess
    for (const check of ['sms-sandbox', 'sms-spend-limit', 'sms-delivery-logging', 'sms-sender-id'])
      expect(results.get(check), check).toMatchObject({ status: 'warn', fix: expect.any(String) });
    expect(results.get('sms-sender-id')?.detail).toContain('Turkey');
  });

  it('push: an FCM application still on the legacy server key', async () => {
    // Prepare
    mocks.sns
      .on(GetPlatformApplicationAttributesCommand)
      .resolves({ Attributes: { Enabled: 'true', AuthenticationMethod: 'Key' } });

    // Act
    const results = await doctor();

    // Assess
    expect(results.get('push-gcm')).toMatchObject({ status: 'fail', fix: expect.stringContaining('FCM HTTP v1') });
  });

  it('alarm-topic: a topic policy with only the SSL deny, and no confirmed subscription', async () => {
    // Prepare
    mocks.sns.on(GetTopicAttributesCommand).resolves({
      Attributes: {
        Policy: JSON.stringify({ Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sns:Publish' }] }),
      },
    });

    // Act
    const denied = await doctor();
    mocks.sns.on(GetTopicAttributesCommand).resolves({ Attributes: { Policy: CLOUDWATCH_MAY_PUBLISH } });
    mocks.sns
      .on(ListSubscriptionsByTopicCommand)
      .resolves({ Subscriptions: [{ SubscriptionArn: 'PendingConfirmation', Protocol: 'email' }] });
    const unconfirmed = await doctor();

    // Assess
    expect(denied.get('alarm-topic')?.detail).toContain('CloudWatch');
    expect(statusOf(denied, 'alarm-topic')).toBe('fail');
    expect(unconfirmed.get('alarm-topic')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('1 pending'),
    });
  });

  it('ingest-auth: an endpoint that accepts events without a key', async () => {
    // Prepare
    ingest = (_authorized, events) => new Response(JSON.stringify({ accepted: events }), { status: 200 });

    // Act
    const results = await doctor();

    // Assess
    expect(results.get('ingest-auth')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('without a key 200'),
    });
    expect(statusOf(results, 'email-success')).toBe('skip');
    expect(erasures).toHaveLength(3);
  });

  it('ingest-profile: the event never reaches a profile', async () => {
    // Prepare
    profilesVisible = false;

    // Act
    const results = await doctor();

    // Assess
    expect(results.get('ingest-profile')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('process-events'),
    });
  });

  it('email-success: SES rejects the send (no verified identity)', async () => {
    // Prepare
    ledgerFor = () => ({ status: 'failed', detail: 'MessageRejected' });

    // Act
    const results = await doctor();

    // Assess
    expect(results.get('email-success')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('MessageRejected'),
    });
  });

  it('email-bounce: sent, but the bounce never comes back through ses-feedback', async () => {
    // Prepare
    ledgerFor = (customerId) =>
      customerId.endsWith(':success') ? { status: 'sent', deliveredAt: 'x' } : { status: 'sent' };

    // Act
    const results = await doctor();

    // Assess
    expect(statusOf(results, 'email-success')).toBe('pass');
    expect(results.get('email-bounce')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('KMS key policy'),
    });
  });

  it('email: a refused send names the reason; an already suppressed simulator bounce address passes', async () => {
    // Prepare: no ledger item at all, and the counters say why (one in a shard partition, one in
    // the unsharded partition counters had before issue 20).
    ledgerFor = () => undefined;
    const counters: Record<string, Record<string, unknown>> = {
      'bounce#': { PK: 'STATS#MSG#sadakat-doctor#run1', SK: 'bounce#email#suppressed#3', count: 1 },
      'success#': { PK: 'STATS#MSG#sadakat-doctor#run1#1', SK: 'success#email#no_consent#1', count: 1 },
    };
    mocks.dynamo.on(QueryCommand).callsFake((input: QueryCommandInput) => {
      const step = input.ExpressionAttributeValues?.[':step']?.S ?? '';
      const pk = input.ExpressionAttributeValues?.[':pk']?.S ?? '';
      const item = counters[step];
      return { Items: item === undefined || item.PK !== pk ? [] : [marshall(item)] };
    });

    // Act
    const results = await doctor();

    // Assess
    expect(results.get('email-success')).toMatchObject({ status: 'fail', detail: 'refused: no_consent' });
    expect(statusOf(results, 'email-bounce')).toBe('pass');
    expect(results.get('email-complaint')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('no decision'),
    });
  });

  it('cleanup: an operator without lambda:InvokeFunction is told what to grant', async () => {
    // Prepare
    mocks.lambda
      .on(InvokeCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

    // Act
    const results = await doctor();

    // Assess
    expect(results.get('cleanup')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('lambda:InvokeFunction'),
    });
  });
});

describe('serverWriteKeyOf', () => {
  it('takes the first server-scope entry, or the first key of an older comma-separated secret', () => {
    expect(
      serverWriteKeyOf(
        JSON.stringify([
          { id: 'web', key: 'browser-key', scope: 'browser', origins: ['https://shop.example'] },
          { id: 'backend', key: 'server-key', scope: 'server' },
        ]),
      ),
    ).toBe('server-key');
    expect(serverWriteKeyOf('old-1,old-2')).toBe('old-1');
    expect(serverWriteKeyOf(JSON.stringify([{ id: 'web', key: 'b', scope: 'browser' }]))).toBeUndefined();
  });
});

it('uses the SES mailbox simulator, never a real address', () => {
  expect(Object.values(SIMULATOR).every((address) => address.endsWith('@simulator.amazonses.com'))).toBe(true);
});
