/** The erasure admin API in the pipeline stack: IAM-authorized function URL, narrow table grant, cdk-nag clean. */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ERASURE_TABLE_ACTIONS } from '../../infra/constructs/admin-forget-api.js';
import { sadakatStacks } from './sadakat-app.js';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/** Synthesized with cdk-nag on: Template.fromStack throws on any unacknowledged finding. */
let pipeline: Template;

beforeAll(async () => {
  const stacks = await sadakatStacks({ stage: 'test' });
  pipeline = Template.fromStack(stacks.pipeline);
});

const resources = (type: string): [string, Resource][] =>
  Object.entries(pipeline.findResources(type) as Record<string, Resource>);
const adminFunctionId = () =>
  resources('AWS::Lambda::Function').find(([id]) => id.startsWith('AdminForgetHandler'))?.[0];
const adminStatements = (): Statement[] => {
  const policy = resources('AWS::IAM::Policy').find(([id]) => id.startsWith('AdminForgetHandlerRole'));
  expect(policy, 'admin-forget role policy').toBeDefined();
  return (policy![1].Properties.PolicyDocument as { Statement: Statement[] }).Statement;
};
const actions = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];
const tableArn = { 'Fn::ImportValue': 'Sadakat-test-Data:TableArn' };

describe('PipelineStack: erasure admin API', () => {
  it('serves admin-forget from a function URL that only IAM-signed requests reach', () => {
    // Assess
    expect(adminFunctionId()).toBeDefined();
    pipeline.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      TargetFunctionArn: { 'Fn::GetAtt': [adminFunctionId(), 'Arn'] },
    });
    expect(resources('AWS::Lambda::Url').filter(([, url]) => url.Properties.AuthType !== 'AWS_IAM')).toEqual([]);
  });

  it('lets no one invoke the URL without an IAM grant of their own (no resource policy for everyone)', () => {
    // Assess
    const urlPermissions = resources('AWS::Lambda::Permission').filter(
      ([, permission]) => permission.Properties.Action === 'lambda:InvokeFunctionUrl',
    );
    expect(urlPermissions).toEqual([]);
  });

  it('tells the function which table, and says where the URL is', () => {
    // Assess
    pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'admin-forget', TABLE_NAME: Match.anyValue() }),
      },
    });
    pipeline.hasOutput('AdminForgetUrl', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AdminForgetHandler.*Url'), 'FunctionUrl'] },
    });
    pipeline.hasOutput('AdminForgetFunctionArn', { Value: { 'Fn::GetAtt': [adminFunctionId(), 'Arn'] } });
  });

  it('grants exactly the erasure actions, on the table alone: no index, no wildcard, no UpdateItem', () => {
    // Act
    const dynamo = adminStatements().filter((statement) =>
      actions(statement).some((action) => action.startsWith('dynamodb:')),
    );

    // Assess
    expect(dynamo).toHaveLength(1);
    expect([...actions(dynamo[0]!)].sort()).toEqual([...ERASURE_TABLE_ACTIONS].sort());
    expect(dynamo[0]?.Resource).toEqual(tableArn);
  });

  it('has no write permission with a wildcard action or resource beyond the table grant', () => {
    // Act
    const wildcards = adminStatements().filter((statement) => {
      const resourcesOf = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
      return (
        actions(statement).some((action) => action.includes('*')) ||
        resourcesOf.some((resource) => JSON.stringify(resource).includes('*'))
      );
    });

    // Assess: only CDK's KMS grant on the one data key (GenerateDataKey*, ReEncrypt*) has a wildcard
    for (const statement of wildcards) {
      expect(actions(statement).every((action) => action.startsWith('kms:'))).toBe(true);
      expect(statement.Resource).toEqual({ 'Fn::ImportValue': 'Sadakat-test-Data:DataKeyArn' });
    }
  });

  it('alarms on the function like on every other', () => {
    // Assess
    pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: adminFunctionId() } }],
    });
  });
});
