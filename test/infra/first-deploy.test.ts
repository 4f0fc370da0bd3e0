/**
 * What a first real deployment needs beyond cdk-nag (issue 16), asserted on the production
 * context CI lints with cfn-lint: alarms that can reach the topic, bounded FIFO consumers, state
 * machines that wait out Lambda throttling.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTION_CONTEXT } from '../../infra/synth-templates.js';
import { sadakatStacks } from './sadakat-app.js';

let pipeline: Template;
let data: Template;

beforeAll(async () => {
  const stacks = await sadakatStacks(PRODUCTION_CONTEXT);
  pipeline = Template.fromStack(stacks.pipeline);
  data = Template.fromStack(stacks.data);
});

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

  it('lets release-deferred read the due index, delete items, and send to sends.fifo only', () => {
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

  it('lets send send raw email only from the created identity, through the stack configuration set', () => {
    // Act
    const [, policy] = resources('AWS::IAM::Policy').find(([id]) => id.startsWith('SendsSendRole'))!;
    const statements = (policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
      .Statement;
    const ses = statements.filter((statement) => JSON.stringify(statement.Action).includes('ses:'));

    // Assess
    expect(ses).toEqual([
      expect.objectContaining({
        Action: 'ses:SendRawEmail',
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
