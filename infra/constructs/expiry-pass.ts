/**
 * The segment expiry pass: segment-expiry on an EventBridge Scheduler schedule, reading the
 * table's `expiry` index and sending a `recheck` into each due customer's FIFO group.
 * The function stops before its timeout and the timeout is shorter than the interval, so two
 * passes never overlap (an overlap would only repeat rechecks, which the queue deduplicates).
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EXPIRY_INDEX } from '../../shared/aws/table.js';
import type { OperatorAlerts } from './operator-alerts.js';
import { SadakatFunction } from './sadakat-function.js';
import { acknowledgeWildcards, KMS_ENCRYPT_DECRYPT, resourceFinding } from './wildcard-acknowledgements.js';

const INTERVAL = Duration.minutes(5);

export interface ExpiryPassProps {
  table: ITable;
  key: IKey;
  eventsQueue: IQueue;
  alerts: OperatorAlerts;
}

export class ExpiryPass extends Construct {
  readonly pass: SadakatFunction;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: ExpiryPassProps) {
    super(scope, id);

    this.pass = new SadakatFunction(this, 'SegmentExpiry', {
      name: 'segment-expiry',
      description: 'sadakat segment-expiry: recheck profiles whose time-window memberships lapsed',
      timeout: Duration.seconds(INTERVAL.toSeconds() - 60),
      environment: { TABLE_NAME: props.table.tableName, EVENTS_QUEUE_URL: props.eventsQueue.queueUrl },
    });
    const fn = this.pass.function;
    // Only the expiry index, by name: the pass never reads the table itself.
    Grant.addToPrincipal({ grantee: fn, actions: ['dynamodb:Query'], resourceArns: [`${props.table.tableArn}/index/${EXPIRY_INDEX}`] });
    props.key.grantDecrypt(fn);
    props.eventsQueue.grantSendMessages(fn);
    this.pass.acknowledgeWildcards(KMS_ENCRYPT_DECRYPT);
    props.alerts.watchFunction(this.pass, fn);

    // Our own role rather than the stack-wide one the target would make, so its finding is acknowledged here.
    const invoker = new Role(this, 'SchedulerRole', { assumedBy: new ServicePrincipal('scheduler.amazonaws.com') });
    this.schedule = new Schedule(this, 'Schedule', {
      description: 'sadakat: segment expiry pass',
      schedule: ScheduleExpression.rate(INTERVAL),
      target: new LambdaInvoke(fn, { role: invoker }),
    });
    acknowledgeWildcards(invoker, [
      resourceFinding(this, `${fn.functionArn}:*`, 'CDK invoke grant: the schedule may invoke any version of segment-expiry (none is published; $LATEST is used).'),
    ]);
  }
}
