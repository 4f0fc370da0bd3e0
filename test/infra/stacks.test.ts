import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ARCHIVE_BUFFER_MB,
  ARCHIVE_FAILED_METRIC,
  ARCHIVE_QUOTA_ALARM_SHARE,
} from '../../infra/constructs/event-archive.js';
import { INGEST_PATHS } from '../../infra/constructs/ingest-api.js';
import { CONFIRM_BUDGET_METRIC } from '../../infra/constructs/send-pipeline.js';
import { ARCHIVE_COLUMNS, ARCHIVE_STREAMS, PARTITION_TIME } from '../../shared/archive/columns.js';
import { ARCHIVE_FAILED } from '../../shared/archive/ports.js';
import { ARCHIVE_QUERIES } from '../../shared/archive/queries.js';
import { ARCHIVE_STREAM_ENV } from '../../shared/aws/firehose-archive.js';
import { createTableInput, TTL_ATTRIBUTE } from '../../shared/aws/table.js';
import { RELEASE_TIMEOUT_SECONDS } from '../../shared/channels/release-deferred.js';
import { JOURNEY_TICK_LAG_ALARM_SECONDS, JOURNEY_TICK_LAG_METRIC } from '../../infra/pipeline-stack.js';
import { sadakatStacks } from './sadakat-app.js';
import { DEFAULT_CAMPAIGN_DIR } from '../../infra/app.js';
import { campaignHash } from '../../shared/config/campaign-hash.js';

const SES_IDENTITY = 'arn:aws:ses:eu-central-1:123456789012:identity/shop.example.com';
const PUSH_IOS = 'arn:aws:sns:eu-central-1:123456789012:app/APNS/shop-ios';
const PUSH_ANDROID = 'arn:aws:sns:eu-central-1:123456789012:app/GCM/shop-android';

/** Both stacks, synthesized once with cdk-nag on: Template.fromStack throws on any unacknowledged finding. */
let data: Template;
let pipeline: Template;

beforeAll(async () => {
  const stacks = await sadakatStacks({
    stage: 'test',
    alarmEmail: 'ops@example.com',
    sesIdentityArn: SES_IDENTITY,
    pushPlatformApplicationArns: [PUSH_IOS, PUSH_ANDROID],
  });
  data = Template.fromStack(stacks.data);
  pipeline = Template.fromStack(stacks.pipeline);
});

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
const resources = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.findResources(type) as Record<string, Resource>);
const onlyResource = (template: Template, type: string): Resource => {
  const found = resources(template, type);
  expect(found).toHaveLength(1);
  return found[0]![1];
};
const importOf = (name: string) => ({ 'Fn::ImportValue': `Sadakat-test-Data:${name}` });

describe('DataStack: the table', () => {
  const local = createTableInput('any');

  it('has the keys, attribute types and indexes of the local definition, projections included', () => {
    // Act
    const table = onlyResource(data, 'AWS::DynamoDB::Table').Properties;

    // Assess
    expect(table.KeySchema).toEqual(local.KeySchema);
    expect(table.AttributeDefinitions).toEqual(local.AttributeDefinitions);
    expect(table.GlobalSecondaryIndexes).toEqual(local.GlobalSecondaryIndexes);
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('is protected: point-in-time recovery, deletion protection, retained with the stack', () => {
    // Assess
    data.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('expires items on the ttl attribute', () => {
    // Assess
    data.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('is encrypted with the customer-managed key, which rotates', () => {
    // Assess
    data.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] } },
    });
    data.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true }),
      DeletionPolicy: 'Retain',
    });
  });

  it('keeps fixed logical ids and lets CloudFormation name the resources', () => {
    // Act
    const ids = Object.keys(data.toJSON().Resources as object);

    // Assess
    expect(ids).toEqual(expect.arrayContaining(['Table', 'DataKey', 'Artifacts', 'Archive', 'WriteKeys']));
    expect(onlyResource(data, 'AWS::DynamoDB::Table').Properties.TableName).toBeUndefined();
    const buckets = resources(data, 'AWS::S3::Bucket');
    expect(buckets.map(([id]) => id).sort()).toEqual(['Archive', 'Artifacts']);
    for (const [, bucket] of buckets) expect(bucket.Properties.BucketName).toBeUndefined();
  });
});

