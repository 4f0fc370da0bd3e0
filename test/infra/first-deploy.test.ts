/**
 * What a first real deployment needs beyond cdk-nag (issue 16), asserted on the production
 * context CI lints with cfn-lint: alarms that can reach the topic, bounded FIFO consumers, state
 * machines that wait out Lambda throttling, the SES identity; and the edge firewall in front of
 * the API (issue 17, decision 111), which the production context turns on; the call center on
 * Amazon Connect (issue 22), which it names too.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_ACCESS } from '../../infra/constructs/table-access.js';
import { UNSUBSCRIBE_THROTTLE } from '../../infra/pipeline-stack.js';
import { PRODUCTION_CONTEXT } from '../../infra/synth-templates.js';
import { sadakatStacks } from './sadakat-app.js';

let pipeline: Template;
let data: Template;
let firewall: Template;
let firewallRegion: string;

beforeAll(async () => {
  const stacks = await sadakatStacks(PRODUCTION_CONTEXT);
  pipeline = Template.fromStack(stacks.pipeline);
  data = Template.fromStack(stacks.data);
  firewall = Template.fromStack(stacks.edgeFirewall!);
  firewallRegion = stacks.edgeFirewall!.region;
  // Three stacks with cdk-nag: about a minute on a quiet 2-core machine, several under CI's load.
}, 300_000);

type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = (type: string): [string, Resource][] =>
  Object.entries(pipeline.findResources(type) as Record<string, Resource>);

/** A state machine's definition with every CloudFormation reference inside it replaced by a placeholder. */
function definitionOf(machine: Resource): { States: Record<string, State> } {
  const body = machine.Properties.DefinitionString as string | { 'Fn::Join': [string, unknown[]] };
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'REF')).join('');
  return JSON.parse(text) as { States: Record<string, State> };
}
interface State {
  Type: string;
  ItemsPath?: string;
  Resource?: string;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number; BackoffRate?: number }[];
  ItemProcessor?: { States: Record<string, State> };
  Iterator?: { States: Record<string, State> };
}
function allStates(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, State],
    ...allStates(state.ItemProcessor?.States ?? state.Iterator?.States ?? {}),
  ]);
}

describe('alarms reach the operators', () => {
  it('lets CloudWatch publish to the alerts topic, for this account and exactly the stack alarms, beside the TLS deny', () => {
    // Act
    const [policy] = resources('AWS::SNS::TopicPolicy').filter(([id]) => id.startsWith('AlertsTopic'));
    const statements = (policy![1].Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    const alarmArns = resources('AWS::CloudWatch::Alarm').map(([id]) => ({ 'Fn::GetAtt': [id, 'Arn'] }));

    // Assess
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const allow = statements.find((statement) => statement.Sid === 'CloudWatchAlarmsPublish');
    expect(allow).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: expect.stringMatching(/^AlertsTopic/) },
      Condition: { StringEquals: { 'aws:SourceAccount': PRODUCTION_CONTEXT.account } },
    });
    const sources = (allow!.Condition as { ArnEquals: { 'aws:SourceArn': unknown[] } }).ArnEquals['aws:SourceArn'];
    expect(alarmArns.length).toBeGreaterThan(10);
    expect(sources).toEqual(expect.arrayContaining(alarmArns));
    expect(sources).toHaveLength(alarmArns.length);
  });
});

describe('FIFO consumers and throttling', () => {
  it('caps every event source mapping at a maximum concurrency of 2 or more', () => {
    // Act
    const mappings = resources('AWS::Lambda::EventSourceMapping');

    // Assess
    expect(mappings.length).toBeGreaterThanOrEqual(2);
    for (const [id, mapping] of mappings) {
      const maximum = (mapping.Properties.ScalingConfig as { MaximumConcurrency?: number } | undefined)
        ?.MaximumConcurrency;
      expect(maximum, id).toBeGreaterThanOrEqual(2);
    }
  });

  it('retries Lambda throttling with backoff in every task of every state machine', () => {
    // Act
    const tasks = resources('AWS::StepFunctions::StateMachine').flatMap(([, machine]) =>
      allStates(definitionOf(machine).States).filter(([, state]) => state.Type === 'Task'),
    );

    // Assess
    expect(tasks.length).toBeGreaterThanOrEqual(4);
    for (const [name, task] of tasks) {
      const retry = task.Retry?.find((rule) => rule.ErrorEquals.includes('Lambda.TooManyRequestsException'));
      expect(retry, name).toMatchObject({ BackoffRate: 2 });
      expect(retry?.MaxAttempts, name).toBeGreaterThanOrEqual(5);
    }
  });
});

