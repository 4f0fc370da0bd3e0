import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { INGEST_PATHS } from '../../infra/constructs/ingest-api.js';
import { createTableInput, TTL_ATTRIBUTE } from '../../shared/aws/table.js';
import { sadakatStacks } from './sadakat-app.js';

/** Both stacks, synthesized once with cdk-nag on: Template.fromStack throws on any unacknowledged finding. */
let data: Template;
let pipeline: Template;

beforeAll(async () => {
  const stacks = await sadakatStacks({ stage: 'test', alarmEmail: 'ops@example.com' });
  data = Template.fromStack(stacks.data);
  pipeline = Template.fromStack(stacks.pipeline);
});

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
const resources = (template: Template, type: string): [string, Resource][] => Object.entries(template.findResources(type) as Record<string, Resource>);
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
    data.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } });
  });

  it('is encrypted with the customer-managed key, which rotates', () => {
    // Assess
    data.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] } },
    });
    data.hasResource('AWS::KMS::Key', { Properties: Match.objectLike({ EnableKeyRotation: true }), DeletionPolicy: 'Retain' });
  });

  it('keeps fixed logical ids and lets CloudFormation name the resources', () => {
    // Act
    const ids = Object.keys(data.toJSON().Resources as object);

    // Assess
    expect(ids).toEqual(expect.arrayContaining(['Table', 'DataKey', 'Artifacts', 'WriteKeys']));
    expect(onlyResource(data, 'AWS::DynamoDB::Table').Properties.TableName).toBeUndefined();
    expect(onlyResource(data, 'AWS::S3::Bucket').Properties.BucketName).toBeUndefined();
  });
});

describe('DataStack: the artifacts bucket and the write keys', () => {
  it('encrypts with the data key, blocks public access, keeps versions', () => {
    // Assess
    data.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['DataKey', 'Arn'] } } }),
          ],
        },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        VersioningConfiguration: { Status: 'Enabled' },
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('expires old refresh runs and overwritten versions', () => {
    // Assess
    data.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'refresh/', ExpirationInDays: 90, Status: 'Enabled' }),
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 7 } }),
        ]),
      },
    });
  });

  it('refuses requests without TLS', () => {
    // Assess
    data.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('generates the first write key into a retained secret', () => {
    // Assess
    data.hasResource('AWS::SecretsManager::Secret', {
      Properties: Match.objectLike({ GenerateSecretString: Match.objectLike({ PasswordLength: 40, ExcludePunctuation: true }) }),
      DeletionPolicy: 'Retain',
    });
  });
});

describe('PipelineStack: events.fifo', () => {
  it('is a high-throughput FIFO queue encrypted with the data key, redriving after five receives', () => {
    // Prepare
    const dlq = resources(pipeline, 'AWS::SQS::Queue').find(([id]) => id.startsWith('EventsDeadLetterQueue'));
    expect(dlq).toBeDefined();

    // Assess
    pipeline.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
      KmsMasterKeyId: importOf('DataKeyArn'),
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq![0], 'Arn'] }, maxReceiveCount: 5 },
    });
  });

  it('has a FIFO dead-letter queue, encrypted too', () => {
    // Assess
    expect(resources(pipeline, 'AWS::SQS::Queue').find(([id]) => id.startsWith('EventsDeadLetterQueue'))?.[1].Properties).toMatchObject({
      FifoQueue: true,
      KmsMasterKeyId: importOf('DataKeyArn'),
    });
  });

  it('refuses requests without TLS on both queues', () => {
    // Assess
    pipeline.resourceCountIs('AWS::SQS::QueuePolicy', 2);
    pipeline.allResourcesProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('feeds process-events in batches of ten with partial batch responses', () => {
    // Assess
    pipeline.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventsQueue'), 'Arn'] },
    });
  });
});

describe('PipelineStack: functions', () => {
  it('runs every function on Node.js 22, arm64, with the Powertools logger settings', () => {
    // Act
    const functions = resources(pipeline, 'AWS::Lambda::Function').map(([, fn]) => fn.Properties);

    // Assess
    expect(functions.length).toBeGreaterThanOrEqual(7);
    for (const fn of functions) {
      expect(fn).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: { Variables: expect.objectContaining({ POWERTOOLS_SERVICE_NAME: expect.any(String), LOG_LEVEL: 'INFO' }) },
      });
    }
  });

  it('points process-events at the bundled campaign folder and the table', () => {
    // Assess
    pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'process-events',
          CAMPAIGN_DIR: '/var/task/campaign',
          TABLE_NAME: Match.anyValue(),
        }),
      },
    });
  });

  it('gives ingest the write-key secret by ARN, never the keys themselves', () => {
    // Act
    const ingest = resources(pipeline, 'AWS::Lambda::Function')
      .map(([, fn]) => fn.Properties)
      .find((fn) => JSON.stringify(fn).includes('"POWERTOOLS_SERVICE_NAME":"ingest"'));

    // Assess
    const variables = (ingest?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.WRITE_KEYS_SECRET_ARN).toEqual(importOf('WriteKeysArn'));
    expect(variables.EVENTS_QUEUE_URL).toEqual({ Ref: expect.stringMatching(/^EventsQueue/) });
    expect(variables).not.toHaveProperty('WRITE_KEYS');
  });
});

