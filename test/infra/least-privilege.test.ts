/**
 * Least privilege (DESIGN "Trust", issue "Safe on the open internet"): each function's role names
 * its DynamoDB actions and partitions; the internet-facing ones cannot read the table at large,
 * and send cannot publish to the stack's own topics.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_ACCESS } from '../../infra/constructs/table-access.js';
import { sadakatStacks } from './sadakat-app.js';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };
type PolicyResource = { Properties: { PolicyDocument: { Statement: Statement[] }; Roles?: { Ref: string }[] } };
type FunctionResource = {
  Properties: { Role: { 'Fn::GetAtt': [string, string] }; Environment?: { Variables?: Record<string, unknown> } };
};

let pipeline: Template;

beforeAll(async () => {
  const stacks = await sadakatStacks({ stage: 'test' });
  pipeline = Template.fromStack(stacks.pipeline);
});

/** Every statement of the role of the function whose Powertools service name is `service`. */
function statementsOf(service: string): Statement[] {
  const functions = Object.values(pipeline.findResources('AWS::Lambda::Function') as Record<string, FunctionResource>);
  const fn = functions.find((f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === service);
  expect(fn, `function ${service}`).toBeDefined();
  const role = fn!.Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(pipeline.findResources('AWS::IAM::Policy') as Record<string, PolicyResource>);
  return policies
    .filter((policy) => policy.Properties.Roles?.some((ref) => ref.Ref === role))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}
const actionsOf = (statement: Statement) => [statement.Action].flat();
const dynamoStatements = (service: string) =>
  statementsOf(service).filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')));

describe.each([
  ['ingest', TABLE_ACCESS.ingest],
  ['unsubscribe', TABLE_ACCESS.unsubscribe],
  ['confirm', TABLE_ACCESS.confirm],
  ['ses-feedback', TABLE_ACCESS.feedback],
  ['send', TABLE_ACCESS.send],
  ['send-reconciler', TABLE_ACCESS.reconciler],
  ['release-deferred', TABLE_ACCESS.releaseDeferred],
  ['journey-tick', TABLE_ACCESS.journeyTick],
] as const)('%s', (service, access) => {
  it('has exactly its table actions on the table, limited to its partitions', () => {
    // Assess: one statement on the table itself with the LeadingKeys condition (index queries and
    // a scheduled pass's claim of its own slot items are separate grants).
    const onTable = dynamoStatements(service).filter(
      (statement) =>
        !JSON.stringify(statement.Resource).includes('/index/') &&
        !JSON.stringify(statement.Condition ?? {}).includes('PASS#'),
    );
    expect(onTable).toHaveLength(1);
    expect(actionsOf(onTable[0]!).sort()).toEqual(access.actions.map((action) => `dynamodb:${action}`).sort());
    expect(onTable[0]!.Condition).toEqual({
      'ForAllValues:StringLike': {
        'dynamodb:LeadingKeys': access.partitions.map((prefix) => `${prefix}*`),
      },
    });
  });

  it('may never Scan or batch-write the table', () => {
    const actions = dynamoStatements(service).flatMap(actionsOf);
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions).not.toContain('dynamodb:BatchWriteItem');
  });
});

describe('ingest, the only function the internet reaches with a public key', () => {
  it('reads nothing but identity links', () => {
    const actions = dynamoStatements('ingest').flatMap(actionsOf);
    expect(actions).toEqual(['dynamodb:GetItem']);
  });
});

describe('send', () => {
  it('may not publish to the stack’s feedback or alarm topic (a forged bounce or alarm)', () => {
    // Assess
    const deny = statementsOf('send').find(
      (statement) => statement.Effect === 'Deny' && actionsOf(statement).includes('sns:Publish'),
    );
    expect(deny).toBeDefined();
    const resources = JSON.stringify(deny!.Resource);
    expect(resources).toMatch(/FeedbackTopic/);
    expect(resources).toMatch(/AlertsTopic/);
  });
});

describe.each(['segment-expiry', 'journey-tick', 'send-reconciler', 'release-deferred', 'journey-schedule-plan'])(
  'scheduled pass %s',
  (service) => {
    it('may put only its own slot items (PASS#<pass>)', () => {
      // Act
      const claims = dynamoStatements(service).filter((statement) =>
        JSON.stringify(statement.Condition ?? {}).includes('PASS#'),
      );

      // Assess
      const pass = service === 'journey-schedule-plan' ? 'journey-schedule' : service;
      expect(claims).toEqual([
        expect.objectContaining({
          Action: 'dynamodb:PutItem',
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [`PASS#${pass}`] } },
        }),
      ]);
    });
  },
);

describe('the unsubscribe route', () => {
  it('has a throttle of its own, separate from the storefronts’ ingest routes', () => {
    // Assess
    pipeline.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: {
        'GET /u/{token}': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 500 },
        'POST /u/{token}': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 500 },
      },
    });
  });
});

describe('the confirm route', () => {
  it('has a throttle of its own, separate from ingest and unsubscribe', () => {
    // Assess
    pipeline.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: {
        'GET /c/{token}': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 500 },
        'POST /c/{token}': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 500 },
      },
    });
  });
});