describe('scheduled passes', () => {
  it('keeps every function timeout within Lambda’s 900 s', () => {
    // Assess
    for (const [id, fn] of resources('AWS::Lambda::Function'))
      expect(fn.Properties.Timeout as number, id).toBeLessThanOrEqual(900);
  });

  it('pins every schedule target’s retries and maximum event age, and passes the scheduled time to the passes', () => {
    // Act
    const schedules = resources('AWS::Scheduler::Schedule');

    // Assess
    expect(schedules.length).toBeGreaterThanOrEqual(6);
    for (const [id, schedule] of schedules) {
      const target = schedule.Properties.Target as {
        RetryPolicy?: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
        Input?: string;
      };
      expect(target.RetryPolicy, id).toEqual({
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: expect.any(Number),
      });
      expect(target.RetryPolicy!.MaximumEventAgeInSeconds, id).toBeGreaterThanOrEqual(60);
      expect(target.RetryPolicy!.MaximumEventAgeInSeconds, id).toBeLessThanOrEqual(3600);
      if (!id.startsWith('RefreshNightly'))
        expect(JSON.parse(target.Input ?? '{}'), id).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
    }
  });

  it('turns off Lambda’s async retries on every function the Scheduler invokes', () => {
    // Act
    const invoked = resources('AWS::Scheduler::Schedule')
      .map(([, schedule]) => (schedule.Properties.Target as { Arn: unknown }).Arn)
      .flatMap((arn) => {
        const getAtt = (arn as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
        return getAtt ? [getAtt[0]] : [];
      });
    const configs = resources('AWS::Lambda::EventInvokeConfig');

    // Assess
    // segment-expiry, journey-tick, send-reconciler, release-deferred (the others start state machines).
    expect(invoked).toHaveLength(4);
    for (const functionId of invoked)
      expect(
        configs.find(([, config]) => JSON.stringify(config.Properties.FunctionName).includes(functionId))?.[1]
          .Properties.MaximumRetryAttempts,
        functionId,
      ).toBe(0);
  });

  it('fans journey-schedule out over a Map of shards after the plan claims the slot', () => {
    // Act
    const [, machine] = resources('AWS::StepFunctions::StateMachine').find(([id]) =>
      id.startsWith('JourneyScheduleStateMachine'),
    )!;
    const states = definitionOf(machine).States;

    // Assess
    expect(Object.keys(states).sort()).toEqual(['AlreadyRan', 'ClaimAndPlan', 'FirstDelivery', 'ScheduleShards']);
    expect(states.ScheduleShards).toMatchObject({ Type: 'Map', ItemsPath: '$.shards' });
  });

  it('lets release-deferred read the due index, update and delete items, and send to sends.fifo only', () => {
    // Act
    const [, policy] = resources('AWS::IAM::Policy').find(([id]) => id.startsWith('ReleaseDeferredTaskRole'))!;
    const statements = (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement;
    const actions = statements.flatMap((statement) =>
      Array.isArray(statement.Action) ? statement.Action : [statement.Action],
    );

    // Assess
    expect(actions.filter((action) => action.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(actions.filter((action) => action.startsWith('sqs:')).sort()).toEqual([
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
  });
});

describe('the SES identity, created from sesDomain', () => {
  const domain = PRODUCTION_CONTEXT.sesDomain;

  it('is a domain identity with Easy DKIM and the bounce. MAIL FROM subdomain, retained with the data stack', () => {
    // Assess
    data.resourceCountIs('AWS::SES::EmailIdentity', 1);
    data.hasResource('AWS::SES::EmailIdentity', {
      Properties: {
        EmailIdentity: domain,
        DkimAttributes: { SigningEnabled: true },
        MailFromAttributes: { MailFromDomain: `bounce.${domain}`, BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    pipeline.resourceCountIs('AWS::SES::EmailIdentity', 0);
  });

  it('outputs the three DKIM CNAMEs from the identity and the computed MAIL FROM MX and SPF records and DMARC', () => {
    // Act
    const outputs = data.toJSON().Outputs as Record<string, { Value: unknown }>;
    const tokens = (n: number) => ({
      'Fn::Join': [
        '',
        [
          { 'Fn::GetAtt': ['SesIdentity', `DkimDNSTokenName${n}`] },
          ' CNAME ',
          { 'Fn::GetAtt': ['SesIdentity', `DkimDNSTokenValue${n}`] },
        ],
      ],
    });

    // Assess
    for (const n of [1, 2, 3]) expect(outputs[`DkimRecord${n}`]?.Value).toEqual(tokens(n));
    expect(outputs.MailFromMxRecord?.Value).toEqual({
      'Fn::Join': ['', [`bounce.${domain} MX 10 feedback-smtp.`, { Ref: 'AWS::Region' }, '.amazonses.com']],
    });
    expect(outputs.MailFromSpfRecord?.Value).toBe(`bounce.${domain} TXT "v=spf1 include:amazonses.com ~all"`);
    expect(outputs.DmarcRecord?.Value).toMatch(
      new RegExp(`^_dmarc\\.${domain.replaceAll('.', '\\.')} TXT "v=DMARC1; p=none;`),
    );
  });

  it('lets send send email only from the created identity, through the stack configuration set', () => {
    // Act
    const [, policy] = resources('AWS::IAM::Policy').find(([id]) => id.startsWith('SendsSendRole'))!;
    const statements = (policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
      .Statement;
    const ses = statements.filter((statement) => JSON.stringify(statement.Action).includes('ses:'));

    // Assess
    expect(ses).toEqual([
      expect.objectContaining({
        Action: 'ses:SendEmail',
        Resource: [
          { 'Fn::ImportValue': 'Sadakat-prod-Data:SesIdentityArn' },
          {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':ses:eu-central-1:123456789012:configuration-set/',
                { Ref: expect.stringMatching(/^SendsConfigurationSet/) },
              ],
            ],
          },
        ],
      }),
    ]);
  });

  it('lets send send WhatsApp from the context phone number only, and tells it the number', () => {
    // Act
    const [, policy] = resources('AWS::IAM::Policy').find(([id]) => id.startsWith('SendsSendRole'))!;
    const statements = (policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
      .Statement;
    const social = statements.filter((statement) => JSON.stringify(statement.Action).includes('social-messaging:'));

    // Assess
    expect(social).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'social-messaging:SendWhatsAppMessage',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':social-messaging:eu-central-1:123456789012:phone-number-id/976c72a700aac43eaf573ae050e0a1b2',
            ],
          ],
        },
      }),
    ]);
    pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'send',
          WHATSAPP_PHONE_NUMBER_ID: PRODUCTION_CONTEXT.whatsappPhoneNumberId,
        }),
      },
    });
  });

  it('has a configuration set whose bounces and complaints reach an encrypted topic SES may publish to', () => {
    // Act
    const [, key] = resources('AWS::KMS::Key').find(([id]) => id.startsWith('SendsFeedbackKey'))!;
    const keyStatements = (key.Properties.KeyPolicy as { Statement: Record<string, unknown>[] }).Statement;
    const [, topicPolicy] = resources('AWS::SNS::TopicPolicy').find(([id]) => id.startsWith('SendsFeedbackTopic'))!;
    const topicStatements = (topicPolicy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;

    // Assess
    pipeline.resourceCountIs('AWS::SES::ConfigurationSet', 1);
    pipeline.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayWith(['bounce', 'complaint']),
        SnsDestination: { TopicARN: { Ref: Match.stringLikeRegexp('^SendsFeedbackTopic') } },
      }),
    });
    // The key statement SES's developer guide gives, without conditions SES's KMS calls may not carry (decision 110).
    expect(keyStatements.find((statement) => statement.Sid === 'SesPublishesFeedback')).toEqual({
      Sid: 'SesPublishesFeedback',
      Effect: 'Allow',
      Principal: { Service: 'ses.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
    });
    // The topic: SES for this account's configuration set only, beside the TLS deny.
    expect(topicStatements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'ses.amazonaws.com' },
        Action: 'sns:Publish',
        Condition: {
          StringEquals: {
            'AWS:SourceAccount': PRODUCTION_CONTEXT.account,
            'AWS:SourceArn': expect.objectContaining({ 'Fn::Join': expect.anything() }),
          },
        },
      }),
    );
  });
});

