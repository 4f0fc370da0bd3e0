/**
 * The operators' alarm topic and the standard alarms every construct puts on what it owns:
 * a dead-letter queue that is not empty, a function that errs or is throttled. The alarms are
 * created in the owner's scope, so each construct still owns its alarms.
 */
import { Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface OperatorAlertsProps {
  /** Subscribed by email when given (the subscriber confirms once). */
  email?: string;
}

export class OperatorAlerts extends Construct {
  readonly topic: ITopic;
  private readonly action: SnsAction;
  /** Every alarm made through `alarm()`; the topic policy lets exactly these publish. */
  private readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperatorAlertsProps = {}) {
    super(scope, id);
    // Its own key: CloudWatch must be allowed to use the key of an encrypted topic, and the
    // customer-data key should not trust another service for this.
    // Nothing to keep in it once the stack is gone: deleting the stack schedules the key's deletion.
    const key = new Key(this, 'Key', {
      description: 'sadakat: operator alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        // In a key policy `*` is this key; the condition keeps other accounts' alarms out.
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    const topic = new Topic(this, 'Topic', { displayName: 'sadakat alarms', masterKey: key, enforceSSL: true });
    // enforceSSL makes a topic policy whose only statement is a Deny; without an Allow for
    // CloudWatch every alarm notification would be dropped. Only this account's alarms, and only
    // the ones this construct made (their ARNs are known once the stack is built).
    const stack = Stack.of(this);
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: {
            'aws:SourceArn': Lazy.list({ produce: () => this.alarms.map((alarm) => alarm.alarmArn) }),
          },
        },
      }),
    );
    if (props.email !== undefined) topic.addSubscription(new EmailSubscription(props.email));
    this.topic = topic;
    this.action = new SnsAction(topic);
  }

  /** Alarms when any message lands in the dead-letter queue: each one is a customer's lost update. */
  watchDeadLetterQueue(scope: Construct, queue: IQueue): Alarm {
    return this.alarm(
      scope,
      'DeadLetters',
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      {
        description: 'Messages in the dead-letter queue: inspect them, fix the cause, redrive.',
      },
    );
  }

  /** Alarms on function errors and on throttles (both mean work is waiting or being retried). */
  watchFunction(scope: Construct, fn: IFunction): Alarm[] {
    const period = Duration.minutes(5);
    return [
      this.alarm(scope, 'Errors', fn.metricErrors({ period, statistic: 'Sum' }), {
        description: 'The function failed invocations.',
      }),
      this.alarm(scope, 'Throttles', fn.metricThrottles({ period, statistic: 'Sum' }), {
        description: 'The function was throttled.',
      }),
    ];
  }

  /** Alarms as soon as the metric is above zero (or `threshold`) in one period (or `evaluationPeriods` in a row). */
  alarm(
    scope: Construct,
    id: string,
    metric: IMetric,
    options: { description: string; threshold?: number; evaluationPeriods?: number },
  ): Alarm {
    const alarm = new Alarm(scope, `${id}Alarm`, {
      metric,
      threshold: options.threshold ?? 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }
}
