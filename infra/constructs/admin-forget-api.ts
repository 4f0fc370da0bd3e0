/**
 * The erasure admin API (docs/decisions.md "Privacy" 24): admin-forget behind a Lambda function
 * URL with AWS_IAM auth — only SigV4-signed requests from principals allowed
 * `lambda:InvokeFunctionUrl` get in (docs/deploy.md shows the awscurl call). No API Gateway: one
 * operator endpoint needs no routes, throttling plan or custom domain.
 *
 * Table access is `table.grant` with exactly the actions erasure uses, on the table alone (it is
 * imported without indexes, and erasure queries none): no UpdateItem, no index, no stream.
 */
import { CfnOutput, Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { OperatorAlerts } from './operator-alerts.js';
import { SadakatFunction } from './sadakat-function.js';
import { KMS_ENCRYPT_DECRYPT } from './wildcard-acknowledgements.js';

/** What shared/aws/dynamo-customer-erasure.ts and the stores it reads with call, and nothing else. */
export const ERASURE_TABLE_ACTIONS = [
  'dynamodb:Query', // a customer's partition, earlier erasures
  'dynamodb:Scan', // identity links of one user (no index finds them)
  'dynamodb:GetItem', // the profile
  'dynamodb:BatchGetItem', // identity links of an anonymous visitor
  'dynamodb:DeleteItem', // the profile and identity links, conditionally
  'dynamodb:BatchWriteItem', // the partition's other items; tombstones
  'dynamodb:PutItem', // suppression entries on request
] as const;

export interface AdminForgetApiProps {
  table: ITable;
  alerts: OperatorAlerts;
  /** Principals allowed to call the URL (e.g. a privacy-officer role); others may be granted later with `grantInvoke`. */
  invokers?: readonly IGrantable[];
}

export class AdminForgetApi extends Construct {
  readonly handler: SadakatFunction;
  readonly url: FunctionUrl;

  constructor(scope: Construct, id: string, props: AdminForgetApiProps) {
    super(scope, id);
    const { table } = props;
    this.handler = new SadakatFunction(this, 'Handler', {
      name: 'admin-forget',
      description: 'sadakat admin-forget: erase one customer (GDPR/KVKK), keeping hashed tombstones',
      environment: { TABLE_NAME: table.tableName },
      // The identity-link scan reads the whole table once; a function URL waits up to 15 minutes.
      timeout: Duration.minutes(5),
    });
    const fn = this.handler.function;
    table.grant(fn, ...ERASURE_TABLE_ACTIONS);
    table.encryptionKey?.grantEncryptDecrypt(fn);
    this.handler.acknowledgeWildcards(KMS_ENCRYPT_DECRYPT);
    props.alerts.watchFunction(this, fn);

    this.url = fn.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM });
    for (const invoker of props.invokers ?? []) this.grantInvoke(invoker);
    // Fixed output names: docs/deploy.md tells operators to look them up.
    new CfnOutput(this, 'Url', {
      value: this.url.url,
      description: 'Erasure admin API: SigV4-signed POST {"customerId": "…"} (docs/deploy.md)',
    }).overrideLogicalId('AdminForgetUrl');
    new CfnOutput(this, 'FunctionArn', {
      value: fn.functionArn,
      description: 'Grant lambda:InvokeFunctionUrl on this ARN to whoever may erase customers',
    }).overrideLogicalId('AdminForgetFunctionArn');
  }

  grantInvoke(grantee: IGrantable): void {
    this.url.grantInvokeUrl(grantee);
  }
}
