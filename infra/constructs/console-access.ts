/**
 * The managed policy a marketer's own AWS identity needs for `sadakat console --table <table>`
 * (console/table-source.ts): Query on the customer partitions and the send-decision counters,
 * and decrypting the table's key — nothing that writes, and no Scan; with `--stack`, the pipeline
 * stack's outputs (DescribeStacks: the deployed campaign's hash). Output as
 * `SadakatConsoleReadOnly` (the policy's ARN) beside `ConsoleTableName` (what `--table` takes).
 */
import { Aws, CfnOutput, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { CONSOLE_SNAPSHOT_KEY, REPORT_SNAPSHOT_KEY } from '../../shared/analytics/refresh/console-counts.js';
import { Construct } from 'constructs';
import { grantTableAccess, TABLE_ACCESS } from './table-access.js';
import { acknowledgeWildcards, resourceFinding } from './wildcard-acknowledgements.js';

export class ConsoleAccess extends Construct {
  readonly policy: ManagedPolicy;

  constructor(
    scope: Construct,
    id: string,
    props: { table: ITable; pipelineStackName?: string; snapshotBucket?: IBucket },
  ) {
    super(scope, id);
    const stack = Stack.of(this);
    this.policy = new ManagedPolicy(this, 'Policy', {
      managedPolicyName: `SadakatConsoleReadOnly-${stack.stackName}`,
      description: 'sadakat console --table: read-only, bounded reads of the customer table (README "Console")',
    });
    grantTableAccess(this.policy, props.table, TABLE_ACCESS.console);
    // `--bucket`: the nightly refresh's snapshot and the stored report, those two objects (encrypted with the data key the table grant decrypts).
    if (props.snapshotBucket !== undefined) {
      this.policy.addStatements(
        new PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [
            props.snapshotBucket.arnForObjects(`refresh/${CONSOLE_SNAPSHOT_KEY}`),
            // The A/B report a person stored with `sadakat report --table … --bucket` (decision 224).
            props.snapshotBucket.arnForObjects(`refresh/${REPORT_SNAPSHOT_KEY}`),
          ],
        }),
      );
      new CfnOutput(this, 'SnapshotBucket', {
        value: props.snapshotBucket.bucketName,
        description:
          'What `sadakat console --table … --bucket` takes: the nightly refresh writes the console snapshot there',
      }).overrideLogicalId('ConsoleSnapshotBucket');
    }
    // `--stack`: the pipeline stack's outputs, for the hash of the campaign it deployed.
    if (props.pipelineStackName !== undefined) {
      const pipelineStack = `arn:${Aws.PARTITION}:cloudformation:${Aws.REGION}:${Aws.ACCOUNT_ID}:stack/${props.pipelineStackName}/*`;
      this.policy.addStatements(
        new PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: [pipelineStack] }),
      );
      acknowledgeWildcards(this.policy, [
        resourceFinding(
          this.policy,
          pipelineStack,
          "DescribeStacks on this deployment's pipeline stack (its CampaignSha256 output); the trailing part of a stack ARN is its generated id.",
        ),
      ]);
    }

    new CfnOutput(this, 'PolicyArn', {
      value: this.policy.managedPolicyArn,
      description: 'Attach to whoever runs `sadakat console --table <ConsoleTableName>`',
    }).overrideLogicalId('SadakatConsoleReadOnly');
    new CfnOutput(this, 'TableName', {
      value: props.table.tableName,
      description: 'The table `sadakat console --table` reads',
    }).overrideLogicalId('ConsoleTableName');
  }
}