describe('capacity strangers cannot exhaust: CloudFront and WAF in front of the API', () => {
  const distributionDomain = { 'Fn::GetAtt': [expect.stringMatching(/^IngestEdgeDistribution/), 'DomainName'] };

  it('keeps the web ACL in us-east-1, scoped to CloudFront, with a per-IP rate rule that spares unsubscribe and confirm links', () => {
    // Act
    const [acl] = Object.values(firewall.findResources('AWS::WAFv2::WebACL')) as Resource[];
    const rules = acl!.Properties.Rules as {
      Action: unknown;
      Statement: { RateBasedStatement: Record<string, unknown> };
    }[];

    // Assess
    expect(firewallRegion).toBe('us-east-1');
    expect(acl!.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Action).toEqual({ Block: {} });
    expect(rules[0]!.Statement.RateBasedStatement).toMatchObject({
      AggregateKeyType: 'IP',
      EvaluationWindowSec: 60,
      Limit: 300,
    });
    const exempt = rules[0]!.Statement.RateBasedStatement.ScopeDownStatement as {
      NotStatement: { Statement: { OrStatement: { Statements: { ByteMatchStatement: Record<string, unknown> }[] } } };
    };
    expect(
      exempt.NotStatement.Statement.OrStatement.Statements.map((statement) => [
        statement.ByteMatchStatement.SearchString,
        statement.ByteMatchStatement.PositionalConstraint,
        statement.ByteMatchStatement.FieldToMatch,
      ]),
    ).toEqual([
      ['/u/', 'STARTS_WITH', { UriPath: {} }],
      ['/c/', 'STARTS_WITH', { UriPath: {} }],
    ]);
    expect(firewall.toJSON().Outputs.WebAclArn.Value).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
  });

  it('puts CloudFront with the context web ACL in front of every path and method, uncached, with the secret header', () => {
    // Act
    const [distribution] = resources('AWS::CloudFront::Distribution');
    const config = distribution![1].Properties.DistributionConfig as {
      WebACLId: string;
      DefaultCacheBehavior: Record<string, unknown>;
      CacheBehaviors?: unknown[];
      Origins: { DomainName: unknown; OriginCustomHeaders: { HeaderName: string; HeaderValue: unknown }[] }[];
    };

    // Assess
    expect(resources('AWS::CloudFront::Distribution')).toHaveLength(1);
    expect(config.WebACLId).toBe(PRODUCTION_CONTEXT.edgeWebAclArn);
    expect(config.CacheBehaviors).toBeUndefined();
    expect(config.DefaultCacheBehavior).toMatchObject({
      AllowedMethods: expect.arrayContaining(['GET', 'POST', 'OPTIONS']),
      // CloudFront's managed CachingDisabled and AllViewerExceptHostHeader policies.
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
      ViewerProtocolPolicy: 'https-only',
    });
    expect(JSON.stringify(config.Origins[0]!.DomainName)).toMatch(/"Ref":"IngestApi[^"]*"},".execute-api."/);
    expect(config.Origins[0]!.OriginCustomHeaders).toEqual([
      {
        HeaderName: 'x-sadakat-edge',
        HeaderValue: {
          'Fn::Join': [
            '',
            ['{{resolve:secretsmanager:', { Ref: expect.stringMatching(/^IngestEdgeSecret/) }, ':SecretString:::}}'],
          ],
        },
      },
    ]);
  });

  it('refuses every route but unsubscribe to requests that did not come through CloudFront, routes added by other constructs included', () => {
    // Act
    const routes = resources('AWS::ApiGatewayV2::Route');
    const [[authorizerId, authorizer]] = resources('AWS::ApiGatewayV2::Authorizer') as [[string, Resource]];

    // Assess
    expect(routes.map(([, route]) => route.Properties.RouteKey)).toEqual(
      expect.arrayContaining([
        'POST /v1/batch',
        'GET /v1/projects/{writeKey}/settings',
        'GET /u/{token}',
        'POST /u/{token}',
      ]),
    );
    for (const [id, route] of routes) {
      // Unsubscribe links stay open on both hosts: mail sent before the edge names the API's own.
      if (String(route.Properties.RouteKey).endsWith(' /u/{token}'))
        expect(route.Properties.AuthorizationType, id).toBe('NONE');
      else
        expect(route.Properties, id).toMatchObject({
          AuthorizationType: 'CUSTOM',
          AuthorizerId: { Ref: authorizerId },
        });
    }
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      IdentitySource: ['$request.header.x-sadakat-edge'],
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 3600,
    });
  });

  it('publishes only CloudFront’s host: the ingest URL, the unsubscribe links and the analytics.js settings', () => {
    // Act
    const functions = resources('AWS::Lambda::Function');
    const environment = (prefix: string) =>
      (
        functions.find(([id]) => id.startsWith(prefix))![1].Properties.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;

    // Assess
    expect(pipeline.toJSON().Outputs.IngestUrl.Value).toEqual({ 'Fn::Join': ['', ['https://', distributionDomain]] });
    expect(environment('SendsSendFunction').UNSUBSCRIBE_BASE_URL).toEqual({
      'Fn::Join': ['', ['https://', distributionDomain]],
    });
    expect(environment('IngestFunction').PUBLIC_HOST).toEqual(distributionDomain);
    // The API's own endpoint is named nowhere a customer or a storefront could read it.
    const published = JSON.stringify([pipeline.toJSON().Outputs, functions.map(([, fn]) => fn.Properties.Environment)]);
    expect(published).not.toContain('ApiEndpoint');
  });

  it('keeps the unsubscribe routes’ own throttle, with no per-IP limit', () => {
    // Act
    const [[, stage]] = resources('AWS::ApiGatewayV2::Stage') as [[string, Resource]];

    // Assess
    expect(stage.Properties.RouteSettings).toMatchObject({
      'GET /u/{token}': {
        ThrottlingRateLimit: UNSUBSCRIBE_THROTTLE.rateLimit,
        ThrottlingBurstLimit: UNSUBSCRIBE_THROTTLE.burstLimit,
      },
      'POST /u/{token}': {
        ThrottlingRateLimit: UNSUBSCRIBE_THROTTLE.rateLimit,
        ThrottlingBurstLimit: UNSUBSCRIBE_THROTTLE.burstLimit,
      },
    });
  });
});

