/**
 * Ceilings raised and guarded (issue 20): the ingest throttle's defaults, and a stack whose
 * reservations would leave fewer than 100 of the account's executions unreserved refused. The
 * context values' Template assertions ride on first-deploy.test.ts's production synth.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INGEST_THROTTLE, ingestThrottle } from '../../infra/constructs/ingest-api.js';
import { reservedConcurrencyProblems } from '../../infra/pipeline-stack.js';
import { sadakatStacks } from './sadakat-app.js';

describe('ingest throttle and reservations without context', () => {
  it('keeps 200 requests a second with bursts of 400, and bursts at twice a raised rate up to 5,000', () => {
    // Assess
    expect(ingestThrottle()).toEqual(DEFAULT_INGEST_THROTTLE);
    expect(ingestThrottle(100)).toEqual({ rateLimit: 100, burstLimit: 400 });
    expect(ingestThrottle(4000)).toEqual({ rateLimit: 4000, burstLimit: 5000 });
    expect(ingestThrottle(1000, 1200)).toEqual({ rateLimit: 1000, burstLimit: 1200 });
  });

  it('names the shortfall when a stack’s reservations leave fewer than 100 executions unreserved', () => {
    // Prepare
    const stack = new Stack(new App(), 'Reserving');
    const fn = (id: string, reserved: number) =>
      new LambdaFunction(stack, id, {
        runtime: Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: Code.fromInline('exports.handler = async () => {}'),
        reservedConcurrentExecutions: reserved,
      });
    fn('A', 500);
    fn('B', 450);

    // Act
    const problems = reservedConcurrencyProblems(stack, undefined);
    const withRaisedQuota = reservedConcurrencyProblems(stack, 2000);

    // Assess
    expect(problems).toEqual([
      "reserved concurrency 950 would leave 50 of the account's 1000 concurrent executions unreserved; Lambda needs at least 100 (context ingestReservedConcurrency, accountConcurrency)",
    ]);
    expect(withRaisedQuota).toEqual([]);
  });

  it('stops the app before synthesis when ingest’s reservation would leave too little', async () => {
    // Act
    const stacks = sadakatStacks({ ingestReservedConcurrency: '950' });

    // Assess
    await expect(stacks).rejects.toThrow(/^context ingestReservedConcurrency: would leave fewer than 100/);
  });
});
