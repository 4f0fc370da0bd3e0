/**
 * The managed policy an operator attaches to run `sadakat doctor` (shared/aws/aws-doctor-probe.ts):
 * exactly the calls it makes, on this stack's resources where the API has resource-level
 * permissions. Output as `DoctorPolicyArn`, with the stack outputs the doctor reads.
 */
import { Aws, CfnOutput, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeWildcards, KMS_ENCRYPT_DECRYPT, resourceFinding } from './wildcard-acknowledgements.js';

export interface DoctorAccessProps {
  dataStackName: string;
  table: ITable;
  sendsQueue: IQueue;
  writeKeys: ISecret;
  alarmTopic: ITopic;
  adminForget: IFunction;
  pushPlatformApplicationArns: readonly string[];
}

/** Account-level reads with no resource-level permission (IAM requires `*` for them). */
const ACCOUNT_READS = [
  'lambda:GetAccountSettings',
  'ses:GetAccount',
  'sns:GetSMSAttributes',
  'sns:GetSMSSandboxAccountStatus',
  'sms-voice:DescribeSpendLimits',
  'sms-voice:DescribeSenderIds',
  'cloudwatch:DescribeAlarms',
] as const;

export class DoctorAccess extends Construct {
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: DoctorAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const policy = new ManagedPolicy(this, 'Policy', {
      description: 'sadakat doctor: the live checks of one deployed sadakat stack (docs/deploy.md)',
    });
    this.policy = policy;
    policy.addStatements(
      new PolicyStatement({
        actions: ['cloudformation:DescribeStacks'],
        resources: [
          stack.stackId,
          // The data stack, whose exports name the table and the write keys.
          `arn:${Aws.PARTITION}:cloudformation:${Aws.REGION}:${Aws.ACCOUNT_ID}:stack/${props.dataStackName}/*`,
        ],
      }),
      new PolicyStatement({ actions: [...ACCOUNT_READS], resources: ['*'] }),
      new PolicyStatement({
        actions: ['sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic'],
        resources: [props.alarmTopic.topicArn],
      }),
      // Only this stack's alarms (CDK names them `<stack name>-…`), for the test notification.
      new PolicyStatement({
        actions: ['cloudwatch:SetAlarmState'],
        resources: [`arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${stack.stackName}-*`],
      }),
      // The test customers' cleanup goes through the erasure function (InvokeFunction, not the signed URL).
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.adminForget.functionArn] }),
    );
    if (props.pushPlatformApplicationArns.length > 0)
      policy.addStatements(
        new PolicyStatement({
          actions: ['sns:GetPlatformApplicationAttributes'],
          resources: [...props.pushPlatformApplicationArns],
        }),
      );
    props.table.grant(policy, 'dynamodb:GetItem', 'dynamodb:Query');
    props.table.encryptionKey?.grantDecrypt(policy);
    props.sendsQueue.grantSendMessages(policy);
    props.writeKeys.grantRead(policy);
    acknowledgeWildcards(policy, [
      ...KMS_ENCRYPT_DECRYPT,
      {
        finding: 'Resource::*',
        reason: `Account-level reads without resource-level permissions (${ACCOUNT_READS.join(', ')}): the doctor reports quotas and account state.`,
      },
      resourceFinding(
        policy,
        `arn:${Aws.PARTITION}:cloudformation:${Aws.REGION}:${Aws.ACCOUNT_ID}:stack/${props.dataStackName}/*`,
        'DescribeStacks on the data stack of this deployment; the trailing part of a stack ARN is its generated id.',
      ),
      resourceFinding(
        policy,
        `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${stack.stackName}-*`,
        "SetAlarmState on this stack's alarms only (their names are generated with the stack name as prefix).",
      ),
    ]);

    new CfnOutput(this, 'PolicyArn', {
      value: policy.managedPolicyArn,
      description: 'Attach to whoever runs `sadakat doctor --stack <this stack>`',
    }).overrideLogicalId('DoctorPolicyArn');
  }
}