const INSTANCE = PRODUCTION_CONTEXT.connectInstanceArn;
const FLOW = PRODUCTION_CONTEXT.connectContactFlowId;
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const statements = (template: Template): Statement[] =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) =>
      (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
const granting = (template: Template, action: string) =>
  statements(template).filter((statement) => [statement.Action].flat().includes(action));

describe('PipelineStack: the call center', () => {
  it('gives the send function the instance and the flow, and lets it start tasks in that flow only', () => {
    pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'send',
          CONNECT_INSTANCE_ID: INSTANCE.split('/').pop(),
          CONNECT_CONTACT_FLOW_ID: FLOW,
        }),
      },
    });
    const start = granting(pipeline, 'connect:StartTaskContact');
    expect(start).toHaveLength(1);
    expect([start[0]?.Resource].flat().sort()).toEqual([`${INSTANCE}/contact-flow/${FLOW}`, `${INSTANCE}/contact/*`]);
  });

  it("routes the instance's ended task contacts to call-feedback, which may read their attributes and enqueue events", () => {
    pipeline.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.connect'],
        'detail-type': ['Amazon Connect Contact Event'],
        detail: { instanceArn: [INSTANCE], channel: ['TASK'], eventType: ['DISCONNECTED', 'COMPLETED'] },
      },
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
    });
    pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'call-feedback' }) },
    });
    const read = granting(pipeline, 'connect:GetContactAttributes');
    expect(read).toHaveLength(1);
    expect(read[0]?.Resource).toBe(`${INSTANCE}/contact/*`);
    expect(statements(pipeline).some((statement) => [statement.Action].flat().includes('connect:*'))).toBe(false);
  });
});

