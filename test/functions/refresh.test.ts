/** The refresh Lambda handlers chained as the state machine chains them, on in-memory ports. */
import { describe, expect, it } from 'vitest';
import { buildHandler as buildFit } from '../../functions/refresh-fit.js';
import { buildHandler as buildPlan } from '../../functions/refresh-plan.js';
import { buildHandler as buildScore } from '../../functions/refresh-score.js';
import { buildHandler as buildSummarize } from '../../functions/refresh-summarize.js';
import { InvalidStepInputError } from '../../shared/analytics/refresh/step-input.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import { importInto, newWorld } from '../unit/analytics/refresh-harness.js';

const clock = { now: () => new Date('2026-11-02T03:00:00Z') };

describe('refresh handlers', () => {
  it('carry a run from plan through summarize and fit to score messages', async () => {
    // Prepare
    const world = newWorld();
    await importInto(world, [
      {
        customerId: 'u1',
        timestamp: '2026-10-01T10:00:00Z',
        amount: 20,
        orderId: 'o1',
        products: [{ productId: 'a', quantity: 1, price: 20 }],
      },
      {
        customerId: 'u2',
        timestamp: '2026-10-02T10:00:00Z',
        amount: 30,
        orderId: 'o2',
        products: [{ productId: 'b', quantity: 1, price: 30 }],
      },
    ]);
    const plan = buildPlan({ clock, itemCount: async () => 500_000, timezone: 'UTC' });
    const summarize = buildSummarize(world);
    const fit = buildFit(world);
    const score = buildScore(world);

    // Act
    const planned = await plan({ asOf: '2026-11-01' }, localLambdaContext('refresh-plan'));
    const summaries = await Promise.all(
      planned.slices.map((slice) => summarize(slice, localLambdaContext('refresh-summarize'))),
    );
    const fitted = await fit({ ...planned, summaries }, localLambdaContext('refresh-fit'));
    const scored = await Promise.all(
      planned.slices.map((slice) =>
        score({ ...slice, modelKey: fitted.modelKey }, localLambdaContext('refresh-score')),
      ),
    );

    // Assess
    expect(planned.totalSegments).toBe(3);
    expect(fitted.clv.status).toBe('not_enough_data');
    expect(scored.reduce((sum, result) => sum + result.changed, 0)).toBe(2);
    expect(world.queue.messages.map((message) => message.kind)).toEqual(['scores', 'scores']);
    expect(JSON.stringify(fitted).length).toBeLessThan(256 * 1024);
  });

  it('reject a malformed state input with the field and the reason', async () => {
    // Prepare
    const summarize = buildSummarize(newWorld());

    // Act / Assess
    await expect(
      summarize(
        { runId: 'r', asOf: 'yesterday', at: '2026-11-02T03:00:00Z', segment: 0, totalSegments: 1 },
        localLambdaContext('refresh-summarize'),
      ),
    ).rejects.toThrow(new InvalidStepInputError('refresh summarize input: asOf: expected a date YYYY-MM-DD'));
  });
});
