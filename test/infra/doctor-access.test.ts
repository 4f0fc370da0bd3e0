/** The `sadakat doctor` policy and the outputs it reads: exactly its calls, on this stack's resources, cdk-nag clean. */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DOCTOR_OUTPUTS } from '../../shared/operations/doctor-checks.js';
import { sadakatStacks } from './sadakat-app.js';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
type Resource = { Type: string; Properties: { PolicyDocument: { Statement: Statement[] } } };

let pipeline: Template;

beforeAll(async () => {
  // Prepare: with push configured, so the platform-application statement is there too.
  const stacks = await sadakatStacks({
    stage: 'test',
    pushPlatformApplicationArns: 'arn:aws:sns:eu-central-1:123456789012:app/GCM/shop-android',
  });
  pipeline = Template.fromStack(stacks.pipeline);
});

const doctorStatements = (): Statement[] => {
  const policies = Object.entries(pipeline.findResources('AWS::IAM::ManagedPolicy') as Record<string, Resource>);
  const doctor = policies.find(([id]) => id.startsWith('DoctorPolicy'));
  expect(doctor, 'doctor managed policy').toBeDefined();
  return doctor![1].Properties.PolicyDocument.Statement;
};
const actionsOf = (statement: Statement) => [statement.Action].flat();

describe('PipelineStack: sadakat doctor access', () => {
  it('outputs every value the doctor reads, and the policy to attach', () => {
    // Assess
    const outputs = Object.keys(pipeline.findOutputs('*'));
    for (const name of [...DOCTOR_OUTPUTS, 'DoctorPolicyArn', 'PushPlatformApplicationArns'])
      expect(outputs).toContain(name);
  });

  it('allows only reads, one enqueue, one test alarm state and the erasure invoke', () => {
    // Assess
    const actions = doctorStatements().flatMap(actionsOf);
    const writes = actions.filter((action) =>
      /:(Put|Delete|Update|Create|BatchWrite|Publish|Set(?!AlarmState))/.test(action),
    );
    expect(writes).toEqual([]);
    expect(actions).toEqual(
      expect.arrayContaining([
        'cloudformation:DescribeStacks',
        'lambda:GetAccountSettings',
        'lambda:InvokeFunction',
        'ses:GetAccount',
        'cloudwatch:SetAlarmState',
        'sns:GetPlatformApplicationAttributes',
        'dynamodb:GetItem',
        'dynamodb:Query',
        'secretsmanager:GetSecretValue',
      ]),
    );
    expect(
      actions.filter(
        (action) => action.startsWith('sqs:') && action !== 'sqs:GetQueueAttributes' && action !== 'sqs:GetQueueUrl',
      ),
    ).toEqual(['sqs:SendMessage']);
  });

  it('scopes the alarm test to this stack’s alarms and the invoke to the erasure function', () => {
    // Assess
    const statements = doctorStatements();
    const alarm = statements.find((statement) => actionsOf(statement).includes('cloudwatch:SetAlarmState'));
    expect(JSON.stringify(alarm?.Resource)).toMatch(/alarm:.*-\*/);
    const invoke = statements.find((statement) => actionsOf(statement).includes('lambda:InvokeFunction'));
    expect(JSON.stringify(invoke?.Resource)).toMatch(/AdminForgetHandler/);
  });
});