describe('PipelineStack: inbound WhatsApp (the WhatsApp Business Account event destination)', () => {
  const functionId = () =>
    resources('AWS::Lambda::Function').find(
      ([, fn]) =>
        (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
          ?.POWERTOOLS_SERVICE_NAME === 'whatsapp-events',
    )?.[0];
  const roleStatements = () => {
    const [, fn] = resources('AWS::Lambda::Function').find(([id]) => id === functionId())!;
    const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    return resources('AWS::IAM::Policy')
      .filter(([, policy]) => (policy.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === role))
      .flatMap(
        ([, policy]) => (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
      );
  };

  it('is an encrypted standard topic only End User Messaging Social of this account may publish to', () => {
    // Act
    const [topicId, topic] = resources('AWS::SNS::Topic').find(([id]) => id.startsWith('WhatsAppEventsTopic'))!;
    const [, key] = resources('AWS::KMS::Key').find(([id]) => id.startsWith('WhatsAppEventsTopicKey'))!;
    const keyStatements = (key.Properties.KeyPolicy as { Statement: Record<string, unknown>[] }).Statement;
    const [, topicPolicy] = resources('AWS::SNS::TopicPolicy').find(([id]) => id.startsWith('WhatsAppEventsTopic'))!;
    const topicStatements = (topicPolicy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;

    // Assess: FIFO topics are not supported as an event destination.
    expect(topic.Properties.FifoTopic).toBeUndefined();
    expect(topic.Properties.KmsMasterKeyId).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^WhatsAppEventsTopicKey/), 'Arn'],
    });
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(keyStatements.find((statement) => statement.Sid === 'SocialMessagingPublishesEvents')).toEqual({
      Sid: 'SocialMessagingPublishesEvents',
      Effect: 'Allow',
      Principal: { Service: 'social-messaging.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
    });
    expect(topicStatements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const publishers = topicStatements.filter((statement) => statement.Effect === 'Allow');
    expect(publishers).toEqual([
      {
        Sid: 'SocialMessagingPublishes',
        Effect: 'Allow',
        Principal: { Service: 'social-messaging.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topicId },
        Condition: {
          StringEquals: { 'aws:SourceAccount': PRODUCTION_CONTEXT.account },
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':social-messaging:eu-central-1:123456789012:*']],
            },
          },
        },
      },
    ]);
    expect(pipeline.findOutputs('WhatsAppEventsTopicArn').WhatsAppEventsTopicArn?.Value).toEqual({ Ref: topicId });
  });

  it('invokes whatsapp-events, keeping what still fails after retries in a queue with an alarm', () => {
    // Assess
    const fn = functionId();
    expect(fn).toBeDefined();
    pipeline.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: Match.stringLikeRegexp('^WhatsAppEventsTopic') },
      Endpoint: { 'Fn::GetAtt': [fn, 'Arn'] },
    });
    pipeline.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fn },
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WhatsAppEventsFailures'), 'Arn'] } },
      },
    });
    pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WhatsAppEventsFailures'), 'QueueName'] },
        },
      ],
    });
  });

  it('lets whatsapp-events look numbers up, suppress a STOP, mark the ledger and count, enqueue events and read the pepper, nothing else', () => {
    // Act
    const granted = roleStatements();
    const actions = granted.flatMap((statement) => [statement.Action].flat() as string[]);
    const onTable = granted.filter((statement) =>
      ([statement.Action].flat() as string[]).some((action) => action.startsWith('dynamodb:')),
    );

    // Assess
    expect(onTable).toHaveLength(1);
    expect(([onTable[0]!.Action].flat() as string[]).sort()).toEqual(
      TABLE_ACCESS.whatsappEvents.actions.map((action) => `dynamodb:${action}`).sort(),
    );
    expect(onTable[0]!.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ID#*', 'C#*', 'STATS#*', 'SUPPRESS#*'] },
    });
    expect(actions).toEqual(expect.arrayContaining(['sqs:SendMessage', 'secretsmanager:GetSecretValue']));
    const services = new Set(actions.map((action) => action.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'kms', 'logs', 'secretsmanager', 'sqs']);
    expect(actions).not.toContain('dynamodb:Scan');
  });

  it('lets send link the numbers it messages (the directory inbound messages are resolved through)', () => {
    // Assess
    expect(TABLE_ACCESS.send.partitions).toContain('ID#');
  });
});

