/**
 * The hourly journey-schedule pass fanned out as the nightly refresh is: EventBridge Scheduler
 * starts a Step Functions state machine with `{ scheduledTime }`; journey-schedule-plan claims
 * that slot (a repeated delivery ends the run at once) and lists abstract shards
 * (shared/journeys/schedule-shards.ts); a Map runs journey-schedule once per shard. Every
 * function timeout stays within Lambda's 900 s, and the run ends before the next hour's starts.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import {
  Choice,
  Condition,
  JsonPath,
  Map as MapState,
  type StateMachine,
  Succeed,
} from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { grantPassSlotClaim } from './index-grant.js';
import { lambdaStep } from './lambda-step.js';
import type { OperatorAlerts } from './operator-alerts.js';
import { passStateMachine } from './pass-state-machine.js';
import { SadakatFunction } from './sadakat-function.js';
import { SCHEDULED_TIME_INPUT, scheduleDelivery } from './scheduled-function.js';
import { KMS_ENCRYPT_DECRYPT } from './wildcard-acknowledgements.js';

/** Shards run at once; DynamoDB read capacity and the events queue are the limits, not Lambda. */
const MAP_CONCURRENCY = 4;
const EVERY = Duration.hours(1);

export interface JourneyScheduleFanOutProps {
  table: ITable;
  eventsQueue: IQueue;
  campaignDir: string;
  alerts: OperatorAlerts;
}

export class JourneyScheduleFanOut extends Construct {
  readonly plan: SadakatFunction;
  readonly shard: SadakatFunction;
  readonly stateMachine: StateMachine;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: JourneyScheduleFanOutProps) {
    super(scope, id);
    const { table, eventsQueue, alerts } = props;

    this.plan = new SadakatFunction(this, 'Plan', {
      name: 'journey-schedule-plan',
      description: 'sadakat journey-schedule: claim the hour and list the shards',
      environment: { TABLE_NAME: table.tableName },
    });
    grantPassSlotClaim(this.plan.function, table, 'journey-schedule');
    this.plan.acknowledgeWildcards(KMS_ENCRYPT_DECRYPT);
    alerts.watchFunction(this.plan, this.plan.function);

    this.shard = new SadakatFunction(this, 'Shard', {
      name: 'journey-schedule',
      description: 'sadakat journey-schedule: start scheduled journeys for one shard of the profiles',
      timeout: Duration.minutes(15),
      environment: { TABLE_NAME: table.tableName, EVENTS_QUEUE_URL: eventsQueue.queueUrl },
      campaignDir: props.campaignDir,
    });
    table.grantReadData(this.shard.function);
    eventsQueue.grantSendMessages(this.shard.function);
    this.shard.acknowledgeWildcards(KMS_ENCRYPT_DECRYPT);
    alerts.watchFunction(this.shard, this.shard.function);

    const done = new Succeed(this, 'AlreadyRan', { comment: 'Another delivery of this slot ran the pass.' });
    const shards = new MapState(this, 'ScheduleShards', {
      itemsPath: '$.shards',
      maxConcurrency: MAP_CONCURRENCY,
      resultPath: JsonPath.DISCARD,
    }).itemProcessor(
      lambdaStep(this, 'ScheduleShard', { lambdaFunction: this.shard.function, payloadResponseOnly: true }),
    );
    const definition = lambdaStep(this, 'ClaimAndPlan', {
      lambdaFunction: this.plan.function,
      payloadResponseOnly: true,
    }).next(new Choice(this, 'FirstDelivery').when(Condition.booleanEquals('$.run', true), shards).otherwise(done));

    // Payloads are the scheduled time, shard numbers and counts: no customer data reaches the run log.
    this.stateMachine = passStateMachine(this, {
      definition,
      // Before the next hour's run starts.
      timeout: Duration.minutes(55),
      logRetention: RetentionDays.ONE_MONTH,
      functions: [this.plan, this.shard],
      alerts,
      failedRunMeans:
        'An hourly journey-schedule run failed: scheduled journeys of that hour did not start for some shards.',
    });

    this.schedule = new Schedule(this, 'Hourly', {
      description: 'sadakat: journey-schedule',
      schedule: ScheduleExpression.rate(EVERY),
      target: new StepFunctionsStartExecution(this.stateMachine, {
        input: SCHEDULED_TIME_INPUT,
        ...scheduleDelivery(EVERY),
      }),
    });
  }
}
