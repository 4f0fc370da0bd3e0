/**
 * The state machine of a scheduled fan-out (the nightly refresh, hourly journey-schedule): its
 * execution log (payloads are run ids, times, shard numbers and counts, never customer data),
 * X-Ray tracing, the cdk-nag acknowledgements of its invoke and log-delivery grants, and an alarm
 * on failed runs. Construct ids are the ones each fan-out used before, so logical ids stay.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, type IChainable, LogLevel, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { OperatorAlerts } from './operator-alerts.js';
import type { SadakatFunction } from './sadakat-function.js';
import { acknowledgeWildcards, resourceFinding } from './wildcard-acknowledgements.js';

export interface PassStateMachineProps {
  definition: IChainable;
  timeout: Duration;
  logRetention: RetentionDays;
  /** The functions its steps invoke. */
  functions: readonly SadakatFunction[];
  alerts: OperatorAlerts;
  /** What a failed run means for the operator (the alarm's description). */
  failedRunMeans: string;
}

export function passStateMachine(scope: Construct, props: PassStateMachineProps): StateMachine {
  const logs = new LogGroup(scope, 'RunLogs', {
    retention: props.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const stateMachine = new StateMachine(scope, 'StateMachine', {
    definitionBody: DefinitionBody.fromChainable(props.definition),
    timeout: props.timeout,
    tracingEnabled: true,
    logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: true },
  });
  acknowledgeWildcards(stateMachine, [
    ...props.functions.map((fn) =>
      resourceFinding(
        scope,
        `${fn.function.functionArn}:*`,
        'CDK LambdaInvoke grant: the state machine may invoke any version or alias of its own functions, and no other function.',
      ),
    ),
    {
      finding: 'Resource::*',
      reason:
        'CloudWatch Logs delivery (logs:*LogDelivery, PutResourcePolicy, Describe*) and X-Ray (PutTraceSegments, PutTelemetryRecords) accept no resource ARN.',
    },
  ]);
  props.alerts.alarm(
    scope,
    'FailedRuns',
    stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
    { description: props.failedRunMeans },
  );
  return stateMachine;
}
