/** The call channel on Amazon Connect (issue 22): instance and flow from context, least privilege, cdk-nag clean. */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDeploymentContext } from '../../infra/deployment-context.js';
import { PRODUCTION_CONTEXT } from '../../infra/synth-templates.js';
import { sadakatStacks } from './sadakat-app.js';

const INSTANCE = PRODUCTION_CONTEXT.connectInstanceArn;
const FLOW = PRODUCTION_CONTEXT.connectContactFlowId;

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
let pipeline: Template;

beforeAll(async () => {
  // Prepare: cdk-nag is on, so Template.fromStack throws on any unacknowledged finding.
  const stacks = await sadakatStacks({ stage: 'test', connectInstanceArn: INSTANCE, connectContactFlowId: FLOW });
  pipeline = Template.fromStack(stacks.pipeline);
});

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
          CONNECT_INSTANCE_ID: 'a1b2c3d4-5678-90ab-cdef-111122223333',
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

  it('refuses half a Connect context, naming the missing key', () => {
    expect(() => readDeploymentContext((key) => (key === 'connectInstanceArn' ? INSTANCE : undefined))).toThrow(
      /context connectContactFlowId: give connectInstanceArn and connectContactFlowId together/,
    );
    expect(() =>
      readDeploymentContext((key) =>
        key === 'connectInstanceArn'
          ? 'arn:aws:sns:eu-central-1:123456789012:x'
          : key === 'connectContactFlowId'
            ? FLOW
            : undefined,
      ),
    ).toThrow(/context connectInstanceArn: expected an ARN of connect/);
  });
});
