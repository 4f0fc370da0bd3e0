/**
 * A sadakat function that EventBridge Scheduler invokes at a fixed rate (the expiry pass,
 * journey-tick, the send reconciler, release-deferred), with its errors/throttles alarms. The
 * timeout is kept below the interval, so two runs never overlap (release-deferred excepted, whose
 * overlapping passes are safe); each task stops early and leaves the rest due for the next run. The owner adds the grants the task needs.
 *
 * Delivered once per slot: the schedule's input is `{ scheduledTime }`
 * (`<aws.scheduler.scheduled-time>`), the task claims that slot with a conditional write before
 * it works (shared/events/scheduled-slot.ts), Lambda's own async retries are off, and the
 * Scheduler's retries are pinned (SCHEDULE_DELIVERY): a retried delivery of a slot that already
 * ran does nothing.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { grantPassSlotClaim } from './index-grant.js';
import type { OperatorAlerts } from './operator-alerts.js';
import { SadakatFunction, type SadakatFunctionProps } from './sadakat-function.js';
import { acknowledgeWildcards, resourceFinding, type WildcardFinding } from './wildcard-acknowledgements.js';

/** Lambda's maximum function timeout. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/**
 * How the Scheduler delivers each slot: a failed delivery (Lambda throttled or unavailable) is
 * retried twice, and never after the next slot is due (or an hour, for slower schedules), so a
 * late retry does not overlap its successor. 60 s is the Scheduler's smallest event age.
 */
export const SCHEDULE_DELIVERY = { retryAttempts: 2, maxEventAgeCap: Duration.hours(1) } as const;

export function scheduleDelivery(every: Duration): { retryAttempts: number; maxEventAge: Duration } {
  const seconds = Math.max(60, Math.min(every.toSeconds(), SCHEDULE_DELIVERY.maxEventAgeCap.toSeconds()));
  return { retryAttempts: SCHEDULE_DELIVERY.retryAttempts, maxEventAge: Duration.seconds(seconds) };
}

/** The schedule's input: the slot the invocation is for. */
export const SCHEDULED_TIME_INPUT = ScheduleTargetInput.fromObject({ scheduledTime: ContextAttribute.scheduledTime });

export interface ScheduledFunctionProps extends Omit<SadakatFunctionProps, 'timeout'> {
  every: Duration;
  alerts: OperatorAlerts;
  /** Where the task claims its slots (`PK=PASS#<name>` only). */
  table: ITable;
  /**
   * Only for a task whose runs may overlap safely (release-deferred, decision 176): a timeout
   * longer than the interval, so one run covers its whole interval and the next starts before it ends.
   */
  overlappingTimeout?: Duration;
}

export class ScheduledFunction extends Construct {
  readonly task: SadakatFunction;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: ScheduledFunctionProps) {
    super(scope, id);
    const { every, alerts, table, overlappingTimeout, ...functionProps } = props;
    const seconds = every.toSeconds();
    // Most of the interval, but ending before the next run starts (a 1-minute task gets 48 s),
    // and never above Lambda's 900 s (CloudFormation refuses the function: cfn-lint E3034).
    const timeout = Duration.seconds(
      Math.min(
        LAMBDA_MAX_TIMEOUT_SECONDS,
        overlappingTimeout?.toSeconds() ?? Math.max(10, Math.min(seconds - 10, Math.floor(seconds * 0.8))),
      ),
    );

    this.task = new SadakatFunction(this, 'Task', { ...functionProps, timeout });
    alerts.watchFunction(this.task, this.task.function);
    // The Scheduler retries deliveries itself; Lambda's two async retries would only repeat a failed pass.
    this.task.function.configureAsyncInvoke({ retryAttempts: 0 });
    grantPassSlotClaim(this.task.function, table, props.name);

    // Our own role rather than the stack-wide one the target would make, so its finding is acknowledged here.
    const invoker = new Role(this, 'SchedulerRole', { assumedBy: new ServicePrincipal('scheduler.amazonaws.com') });
    this.schedule = new Schedule(this, 'Schedule', {
      description: `sadakat: ${props.name}`,
      schedule: ScheduleExpression.rate(every),
      target: new LambdaInvoke(this.task.function, {
        role: invoker,
        input: SCHEDULED_TIME_INPUT,
        ...scheduleDelivery(every),
      }),
    });
    acknowledgeWildcards(invoker, [
      resourceFinding(
        this,
        `${this.task.function.functionArn}:*`,
        `CDK invoke grant: the schedule may invoke any version of ${props.name} (none is published; $LATEST runs).`,
      ),
    ]);
  }

  get function(): IFunction {
    return this.task.function;
  }

  acknowledgeWildcards(findings: readonly WildcardFinding[]): void {
    this.task.acknowledgeWildcards(findings);
  }
}
