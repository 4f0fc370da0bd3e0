/**
 * The managed policy a marketer's own AWS identity needs for `sadakat console --table <table>`
 * (console/table-source.ts): Query on the customer partitions and the send-decision counters,
 * and decrypting the table's key — nothing that writes, and no Scan. Output as
 * `SadakatConsoleReadOnly` (the policy's ARN) beside `ConsoleTableName` (what `--table` takes).
 */
import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { grantTableAccess, TABLE_ACCESS } from './table-access.js';

export class ConsoleAccess extends Construct {
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: { table: ITable }) {
    super(scope, id);
    const stack = Stack.of(this);
    this.policy = new ManagedPolicy(this, 'Policy', {
      managedPolicyName: `SadakatConsoleReadOnly-${stack.stackName}`,
      description: 'sadakat console --table: read-only, bounded reads of the customer table (README "Console")',
    });
    grantTableAccess(this.policy, props.table, TABLE_ACCESS.console);

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