describe('DataStack: the artifacts bucket and the write keys', () => {
  it('encrypts with the data key, blocks public access, keeps versions', () => {
    // Assess
    data.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
              },
            }),
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('keeps refresh artifacts (customer ids and purchase statistics) 3 days and overwritten versions 1 more', () => {
    // Assess: erasure does not rewrite them, so they must age out quickly.
    data.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'refresh/', ExpirationInDays: 3, Status: 'Enabled' }),
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 1 } }),
        ]),
      },
    });
  });

  it('refuses requests without TLS', () => {
    // Assess
    data.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('generates the first write key into a retained secret', () => {
    // Assess
    data.hasResource('AWS::SecretsManager::Secret', {
      Properties: Match.objectLike({
        GenerateSecretString: Match.objectLike({ PasswordLength: 40, ExcludePunctuation: true }),
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('keeps the unsubscribe keys in a retained secret of their own', () => {
    // Assess
    data.hasResource('AWS::SecretsManager::Secret', {
      Properties: Match.objectLike({ Description: Match.stringLikeRegexp('unsubscribe') }),
      DeletionPolicy: 'Retain',
    });
    expect(Object.keys(data.toJSON().Resources as object)).toContain('UnsubscribeKeys');
  });
});

describe('the pepper of kept hashes', () => {
  it('is generated into a retained secret of its own', () => {
    // Assess
    data.hasResource('AWS::SecretsManager::Secret', {
      Properties: Match.objectLike({
        Description: Match.stringLikeRegexp('pepper'),
        GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
      }),
      DeletionPolicy: 'Retain',
    });
    expect(Object.keys(data.toJSON().Resources as object)).toContain('Pepper');
  });

  it("tells the refresh phases, and no other function, which audiences the console's snapshot counts; nothing scans for it (decision 220)", () => {
    // Act
    const variables = resources(pipeline, 'AWS::Lambda::Function').map(
      ([, fn]) => (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
    );
    const counting = variables.filter((variable) => 'CONSOLE_AUDIENCES' in variable);

    // Assess: the example campaign's one scheduled journey (win-back) targets churn_risk.
    expect(counting.map((variable) => variable.POWERTOOLS_SERVICE_NAME).sort()).toEqual([
      'refresh-fit',
      'refresh-plan',
      'refresh-score',
      'refresh-summarize',
    ]);
    expect(new Set(counting.map((variable) => variable.CONSOLE_AUDIENCES))).toEqual(new Set(['churn_risk']));
    expect(variables.filter((variable) => 'CONSOLE_SNAPSHOT' in variable)).toEqual([]);
  });

  it('is read by exactly the functions that keep or look up hashes', () => {
    // Assess
    const withPepper = resources(pipeline, 'AWS::Lambda::Function')
      .filter(([, fn]) => JSON.stringify(fn.Properties.Environment ?? {}).includes('PEPPER_SECRET_ARN'))
      .map(([id]) => id.replace(/Function[0-9A-F]{8}$/, '').replace(/[0-9A-F]{8}$/, ''));
    expect(withPepper.sort()).toEqual(
      [
        'AdminForgetHandler',
        'EventsProcessEvents',
        'SendsConfirm',
        'SendsSend',
        'SendsSesFeedback',
        'SendsUnsubscribe',
      ].sort(),
    );
    const readers = resources(pipeline, 'AWS::IAM::Policy').filter(([, policy]) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('Sadakat-test-Data:PepperArn'),
    );
    expect(readers).toHaveLength(6);
  });
});

describe('DataStack: the SadakatConsoleReadOnly policy', () => {
  it('outputs the policy to attach and the table name sadakat console --table takes', () => {
    // Assess
    const outputs = data.findOutputs('*');
    expect(outputs.SadakatConsoleReadOnly?.Value).toEqual({ Ref: expect.stringMatching(/^ConsolePolicy/) });
    expect(outputs.ConsoleTableName?.Value).toEqual({ Ref: 'Table' });
    expect(outputs.ConsoleSnapshotBucket?.Value).toEqual({ Ref: expect.stringMatching(/^Artifacts/) });
    const policy = onlyResource(data, 'AWS::IAM::ManagedPolicy');
    expect(policy.Properties.ManagedPolicyName).toBe('SadakatConsoleReadOnly-Sadakat-test-Data');
  });

  it('allows exactly Query on customer partitions, decision counters, the audience and due index partitions, and decrypting the table key', () => {
    // Act
    const policy = onlyResource(data, 'AWS::IAM::ManagedPolicy').Properties as {
      PolicyDocument: {
        Statement: { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown }[];
      };
    };

    // Assess
    expect(policy.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: [
          { 'Fn::GetAtt': ['Table', 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Table', 'Arn'] }, '/index/audience']] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Table', 'Arn'] }, '/index/due']] },
        ],
        Condition: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': ['C#*', 'STATS#MSG#*', 'MIGRATION#scale-indexes*', 'AUD#*', 'DEFER#*', 'CLAIM#*'],
          },
        },
      },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': ['DataKey', 'Arn'] } },
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: ['/refresh/console-report.json', '/refresh/console-snapshot.json'].map((key) => ({
          'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Artifacts/), 'Arn'] }, key]],
        })),
      },
      {
        Effect: 'Allow',
        Action: 'cloudformation:DescribeStacks',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':cloudformation:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':stack/Sadakat-test-Pipeline/*',
            ],
          ],
        },
      },
    ]);
  });

  it('the pipeline stack outputs the hash of the campaign its functions carry, which --stack compares', () => {
    expect(pipeline.findOutputs('CampaignSha256').CampaignSha256?.Value).toBe(campaignHash(DEFAULT_CAMPAIGN_DIR));
  });
});

describe('PipelineStack: events.fifo and sends.fifo', () => {
  const customerQueues = [
    { queue: 'EventsQueue', dlq: 'EventsDeadLetterQueue', consumer: 'EventsProcessEventsFunction' },
    { queue: 'SendsQueue', dlq: 'SendsDeadLetterQueue', consumer: 'SendsSendFunction' },
  ];
  const queue = (prefix: string) => resources(pipeline, 'AWS::SQS::Queue').find(([id]) => id.startsWith(prefix));

  it.each(customerQueues)(
    '$queue is a high-throughput FIFO queue encrypted with the data key, redriving after five receives',
    ({ queue: name, dlq }) => {
      // Act
      const [deadLetterId] = queue(dlq) ?? [];

      // Assess
      expect(queue(name)?.[1].Properties).toMatchObject({
        FifoQueue: true,
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
        ContentBasedDeduplication: false,
        KmsMasterKeyId: importOf('DataKeyArn'),
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterId, 'Arn'] }, maxReceiveCount: 5 },
      });
    },
  );

  it.each(customerQueues)('$dlq is FIFO and encrypted too', ({ dlq }) => {
    // Assess
    expect(queue(dlq)?.[1].Properties).toMatchObject({ FifoQueue: true, KmsMasterKeyId: importOf('DataKeyArn') });
  });

  it.each(customerQueues)(
    '$queue feeds its consumer in batches of ten with partial batch responses',
    ({ queue: name, consumer }) => {
      // Assess
      pipeline.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${name}`), 'Arn'] },
        FunctionName: { Ref: Match.stringLikeRegexp(`^${consumer}`) },
      });
    },
  );

  it('refuses requests without TLS on every queue', () => {
    // Assess
    pipeline.resourceCountIs('AWS::SQS::QueuePolicy', resources(pipeline, 'AWS::SQS::Queue').length);
    pipeline.allResourcesProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('lets process-events enqueue sends, and tells it where', () => {
    // Act
    const processEvents = resources(pipeline, 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('EventsProcessEventsFunction'),
    );
    const policy = resources(pipeline, 'AWS::IAM::Policy').find(([id]) => id.startsWith('EventsProcessEventsRole'));

    // Assess
    expect(processEvents?.[1].Properties.Environment).toMatchObject({
      Variables: { SENDS_QUEUE_URL: { Ref: expect.stringMatching(/^SendsQueue/) } },
    });
    expect(JSON.stringify(policy?.[1].Properties.PolicyDocument)).toMatch(
      /"sqs:SendMessage".*"Fn::GetAtt":\["SendsQueue/,
    );
  });

  it('lets process-events put a failing event of a request in the events DLQ alone, and tells it where (decision 286)', () => {
    // Act
    const processEvents = resources(pipeline, 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('EventsProcessEventsFunction'),
    );
    const policy = resources(pipeline, 'AWS::IAM::Policy').find(([id]) => id.startsWith('EventsProcessEventsRole'));

    // Assess
    expect(processEvents?.[1].Properties.Environment).toMatchObject({
      Variables: {
        EVENTS_DLQ_URL: { Ref: expect.stringMatching(/^EventsDeadLetterQueue/) },
        EVENTS_MAX_RECEIVE_COUNT: '5',
      },
    });
    expect(JSON.stringify(policy?.[1].Properties.PolicyDocument)).toMatch(
      /"sqs:SendMessage".*"Fn::GetAtt":\["EventsDeadLetterQueue/,
    );
  });
});

describe('PipelineStack: send side', () => {
  const sendFunction = () =>
    resources(pipeline, 'AWS::Lambda::Function').find(([id]) => id.startsWith('SendsSendFunction'))?.[1].Properties;
  const sendStatements = () =>
    (
      resources(pipeline, 'AWS::IAM::Policy').find(([id]) => id.startsWith('SendsSendRole'))![1].Properties
        .PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }
    ).Statement;

  it('sends raw email only from the context identity, through the configuration set', () => {
    // Act
    const ses = sendStatements().filter((statement) => JSON.stringify(statement.Action).includes('ses:'));

    // Assess
    expect(ses).toEqual([
      expect.objectContaining({ Action: 'ses:SendEmail', Resource: expect.arrayContaining([SES_IDENTITY]) }),
    ]);
    expect(JSON.stringify(ses[0]?.Resource)).toContain(':configuration-set/');
  });

  it('may not send WhatsApp without a context phone number id', () => {
    // Assess
    expect(JSON.stringify(sendStatements())).not.toContain('social-messaging');
    expect(sendFunction()?.Environment).not.toHaveProperty('Variables.WHATSAPP_PHONE_NUMBER_ID');
  });

  it('has no edge without an edge web ACL: no CloudFront, no authorizer, the API endpoint is the ingest URL', () => {
    // Assess
    pipeline.resourceCountIs('AWS::CloudFront::Distribution', 0);
    pipeline.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    expect(pipeline.toJSON().Outputs.IngestUrl.Value).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^IngestApi/), 'ApiEndpoint'],
    });
  });

  it('imports the context identity: the data stack creates none and exports none', () => {
    // Assess
    data.resourceCountIs('AWS::SES::EmailIdentity', 0);
    expect(JSON.stringify(data.toJSON().Outputs)).not.toContain('SesIdentityArn');
  });

  it('creates push endpoints only in the context platform applications', () => {
    // Assess
    expect(sendStatements()).toContainEqual(
      expect.objectContaining({ Action: 'sns:CreatePlatformEndpoint', Resource: [PUSH_IOS, PUSH_ANDROID] }),
    );
  });

  it('gives send the configuration set, the unsubscribe base URL and the push applications by platform', () => {
    // Assess
    expect(sendFunction()?.Environment).toMatchObject({
      Variables: {
        SES_CONFIGURATION_SET: { Ref: expect.stringMatching(/^SendsConfigurationSet/) },
        UNSUBSCRIBE_BASE_URL: { 'Fn::GetAtt': [expect.stringMatching(/^IngestApi/), 'ApiEndpoint'] },
        UNSUBSCRIBE_KEYS_SECRET_ARN: importOf('UnsubscribeKeysArn'),
        APNS_PLATFORM_APPLICATION_ARN: PUSH_IOS,
        FCM_PLATFORM_APPLICATION_ARN: PUSH_ANDROID,
        CAMPAIGN_JSON: '/var/task/campaign.json',
      },
    });
  });

  it('drops call tasks as CSV under call-tasks/ in the artifacts bucket when there is no Connect context', () => {
    // Assess
    expect(sendFunction()?.Environment).toMatchObject({ Variables: { CALL_DROP_BUCKET: expect.anything() } });
    const puts = Object.values(pipeline.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (
        policy as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } }
      ).Properties.PolicyDocument.Statement.filter((statement) => [statement.Action].flat().includes('s3:PutObject')),
    );
    expect(JSON.stringify(puts.map((statement) => statement.Resource))).toContain('/call-tasks/*');
    expect(JSON.stringify(pipeline.toJSON())).not.toContain('connect:StartTaskContact');
  });

  it('publishes delivery, open, click, bounce and complaint events to the feedback topic', () => {
    // Assess
    pipeline.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: ['delivery', 'open', 'click', 'bounce', 'complaint'],
        SnsDestination: { TopicARN: { Ref: Match.stringLikeRegexp('^SendsFeedbackTopic') } },
      }),
    });
    pipeline.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: Match.stringLikeRegexp('^SendsFeedbackTopic') },
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SendsSesFeedbackFunction'), 'Arn'] },
    });
  });

  it('keeps feedback that still fails after retries in a queue with an alarm', () => {
    // Assess
    pipeline.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^SendsSesFeedbackFunction') },
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SendsFeedbackFailures'), 'Arn'] } },
      },
    });
    pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SendsFeedbackFailures'), 'QueueName'] } },
      ],
    });
  });
});

describe('PipelineStack: functions', () => {
  it('runs every function on Node.js 22, arm64, with the Powertools logger settings', () => {
    // Act
    const functions = resources(pipeline, 'AWS::Lambda::Function').map(([, fn]) => fn.Properties);

    // Assess
    expect(
      functions
        .map((fn) => (fn.Environment as { Variables: Record<string, unknown> }).Variables.POWERTOOLS_SERVICE_NAME)
        .sort(),
    ).toEqual([
      'admin-forget',
      'confirm',
      'ingest',
      'journey-schedule',
      'journey-schedule-plan',
      'journey-tick',
      'process-events',
      'refresh-fit',
      'refresh-plan',
      'refresh-score',
      'refresh-summarize',
      'release-deferred',
      'segment-expiry',
      'send',
      'send-reconciler',
      'ses-feedback',
      'unsubscribe',
    ]);
    for (const fn of functions) {
      expect(fn).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: {
          Variables: expect.objectContaining({ POWERTOOLS_SERVICE_NAME: expect.any(String), LOG_LEVEL: 'INFO' }),
        },
      });
    }
  });

  it('points process-events at the compiled campaign beside its bundle and the table', () => {
    // Assess
    pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'process-events',
          CAMPAIGN_JSON: '/var/task/campaign.json',
          TABLE_NAME: Match.anyValue(),
        }),
      },
    });
  });

  it('gives ingest the write-key and identity secrets by ARN, never their values', () => {
    // Act
    const ingest = resources(pipeline, 'AWS::Lambda::Function')
      .map(([, fn]) => fn.Properties)
      .find((fn) => JSON.stringify(fn).includes('"POWERTOOLS_SERVICE_NAME":"ingest"'));

    // Assess
    const variables = (ingest!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.WRITE_KEYS_SECRET_ARN).toEqual(importOf('WriteKeysArn'));
    expect(variables.IDENTITY_SECRET_ARN).toEqual(importOf('IdentitySecretArn'));
    expect(variables.EVENTS_QUEUE_URL).toEqual({ Ref: expect.stringMatching(/^EventsQueue/) });
    expect(variables).not.toHaveProperty('WRITE_KEYS');
    expect(variables).not.toHaveProperty('IDENTITY_SECRET');
  });
});

describe('PipelineStack: ingest API', () => {
  it('routes every Segment call and alias to ingest with POST and its preflight, analytics.js settings, and unsubscribe links', () => {
    // Act
    const routeKeys = resources(pipeline, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);

    // Assess
    expect(routeKeys.sort()).toEqual(
      [
        ...INGEST_PATHS.flatMap((path) => [`POST ${path}`, `OPTIONS ${path}`]),
        'GET /v1/projects/{writeKey}/settings',
        'OPTIONS /v1/projects/{writeKey}/settings',
        'GET /u/{token}',
        'POST /u/{token}',
        'GET /c/{token}',
        'POST /c/{token}',
      ].sort(),
    );
    expect(INGEST_PATHS).toEqual(expect.arrayContaining(['/v1/batch', '/v1/screen', '/v1/group', '/v1/b', '/v1/p']));
  });

  it('is an HTTP API whose stage is throttled and access-logged', () => {
    // Assess
    pipeline.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    pipeline.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });

  it('publishes its URL as a stack output for storefront developers', () => {
    // Assess
    pipeline.hasOutput('IngestUrl', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IngestApi'), 'ApiEndpoint'] } });
  });

  it('leaves client IP addresses out of the access log', () => {
    // Act
    const stage = onlyResource(pipeline, 'AWS::ApiGatewayV2::Stage').Properties as {
      AccessLogSettings: { Format: string };
    };

    // Assess
    expect(stage.AccessLogSettings.Format).not.toContain('sourceIp');
  });
});

describe('PipelineStack: nightly refresh', () => {
  it('starts the state machine every night in the campaign timezone', () => {
    // Assess
    pipeline.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Istanbul',
      Target: Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^RefreshStateMachine') } }),
    });
  });

  it('runs plan, both Map states and fit, with logging and tracing', () => {
    // Act
    const machine = resources(pipeline, 'AWS::StepFunctions::StateMachine').find(([id]) =>
      id.startsWith('RefreshStateMachine'),
    )![1].Properties;
    const definition = JSON.stringify(machine.DefinitionString);

    // Assess
    for (const state of ['PlanRun', 'SummarizeSegments', 'FitModels', 'ScoreSegments'])
      expect(definition).toContain(state);
    expect(machine).toMatchObject({ TracingConfiguration: { Enabled: true }, LoggingConfiguration: { Level: 'ALL' } });
  });
});

describe('PipelineStack: scheduled tasks', () => {
  const scheduled = [
    { id: 'Expiry', service: 'segment-expiry', rate: 'rate(5 minutes)', index: 'expiry' },
    { id: 'JourneyTick', service: 'journey-tick', rate: 'rate(1 minute)', index: 'due' },
    { id: 'SendReconciler', service: 'send-reconciler', rate: 'rate(15 minutes)', index: 'due' },
    { id: 'ReleaseDeferred', service: 'release-deferred', rate: 'rate(1 minute)', index: 'due' },
  ];
  const dynamoStatements = (roleId: string) => {
    const policy = resources(pipeline, 'AWS::IAM::Policy').find(([id]) => id.startsWith(`${roleId}TaskRole`));
    const statements = (policy![1].Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
      .Statement;
    return statements.filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'));
  };

  it.each(scheduled)(
    'invokes $service at $rate, with a timeout shorter than the interval (release-deferred: its own)',
    ({ id, service, rate }) => {
      // Act
      const task = resources(pipeline, 'AWS::Lambda::Function').find(([logicalId]) =>
        logicalId.startsWith(`${id}Task`),
      );

      // Assess
      expect(task?.[1].Properties.Environment).toMatchObject({ Variables: { POWERTOOLS_SERVICE_NAME: service } });
      pipeline.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: rate,
        Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [task?.[0], 'Arn'] } }),
      });
      const seconds = Number(/\d+/.exec(rate)![0]) * 60;
      // release-deferred's passes cover their whole minute and may overlap (decision 176).
      if (service === 'release-deferred') expect(task?.[1].Properties.Timeout).toBe(RELEASE_TIMEOUT_SECONDS);
      else expect(task?.[1].Properties.Timeout).toBeLessThan(seconds);
    },
  );

  it.each(scheduled)('lets $service query the $index index by name', ({ id, index }) => {
    // Assess
    expect(dynamoStatements(id)).toContainEqual(
      expect.objectContaining({
        Action: 'dynamodb:Query',
        Resource: { 'Fn::Join': ['', [importOf('TableArn'), `/index/${index}`]] },
      }),
    );
  });

  it('gives the expiry pass nothing of the table but its index and its own slot items', () => {
    // Assess
    const statements = dynamoStatements('Expiry');
    expect(statements).toHaveLength(2);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'dynamodb:Query' }),
        expect.objectContaining({
          Action: 'dynamodb:PutItem',
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['PASS#segment-expiry'] } },
        }),
      ]),
    );
  });
});

describe('PipelineStack: alarms', () => {
  it('alarms on the dead-letter queue as soon as one message is in it', () => {
    // Assess
    pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventsDeadLetterQueue'), 'QueueName'] } },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarms on errors and throttles of every function', () => {
    // Act
    const functionCount = resources(pipeline, 'AWS::Lambda::Function').length;
    const lambdaAlarms = resources(pipeline, 'AWS::CloudWatch::Alarm').filter(
      ([, alarm]) => alarm.Properties.Namespace === 'AWS/Lambda',
    );

    // Assess
    const count = (metric: string) => lambdaAlarms.filter(([, alarm]) => alarm.Properties.MetricName === metric).length;
    expect(count('Errors')).toBe(functionCount);
    expect(count('Throttles')).toBe(functionCount);
  });

  it('alarms on the first confirm_budget refusal logged by send, counted by a filter on its log group', () => {
    // Act
    const filters = resources(pipeline, 'AWS::Logs::MetricFilter').filter(([id]) => id.includes('ConfirmBudget'));
    expect(filters).toHaveLength(1);
    const [filterId, filter] = filters[0]!;
    const sendLogs = resources(pipeline, 'AWS::Lambda::Function').find(
      ([, fn]) =>
        (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.POWERTOOLS_SERVICE_NAME ===
        'send',
    )![1].Properties.LoggingConfig;

    // Assess
    expect(filterId).toMatch(/ConfirmBudgetRefusals/);
    expect(filter.Properties.LogGroupName).toEqual((sendLogs as { LogGroup: unknown }).LogGroup);
    expect(filter.Properties.FilterPattern).toBe('{ ($.message = "send decided") && ($.reason = "confirm_budget") }');
    const [transformation] = filter.Properties.MetricTransformations as {
      MetricNamespace: string;
      MetricName: string;
    }[];
    expect(transformation).toMatchObject({ MetricName: CONFIRM_BUDGET_METRIC, MetricValue: '1' });
    pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: transformation!.MetricNamespace,
      MetricName: CONFIRM_BUDGET_METRIC,
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlertsTopic') }],
    });
  });

  it('measures journey-tick lag from its pass lines and pages when wakes are 5 minutes overdue twice running', () => {
    // Act
    const [, filter] = resources(pipeline, 'AWS::Logs::MetricFilter').find(([id]) => /JourneyTick/.test(id))!;
    const tickLogs = resources(pipeline, 'AWS::Lambda::Function').find(
      ([, fn]) =>
        (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.POWERTOOLS_SERVICE_NAME ===
        'journey-tick',
    )![1].Properties.LoggingConfig;

    // Assess
    expect(filter.Properties.LogGroupName).toEqual((tickLogs as { LogGroup: unknown }).LogGroup);
    expect(filter.Properties.FilterPattern).toBe('{ $.lagSeconds >= 0 }');
    expect(filter.Properties.MetricTransformations).toMatchObject([
      { MetricName: JOURNEY_TICK_LAG_METRIC, MetricValue: '$.lagSeconds' },
    ]);
    pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: JOURNEY_TICK_LAG_METRIC,
      Statistic: 'Maximum',
      Threshold: JOURNEY_TICK_LAG_ALARM_SECONDS,
      EvaluationPeriods: 2,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlertsTopic') }],
    });
  });

  it('sends every alarm to the encrypted operator topic, which mails the context address', () => {
    // Act
    const alarms = resources(pipeline, 'AWS::CloudWatch::Alarm');

    // Assess
    for (const [, alarm] of alarms)
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlertsTopic/) }]);
    pipeline.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    pipeline.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});

describe('PipelineStack: permissions', () => {
  type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
  const statements = (): Statement[] =>
    resources(pipeline, 'AWS::IAM::Policy').flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
  const actions = (statement: Statement): string[] =>
    Array.isArray(statement.Action) ? statement.Action : [statement.Action];
  const policyOf = (idPrefix: string): Statement[] => {
    const found = resources(pipeline, 'AWS::IAM::Policy').find(([id]) => id.startsWith(idPrefix));
    expect(found, idPrefix).toBeDefined();
    return (found![1].Properties.PolicyDocument as { Statement: Statement[] }).Statement;
  };

  it('grants no whole-service or all-action permission', () => {
    // Act
    const all = statements().flatMap(actions);

    // Assess
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((action) => action === '*' || action.endsWith(':*'))).toEqual([]);
  });

  it('attaches no AWS managed policy to any role', () => {
    // Assess
    for (const [, role] of resources(pipeline, 'AWS::IAM::Role'))
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('lets process-events write the table and nothing broader', () => {
    // Act
    const tableStatement = policyOf('EventsProcessEventsRole').find((statement) =>
      actions(statement).includes('dynamodb:PutItem'),
    );

    // Assess
    expect(tableStatement?.Resource).toEqual(importOf('TableArn'));
  });

  it('lets ingest send to events.fifo and only read the table', () => {
    // Act
    const ingest = policyOf('IngestRole');

    // Assess
    expect(ingest.find((statement) => actions(statement).includes('sqs:SendMessage'))?.Resource).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^EventsQueue/), 'Arn'],
    });
    expect(ingest.flatMap(actions).filter((action) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(action))).toEqual(
      [],
    );
  });

  it('keeps refresh artifact access under the refresh/ prefix', () => {
    // Act
    const s3Resources = policyOf('RefreshSummarizeRole')
      .filter((statement) => actions(statement).some((action) => action.startsWith('s3:')))
      .map((statement) => JSON.stringify(statement.Resource));

    // Assess
    expect(s3Resources).toEqual([expect.stringContaining('/refresh/*')]);
  });
});

// The event archive in AWS (issue 23): Firehose → Parquet in the archive bucket, Glue tables from
// the writer's column list, an Athena workgroup with the saved queries, the alarms.

interface Destination {
  Prefix: string;
  ErrorOutputPrefix: string;
  BufferingHints: { SizeInMBs: number; IntervalInSeconds: number };
  CompressionFormat: string;
  EncryptionConfiguration: unknown;
  DynamicPartitioningConfiguration: { Enabled: boolean };
  ProcessingConfiguration: {
    Processors: { Type: string; Parameters: { ParameterName: string; ParameterValue: string }[] }[];
  };
  DataFormatConversionConfiguration: {
    Enabled: boolean;
    InputFormatConfiguration: { Deserializer: { HiveJsonSerDe: { TimestampFormats: string[] } } };
    OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: string } } };
    SchemaConfiguration: { DatabaseName: string; TableName: string; VersionId: string };
  };
}

function streamOf(table: string): [string, Destination, Resource] {
  const found = resources(pipeline, 'AWS::KinesisFirehose::DeliveryStream').find(
    ([, stream]) =>
      (stream.Properties.ExtendedS3DestinationConfiguration as Destination).DataFormatConversionConfiguration
        .SchemaConfiguration.TableName === table,
  );
  expect(found, `delivery stream of ${table}`).toBeDefined();
  const [id, stream] = found!;
  return [id, stream.Properties.ExtendedS3DestinationConfiguration as Destination, stream];
}

function tableOf(name: string) {
  const found = resources(pipeline, 'AWS::Glue::Table').find(
    ([, table]) => (table.Properties.TableInput as { Name: string }).Name === name,
  );
  expect(found, `Glue table ${name}`).toBeDefined();
  return found![1].Properties.TableInput as {
    Parameters: Record<string, unknown>;
    PartitionKeys: { Name: string; Type: string }[];
    StorageDescriptor: { Columns: { Name: string; Type: string }[]; SerdeInfo: { SerializationLibrary: string } };
  };
}

describe('archive: the bucket (data stack)', () => {
  it('is retained, encrypted with the data key, private, TLS only, and expires conversion errors and query results', () => {
    const [, archive] = resources(data, 'AWS::S3::Bucket').find(([id]) => id === 'Archive')!;
    expect(archive.DeletionPolicy).toBe('Retain');
    expect(archive.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
            },
          },
        ],
      },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: {
        Rules: expect.arrayContaining([
          expect.objectContaining({ Prefix: 'errors/', ExpirationInDays: 14, Status: 'Enabled' }),
          expect.objectContaining({ Prefix: 'athena-results/', ExpirationInDays: 7, Status: 'Enabled' }),
        ]),
      },
    });
    // Not versioned: a deleted object is gone.
    expect(archive.Properties.VersioningConfiguration).toBeUndefined();
    data.hasOutput('*', { Export: { Name: 'Sadakat-test-Data:ArchiveArn' } });
  });
});

describe('archive: Firehose delivery streams', () => {
  it.each(ARCHIVE_STREAMS)(
    '%s: Parquet through the Glue table, a 64 MB buffer, partitioned by its own day',
    (stream) => {
      // Act
      const [, destination, resource] = streamOf(stream);

      // Assess
      expect(resource.Properties.DeliveryStreamType).toBe('DirectPut');
      expect(resource.Properties.DeliveryStreamEncryptionConfigurationInput).toEqual({ KeyType: 'AWS_OWNED_CMK' });
      expect(destination.BufferingHints.SizeInMBs).toBe(ARCHIVE_BUFFER_MB);
      expect(ARCHIVE_BUFFER_MB).toBeGreaterThanOrEqual(64);
      expect(destination.CompressionFormat).toBe('UNCOMPRESSED');
      expect(destination.DataFormatConversionConfiguration).toMatchObject({
        Enabled: true,
        OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } },
        SchemaConfiguration: { DatabaseName: 'sadakat_test_pipeline_archive', TableName: stream, VersionId: 'LATEST' },
      });
      // The writers' timestamps are toISOString's.
      expect(
        destination.DataFormatConversionConfiguration.InputFormatConfiguration.Deserializer.HiveJsonSerDe
          .TimestampFormats,
      ).toContain("yyyy-MM-dd'T'HH:mm:ss.SSSZZ");
      // Partitioned by the row's own time (not arrival), after splitting the aggregated records.
      expect(destination.Prefix).toBe(`${stream}/dt=!{partitionKeyFromQuery:dt}/`);
      expect(destination.DynamicPartitioningConfiguration.Enabled).toBe(true);
      const processors = destination.ProcessingConfiguration.Processors;
      expect(processors.map((processor) => processor.Type)).toEqual(['RecordDeAggregation', 'MetadataExtraction']);
      expect(processors[0]!.Parameters).toEqual([{ ParameterName: 'SubRecordType', ParameterValue: 'JSON' }]);
      expect(processors[1]!.Parameters).toContainEqual({
        ParameterName: 'MetadataExtractionQuery',
        ParameterValue: `{dt: .${PARTITION_TIME[stream]}[0:10]}`,
      });
      // Conversion errors keep the raw record: a prefix of their own, which the bucket expires; encrypted.
      expect(destination.ErrorOutputPrefix).toMatch(new RegExp(`^errors/${stream}/!\\{firehose:error-output-type\\}/`));
      expect(destination.EncryptionConfiguration).toEqual({
        KMSEncryptionConfig: { AWSKMSKeyARN: { 'Fn::ImportValue': 'Sadakat-test-Data:DataKeyArn' } },
      });
    },
  );
});

describe('archive: Glue tables', () => {
  it.each(ARCHIVE_STREAMS)(
    '%s: the columns of the writer, in order, with the same types, and dt projected',
    (stream) => {
      const table = tableOf(stream);
      expect(table.StorageDescriptor.Columns.map((column) => [column.Name, column.Type])).toEqual(
        ARCHIVE_COLUMNS[stream].map((column) => [column.name, column.type]),
      );
      expect(table.PartitionKeys).toEqual([expect.objectContaining({ Name: 'dt', Type: 'string' })]);
      expect(table.StorageDescriptor.SerdeInfo.SerializationLibrary).toMatch(/ParquetHiveSerDe$/);
      expect(table.Parameters).toMatchObject({
        'projection.enabled': 'true',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy-MM-dd',
      });
    },
  );
});

describe('archive: Athena', () => {
  it('has a workgroup that enforces KMS-encrypted results in the archive bucket and caps bytes scanned', () => {
    pipeline.hasResourceProperties('AWS::Athena::WorkGroup', {
      RecursiveDeleteOption: true,
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: Match.anyValue(),
        ResultConfiguration: {
          OutputLocation: Match.anyValue(),
          EncryptionConfiguration: {
            EncryptionOption: 'SSE_KMS',
            KmsKey: { 'Fn::ImportValue': 'Sadakat-test-Data:DataKeyArn' },
          },
        },
      }),
    });
  });

  it('saves the daily funnel per journey, refusals by reason and revenue by variant as named queries', () => {
    const queries = resources(pipeline, 'AWS::Athena::NamedQuery').map(([, query]) => query.Properties);
    expect(queries.map((query) => query.Name).sort()).toEqual(
      ['daily-funnel-per-journey', 'refusals-by-reason', 'revenue-by-variant'].sort(),
    );
    for (const query of queries) {
      expect(query.QueryString).toBe(ARCHIVE_QUERIES.find((saved) => saved.name === query.Name)?.sql);
      expect(query.Database).toBe('sadakat_test_pipeline_archive');
      expect(query.WorkGroup).toEqual({ Ref: expect.stringMatching(/WorkGroup/) });
    }
  });
});

describe('archive: the writers and the alarms', () => {
  const functionOf = (service: string) =>
    resources(pipeline, 'AWS::Lambda::Function').find(
      ([, fn]) =>
        (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.POWERTOOLS_SERVICE_NAME ===
        service,
    )![1];

  it('tells process-events and send the three streams, lets them PutRecordBatch there, and no other function', () => {
    for (const service of ['process-events', 'send']) {
      const variables = (functionOf(service).Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
      for (const stream of ARCHIVE_STREAMS)
        expect(variables[ARCHIVE_STREAM_ENV[stream]]).toEqual({ Ref: streamOf(stream)[0] });
    }
    const firehoseStatements = resources(pipeline, 'AWS::IAM::Policy').flatMap(([, policy]) =>
      (
        policy.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }
      ).Statement.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('firehose:'))),
    );
    expect(firehoseStatements).toHaveLength(2);
    for (const statement of firehoseStatements) {
      expect(statement.Action).toBe('firehose:PutRecordBatch');
      expect(statement.Resource).toHaveLength(3);
      expect(statement.Resource).toEqual(
        expect.arrayContaining(ARCHIVE_STREAMS.map((stream) => ({ 'Fn::GetAtt': [streamOf(stream)[0], 'Arn'] }))),
      );
    }
  });

  it('gives Firehose only the archive prefixes, its Glue tables and the data key; no wildcard action', () => {
    const [roleId] = resources(pipeline, 'AWS::IAM::Role').find(([id]) => id.includes('ArchiveDeliveryRole'))!;
    const statements = resources(pipeline, 'AWS::IAM::Policy')
      .filter(([, policy]) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
      .flatMap(
        ([, policy]) =>
          (policy.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] })
            .Statement,
      );
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    expect(actions.every((action) => /^(s3|glue|kms|logs):/.test(action))).toBe(true);
    const objects = JSON.stringify(
      statements.find((statement) => [statement.Action].flat().includes('s3:PutObject'))?.Resource,
    );
    for (const prefix of ['events/*', 'decisions/*', 'engagement/*', 'errors/*']) expect(objects).toContain(prefix);
  });

  it('alarms on a conversion failure and on more than 80% of a quota, per stream', () => {
    const alarms = resources(pipeline, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    const conversion = alarms.filter((alarm) => alarm.MetricName === 'FailedConversion.Records');
    expect(conversion).toHaveLength(3);
    const quota = alarms.filter((alarm) => JSON.stringify(alarm.Metrics ?? []).includes('RecordsPerSecondLimit'));
    expect(quota).toHaveLength(3);
    for (const alarm of quota) {
      expect(alarm.Threshold).toBe(ARCHIVE_QUOTA_ALARM_SHARE);
      const metrics = JSON.stringify(alarm.Metrics);
      for (const name of ['IncomingBytes', 'BytesPerSecondLimit', 'IncomingPutRequests', 'PutRequestsPerSecondLimit'])
        expect(metrics).toContain(name);
    }
  });

  it('counts every archive write failed line of process-events and send by its rows, and alarms on the first', () => {
    const filters = resources(pipeline, 'AWS::Logs::MetricFilter')
      .map(([, filter]) => filter.Properties)
      .filter((filter) => String(filter.FilterPattern).includes(ARCHIVE_FAILED));
    expect(filters).toHaveLength(2);
    const logGroups = ['process-events', 'send'].map(
      (service) => (functionOf(service).Properties.LoggingConfig as { LogGroup: unknown }).LogGroup,
    );
    expect(filters.map((filter) => filter.LogGroupName)).toEqual(expect.arrayContaining(logGroups));
    for (const filter of filters)
      expect(filter.MetricTransformations).toEqual([
        expect.objectContaining({ MetricName: ARCHIVE_FAILED_METRIC, MetricValue: '$.rows' }),
      ]);
    const alarms = resources(pipeline, 'AWS::CloudWatch::Alarm').filter(
      ([, alarm]) => alarm.Properties.MetricName === ARCHIVE_FAILED_METRIC,
    );
    expect(alarms).toHaveLength(2);
    for (const [, alarm] of alarms) expect(alarm.Properties).toMatchObject({ Threshold: 0, Statistic: 'Sum' });
  });
});