describe('PipelineStack: ingest API', () => {
  it('routes every Segment call and alias to ingest with POST', () => {
    // Act
    const routeKeys = resources(pipeline, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);

    // Assess
    expect(routeKeys.sort()).toEqual(INGEST_PATHS.map((path) => `POST ${path}`).sort());
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
    const stage = onlyResource(pipeline, 'AWS::ApiGatewayV2::Stage').Properties as { AccessLogSettings: { Format: string } };

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
    const machine = onlyResource(pipeline, 'AWS::StepFunctions::StateMachine').Properties;
    const definition = JSON.stringify(machine.DefinitionString);

    // Assess
    for (const state of ['PlanRun', 'SummarizeSegments', 'FitModels', 'ScoreSegments']) expect(definition).toContain(state);
    expect(machine).toMatchObject({ TracingConfiguration: { Enabled: true }, LoggingConfiguration: { Level: 'ALL' } });
  });
});

describe('PipelineStack: scheduled tasks', () => {
  const scheduled = [
    { id: 'Expiry', service: 'segment-expiry', rate: 'rate(5 minutes)', index: 'expiry' },
    { id: 'JourneyTick', service: 'journey-tick', rate: 'rate(1 minute)', index: 'due' },
    { id: 'SendReconciler', service: 'send-reconciler', rate: 'rate(15 minutes)', index: 'due' },
  ];
  const dynamoStatements = (roleId: string) => {
    const policy = resources(pipeline, 'AWS::IAM::Policy').find(([id]) => id.startsWith(`${roleId}TaskRole`));
    const statements = (policy?.[1].Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement;
    return statements.filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'));
  };

  it.each(scheduled)('invokes $service at $rate, with a timeout shorter than the interval', ({ id, service, rate }) => {
    // Act
    const task = resources(pipeline, 'AWS::Lambda::Function').find(([logicalId]) => logicalId.startsWith(`${id}Task`));

    // Assess
    expect(task?.[1].Properties.Environment).toMatchObject({ Variables: { POWERTOOLS_SERVICE_NAME: service } });
    pipeline.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: rate, Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [task?.[0], 'Arn'] } }) });
    const seconds = Number(/\d+/.exec(rate)![0]) * 60;
    expect(task?.[1].Properties.Timeout).toBeLessThan(seconds);
  });

  it.each(scheduled)('lets $service query the $index index by name', ({ id, index }) => {
    // Assess
    expect(dynamoStatements(id)).toContainEqual(
      expect.objectContaining({ Action: 'dynamodb:Query', Resource: { 'Fn::Join': ['', [importOf('TableArn'), `/index/${index}`]] } }),
    );
  });

  it('gives the expiry pass nothing of the table but its index', () => {
    // Assess
    expect(dynamoStatements('Expiry')).toHaveLength(1);
  });
});

describe('PipelineStack: alarms', () => {
  it('alarms on the dead-letter queue as soon as one message is in it', () => {
    // Assess
    pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventsDeadLetterQueue'), 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarms on errors and throttles of every function', () => {
    // Act
    const functionCount = resources(pipeline, 'AWS::Lambda::Function').length;
    const lambdaAlarms = resources(pipeline, 'AWS::CloudWatch::Alarm').filter(([, alarm]) => alarm.Properties.Namespace === 'AWS/Lambda');

    // Assess
    const count = (metric: string) => lambdaAlarms.filter(([, alarm]) => alarm.Properties.MetricName === metric).length;
    expect(count('Errors')).toBe(functionCount);
    expect(count('Throttles')).toBe(functionCount);
  });

  it('sends every alarm to the encrypted operator topic, which mails the context address', () => {
    // Act
    const alarms = resources(pipeline, 'AWS::CloudWatch::Alarm');

    // Assess
    for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlertsTopic/) }]);
    pipeline.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    pipeline.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});

describe('PipelineStack: permissions', () => {
  type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
  const statements = (): Statement[] =>
    resources(pipeline, 'AWS::IAM::Policy').flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  const actions = (statement: Statement): string[] => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);
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
    for (const [, role] of resources(pipeline, 'AWS::IAM::Role')) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('lets process-events write the table and nothing broader', () => {
    // Act
    const tableStatement = policyOf('EventsProcessEventsRole').find((statement) => actions(statement).includes('dynamodb:PutItem'));

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
    expect(ingest.flatMap(actions).filter((action) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(action))).toEqual([]);
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