describe('ceilings from context (issue 20)', () => {
  it('throttles the ingest stage at ingestRateLimit, bursting to twice it', () => {
    // Assess
    const rate = PRODUCTION_CONTEXT.ingestRateLimit;
    pipeline.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: rate, ThrottlingBurstLimit: 2 * rate },
    });
  });

  it('pre-warms the table to tableWarmReadUnits and tableWarmWriteUnits', () => {
    // Assess
    data.hasResourceProperties('AWS::DynamoDB::Table', {
      WarmThroughput: {
        ReadUnitsPerSecond: PRODUCTION_CONTEXT.tableWarmReadUnits,
        WriteUnitsPerSecond: PRODUCTION_CONTEXT.tableWarmWriteUnits,
      },
    });
  });

  it('reserves ingestReservedConcurrency for ingest and concurrency for no other function', () => {
    // Act
    const reserved = resources('AWS::Lambda::Function').filter(
      ([, fn]) => fn.Properties.ReservedConcurrentExecutions !== undefined,
    );

    // Assess
    expect(reserved).toHaveLength(1);
    expect(reserved[0]?.[1].Properties).toMatchObject({
      ReservedConcurrentExecutions: PRODUCTION_CONTEXT.ingestReservedConcurrency,
      Environment: { Variables: expect.objectContaining({ POWERTOOLS_SERVICE_NAME: 'ingest' }) },
    });
  });
});
