/**
 * A Step Functions task that invokes one of our functions and retries what is not the function's
 * fault. CDK's LambdaInvoke already retries Lambda's service exceptions; throttling
 * (`Lambda.TooManyRequestsException`: the account or the function is at its concurrency limit,
 * e.g. while the FIFO consumers drain a backlog) is retried here with exponential backoff and
 * full jitter, for a few minutes, instead of failing the run.
 */
import { Duration } from 'aws-cdk-lib';
import { JitterType } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, type LambdaInvokeProps } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

export const THROTTLE_RETRY = {
  errors: ['Lambda.TooManyRequestsException'],
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxAttempts: 8,
  maxDelay: Duration.minutes(1),
  jitterStrategy: JitterType.FULL,
} as const;

export function lambdaStep(scope: Construct, id: string, props: LambdaInvokeProps): LambdaInvoke {
  const step = new LambdaInvoke(scope, id, props);
  step.addRetry({ ...THROTTLE_RETRY, errors: [...THROTTLE_RETRY.errors] });
  return step;
}
