/**
 * The nightly refresh (DESIGN "RFM and CLV"): a Step Functions state machine
 * plan → Map summarize → fit → Map score, started by an EventBridge Scheduler schedule at night
 * in the campaign's default timezone. Summaries and the model travel through the artifacts
 * bucket by key (a state's payload is capped at 256 KB); scores go to events.fifo as `scores`
 * messages so process-events stays the only writer of profiles.
 */
import { Duration, TimeZone } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { JsonPath, Map as MapState, type StateMachine, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { FIT_MEMORY } from '../../shared/analytics/refresh/fit-memory.js';
import { lambdaStep } from './lambda-step.js';
import type { OperatorAlerts } from './operator-alerts.js';
import { passStateMachine } from './pass-state-machine.js';
import { SadakatFunction, type SadakatFunctionProps } from './sadakat-function.js';
import { scheduleDelivery } from './scheduled-function.js';
import {
  KMS_ENCRYPT_DECRYPT,
  resourceFinding,
  S3_PUT,
  S3_READ,
  type WildcardFinding,
} from './wildcard-acknowledgements.js';

/** Artifacts live under this prefix (shared/aws/refresh-artifacts.ts); grants stop there. */
const ARTIFACT_KEYS = 'refresh/*';
/** Concurrent scan segments; the plan makes at most 40, and DynamoDB read capacity is the limit. */
const MAP_CONCURRENCY = 10;

export interface NightlyRefreshProps {
  table: ITable;
  artifacts: IBucket;
  eventsQueue: IQueue;
  alerts: OperatorAlerts;
  /** IANA zone of the schedule (the campaign's defaultTimezone). */
  timeZone: string;
  /** Local hour the refresh starts at; default 3 (quiet traffic, before morning journeys). */
  hour?: number;
  /** The scheduled journeys' audience segments, whose members summarize counts for the console's snapshot (decision 220). */
  audiences: readonly string[];
  /** The campaign folder, compiled beside the score function: its rules' CLV comparisons (decision 225). */
  campaignDir?: string;
}

export class NightlyRefresh extends Construct {
  readonly stateMachine: StateMachine;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: NightlyRefreshProps) {
    super(scope, id);
    const environment = {
      TABLE_NAME: props.table.tableName,
      ARTIFACTS_BUCKET: props.artifacts.bucketName,
      EVENTS_QUEUE_URL: props.eventsQueue.queueUrl,
      // The shop's calendar: order days and the as-of date are its dates (docs/decisions.md 84).
      SHOP_TIMEZONE: props.timeZone,
      // The console snapshot counts these audiences' members from the audience index (decision 220).
      CONSOLE_AUDIENCES: props.audiences.join(','),
    };
    const phase = (constructId: string, options: SadakatFunctionProps): SadakatFunction => {
      const fn = new SadakatFunction(this, constructId, {
        ...options,
        environment: { ...environment, ...options.environment },
      });
      props.alerts.watchFunction(fn, fn.function);
      return fn;
    };

    const plan = phase('Plan', { name: 'refresh-plan', description: 'sadakat refresh: run id and scan segments' });
    props.table.grant(plan.function, 'dynamodb:DescribeTable');

    const artifactKeys = (scope: Construct): WildcardFinding =>
      resourceFinding(
        scope,
        props.artifacts.arnForObjects(ARTIFACT_KEYS),
        'Refresh artifacts are objects named by run under one prefix; the grant stops at that prefix.',
      );

    const long = { timeout: Duration.minutes(15), memorySize: 1769 } as const; // 1769 MB = one full vCPU
    const summarize = phase('Summarize', {
      name: 'refresh-summarize',
      description: 'sadakat refresh: summarize one scan segment',
      ...long,
    });
    props.table.grantReadData(summarize.function);
    props.artifacts.grantPut(summarize.function, ARTIFACT_KEYS);
    summarize.acknowledgeWildcards([...S3_PUT, artifactKeys(summarize), ...KMS_ENCRYPT_DECRYPT]);

    const fit = phase('Fit', {
      name: 'refresh-fit',
      description: 'sadakat refresh: fit RFM cuts, CLV and recommendations',
      timeout: Duration.minutes(15),
      memorySize: FIT_MEMORY.lambdaMb,
      // V8 collects the slices' parse garbage before the heap passes this, instead of growing
      // past the function's memory; the typed columns live outside it (issue 20, decision 226).
      environment: { NODE_OPTIONS: `--max-old-space-size=${FIT_MEMORY.heapMb}` },
    });
    props.artifacts.grantRead(fit.function, ARTIFACT_KEYS);
    props.artifacts.grantPut(fit.function, ARTIFACT_KEYS);
    fit.acknowledgeWildcards([...S3_READ, ...S3_PUT, artifactKeys(fit), ...KMS_ENCRYPT_DECRYPT]);

    const score = phase('Score', {
      name: 'refresh-score',
      description: 'sadakat refresh: score one scan segment',
      ...long,
      ...(props.campaignDir !== undefined ? { campaignDir: props.campaignDir } : {}),
    });
    props.table.grantReadData(score.function);
    props.artifacts.grantRead(score.function, ARTIFACT_KEYS);
    props.eventsQueue.grantSendMessages(score.function);
    score.acknowledgeWildcards([...S3_READ, artifactKeys(score), ...KMS_ENCRYPT_DECRYPT]);

    const item = (field: string) => `$$.Map.Item.Value.${field}`;
    const definition = lambdaStep(this, 'PlanRun', { lambdaFunction: plan.function, payloadResponseOnly: true })
      .next(
        new MapState(this, 'SummarizeSegments', {
          itemsPath: '$.slices',
          maxConcurrency: MAP_CONCURRENCY,
          resultPath: '$.summaries',
        }).itemProcessor(
          lambdaStep(this, 'SummarizeSegment', { lambdaFunction: summarize.function, payloadResponseOnly: true }),
        ),
      )
      .next(
        lambdaStep(this, 'FitModels', {
          lambdaFunction: fit.function,
          payloadResponseOnly: true,
          payload: TaskInput.fromObject({
            runId: JsonPath.stringAt('$.runId'),
            asOf: JsonPath.stringAt('$.asOf'),
            at: JsonPath.stringAt('$.at'),
            timezone: JsonPath.stringAt('$.timezone'),
            summaries: JsonPath.listAt('$.summaries'),
          }),
          resultSelector: { modelKey: JsonPath.stringAt('$.modelKey') },
          resultPath: '$.fit',
        }),
      )
      .next(
        new MapState(this, 'ScoreSegments', {
          itemsPath: '$.slices',
          maxConcurrency: MAP_CONCURRENCY,
          itemSelector: {
            runId: JsonPath.stringAt(item('runId')),
            asOf: JsonPath.stringAt(item('asOf')),
            at: JsonPath.stringAt(item('at')),
            timezone: JsonPath.stringAt(item('timezone')),
            segment: JsonPath.numberAt(item('segment')),
            totalSegments: JsonPath.numberAt(item('totalSegments')),
            modelKey: JsonPath.stringAt('$.fit.modelKey'),
          },
          resultPath: '$.scores',
        }).itemProcessor(
          lambdaStep(this, 'ScoreSegment', { lambdaFunction: score.function, payloadResponseOnly: true }),
        ),
      );

    // Payloads are run ids, keys and counts: no customer data reaches the run log.
    this.stateMachine = passStateMachine(this, {
      definition,
      timeout: Duration.hours(6),
      logRetention: RetentionDays.THREE_MONTHS,
      functions: [plan, summarize, fit, score],
      alerts: props.alerts,
      failedRunMeans: 'A nightly refresh run failed: scores are a day old until the next run.',
    });

    this.schedule = new Schedule(this, 'Nightly', {
      description: 'sadakat: nightly RFM/CLV refresh',
      schedule: ScheduleExpression.cron({
        minute: '0',
        hour: String(props.hour ?? 3),
        timeZone: TimeZone.of(props.timeZone),
      }),
      // A run that fails to start is retried within the hour; it is not a pass to skip (a second run only repeats the scores).
      target: new StepFunctionsStartExecution(this.stateMachine, {
        input: ScheduleTargetInput.fromObject({}),
        ...scheduleDelivery(Duration.hours(1)),
      }),
    });
  }
}
