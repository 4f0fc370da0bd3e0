/**
 * A sadakat function that EventBridge Scheduler invokes at a fixed rate (the expiry pass,
 * journey-tick, the send reconciler), with its errors/throttles alarms. The timeout is kept
 * below the interval, so two runs never overlap; each task stops early and leaves the rest due
 * for the next run. The owner adds the grants the task needs.
 */
import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import type { OperatorAlerts } from './operator-alerts.js';
import { SadakatFunction, type SadakatFunctionProps } from './sadakat-function.js';
import { acknowledgeWildcards, resourceFinding, type WildcardFinding } from './wildcard-acknowledgements.js';

/** Lambda's maximum function timeout. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

export interface ScheduledFunctionProps extends Omit<SadakatFunctionProps, 'timeout'> {
  every: Duration;
  alerts: OperatorAlerts;
}

export class ScheduledFunction extends Construct {
  readonly task: SadakatFunction;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: ScheduledFunctionProps) {
    super(scope, id);
    const { every, alerts, ...functionProps } = props;
    const seconds = every.toSeconds();
    // Most of the interval, but ending before the next run starts (a 1-minute task gets 50 s),
    // and never above Lambda's 900 s (CloudFormation refuses the function: cfn-lint E3034).
    const timeout = Duration.seconds(
      Math.min(LAMBDA_MAX_TIMEOUT_SECONDS, Math.max(10, Math.min(seconds - 10, Math.floor(seconds * 0.8)))),
    );

    this.task = new SadakatFunction(this, 'Task', { ...functionProps, timeout });
    alerts.watchFunction(this.task, this.task.function);

    // Our own role rather than the stack-wide one the target would make, so its finding is acknowledged here.
    const invoker = new Role(this, 'SchedulerRole', { assumedBy: new ServicePrincipal('scheduler.amazonaws.com') });
    this.schedule = new Schedule(this, 'Schedule', {
      description: `sadakat: ${props.name}`,
      schedule: ScheduleExpression.rate(every),
      target: new LambdaInvoke(this.task.function, { role: invoker }),
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
