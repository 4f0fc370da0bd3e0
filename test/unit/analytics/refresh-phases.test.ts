/** The nightly refresh's phases on in-memory ports: plan, summarize, fit, score, and their inputs. */
import { describe, expect, it } from 'vitest';
import { sliceSummarySchema, summaryKey } from '../../../shared/analytics/refresh/artifacts.js';
import { InvalidAsOfError, planRefresh } from '../../../shared/analytics/refresh/plan.js';
import { ArtifactNotFoundError } from '../../../shared/analytics/refresh/ports.js';
import { scoreSlice } from '../../../shared/analytics/refresh/score.js';
import {
  InvalidStepInputError,
  parseStepInput,
  scoreInputSchema,
  sliceInputSchema,
} from '../../../shared/analytics/refresh/step-input.js';
import { emptyProfile } from '../../../shared/profiles/schema.js';
import type { HistoricalOrder } from '../../../shared/profiles/import-orders.js';
import { applyQueued, changedCount, importInto, newWorld, runRefresh } from './refresh-harness.js';

function bought(customerId: string, timestamp: string, amount: number, ...productIds: string[]): HistoricalOrder {
  return {
    customerId,
    timestamp,
    amount,
    orderId: `${customerId}-${timestamp}-${productIds.join('+')}`,
    products: productIds.map((productId) => ({
      productId,
      quantity: 1,
      price: amount / Math.max(1, productIds.length),
    })),
  };
}

/** Ten customers with different histories: all bought a and b together; all but cust-0, -4 and -8 later bought c. */
function shop(): HistoricalOrder[] {
  return Array.from({ length: 10 }, (_, i) => {
    const id = `cust-${i}`;
    const orders = [bought(id, `2026-0${1 + (i % 5)}-01T10:00:00Z`, 10 + i, 'a', 'b')];
    for (let k = 0; k < i % 4; k++) orders.push(bought(id, `2026-0${6 + k}-1${i % 9}T12:00:00Z`, 20 + k, 'c'));
    return orders;
  }).flat();
}

describe('plan', () => {
  it('uses one segment for a small table and more as it grows, up to the cap', () => {
    // Act
    const counts = [0, 150_000, 1_000_000, 1e9].map(
      (itemCount) => planRefresh({ now: new Date('2026-11-02T03:00:00Z'), timezone: 'UTC', itemCount }).totalSegments,
    );

    // Assess
    expect(counts).toEqual([1, 1, 5, 40]);
  });

  it('hands every Map iteration the run and its own segment', () => {
    // Act
    const plan = planRefresh({ now: new Date('2026-11-02T03:00:00.250Z'), timezone: 'UTC', itemCount: 450_000 });

    // Assess
    expect(plan.slices).toEqual(
      [0, 1, 2].map((segment) => ({
        runId: '2026-11-02T03-00-00-250Z',
        asOf: '2026-11-02',
        at: '2026-11-02T03:00:00.250Z',
        timezone: 'UTC',
        segment,
        totalSegments: 3,
      })),
    );
  });

  it('refuses an as-of that is not a calendar date', () => {
    // Act / Assess
    expect(() => planRefresh({ now: new Date(), timezone: 'UTC', itemCount: 0, asOf: '2026-02-30' })).toThrow(
      InvalidAsOfError,
    );
  });
});

describe('summarize', () => {
  it('writes each customer’s inputs from the profile’s order fields and returns only counts', async () => {
    // Prepare: orders on 2026-01-01 (two that day), 2026-01-15 and 2026-01-29.
    const world = newWorld();
    await importInto(world, [
      bought('u1', '2026-01-01T09:00:00Z', 10, 'a'),
      bought('u1', '2026-01-01T18:00:00Z', 5, 'b'),
      bought('u1', '2026-01-15T10:00:00Z', 20, 'a'),
      bought('u1', '2026-01-29T10:00:00Z', 40, 'c'),
    ]);
    const plan = planRefresh({ now: new Date('2026-02-05T03:00:00Z'), timezone: 'UTC', itemCount: 0 });

    // Act
    const result = await (await import('../../../shared/analytics/refresh/summarize.js')).summarizeSlice(
      world,
      plan.slices[0]!,
    );

    // Assess
    expect(result).toEqual({
      segment: 0,
      key: summaryKey(plan.runId, 0),
      profiles: 1,
      customers: 1,
      orders: 4,
      consoleCounts: false,
    });
    const summary = sliceSummarySchema.parse(await world.artifacts.get(result.key));
    expect(summary.customers).toEqual({
      id: ['u1'],
      recency: [7],
      frequency: [4],
      monetary: [75],
      firstDay: [20454],
      x: [2],
      txDays: [28],
      TDays: [35],
      repeatMean: [30],
    });
  });

  it('leaves out customers whose first order is after the as-of date', async () => {
    // Prepare
    const world = newWorld();
    await importInto(world, [
      bought('early', '2026-01-01T10:00:00Z', 10, 'a'),
      bought('late', '2026-03-01T10:00:00Z', 10, 'a'),
    ]);

    // Act
    const { summaries } = await runRefresh(world, { asOf: '2026-02-01', segments: 1 });

    // Assess
    expect(summaries[0]?.customers).toBe(1);
  });
});

describe('fit', () => {
  it('skips CLV with the gate’s reason when the history is too short, and still fits RFM', async () => {
    // Prepare
    const world = newWorld();
    await importInto(world, shop());

    // Act
    const { fit } = await runRefresh(world, { asOf: '2026-10-01' });

    // Assess
    expect(fit.clv).toEqual({ status: 'not_enough_data', reason: expect.stringMatching(/bought more than once/) });
    expect(Object.values(fit.rfmSegments ?? {}).reduce((sum, n) => sum + n, 0)).toBe(10);
  });

  it('reports why there is no CLV when nobody has bought yet', async () => {
    // Prepare
    const world = newWorld();
    world.profiles.items.set('browser', emptyProfile('browser', '2026-10-01T10:00:00Z'));

    // Act
    const { fit } = await runRefresh(world, { asOf: '2026-10-01' });

    // Assess
    expect(fit).toMatchObject({
      customers: 0,
      rfmSegments: null,
      clv: { status: 'not_enough_data', reason: expect.stringMatching(/no customer/) },
    });
  });
});

describe('score', () => {
  it('sends one scores message per changed profile, and none on a night when nothing changed', async () => {
    // Prepare
    const world = newWorld();
    await importInto(world, shop());
    const first = await runRefresh(world, { asOf: '2026-10-01' });
    await applyQueued(world);

    // Act
    const second = await runRefresh(world, { asOf: '2026-10-01', now: new Date('2026-11-03T03:00:00Z') });

    // Assess
    expect(changedCount(first)).toBe(10);
    expect(changedCount(second)).toBe(0);
    expect(world.queue.messages).toEqual([]);
  });

  it('writes RFM and recommendations when CLV is skipped, and says why it was skipped', async () => {
    // Prepare
    const world = newWorld();
    await importInto(world, shop());

    // Act
    const { scores } = await runRefresh(world, { asOf: '2026-10-01' });
    await applyQueued(world);

    // Assess
    expect(scores.every((score) => score.clv.status === 'skipped')).toBe(true);
    const profile = await world.profiles.getProfile('cust-4');
    expect(profile?.rfm).toBeDefined();
    expect(profile?.clv).toBeUndefined();
    expect(profile?.recommendations).toEqual(['c']);
  });

  it('recommends co-purchased products the customer has not bought, across scan segments', async () => {
    // Prepare: cust-4 bought only a and b; customers in other segments bought c with them.
    const world = newWorld();
    await importInto(world, shop());

    // Act
    await runRefresh(world, { asOf: '2026-10-01', segments: 4 });
    await applyQueued(world);

    // Assess
    expect((await world.profiles.getProfile('cust-4'))?.recommendations).toEqual(['c']);
    expect((await world.profiles.getProfile('cust-3'))?.recommendations).toEqual([]);
  });

  it('leaves anonymous visitors who never bought alone', async () => {
    // Prepare
    const world = newWorld();
    await importInto(world, shop());
    world.profiles.items.set('anon:v1', emptyProfile('anon:v1', '2026-10-01T10:00:00Z'));
    world.profiles.items.set('known-browser', emptyProfile('known-browser', '2026-10-01T10:00:00Z'));

    // Act
    await runRefresh(world, { asOf: '2026-10-01' });

    // Assess
    const customers = world.queue.messages.map((message) => message.customerId);
    expect(customers).toContain('known-browser');
    expect(customers).not.toContain('anon:v1');
  });

  it('enqueues in batches rather than one call per profile', async () => {
    // Prepare
    const world = newWorld();
    await importInto(world, shop());
    const { plan, fit } = await runRefresh(world, { asOf: '2026-10-01', segments: 1 });
    world.queue.take();
    world.queue.calls = 0;

    // Act
    const result = await scoreSlice(
      world,
      { ...plan.slices[0]!, at: '2026-11-04T03:00:00Z', modelKey: fit.modelKey },
      { batchSize: 4 },
    );

    // Assess: the profiles were not updated, so all 10 still differ: 4 + 4 + 2.
    expect(result.changed).toBe(10);
    expect(world.queue.calls).toBe(3);
  });

  it('fails with the missing key when the fit phase did not run', async () => {
    // Prepare
    const world = newWorld();
    const plan = planRefresh({ now: new Date('2026-11-02T03:00:00Z'), timezone: 'UTC', itemCount: 0 });

    // Act / Assess
    await expect(scoreSlice(world, { ...plan.slices[0]!, modelKey: `${plan.runId}/model.json` })).rejects.toThrow(
      ArtifactNotFoundError,
    );
  });
});

describe('step inputs', () => {
  it('name the field of a malformed input', () => {
    // Act / Assess
    expect(() =>
      parseStepInput('score', scoreInputSchema, {
        runId: 'r',
        asOf: '2026-11-02',
        at: '2026-11-02T03:00:00Z',
        timezone: 'Europe/Istanbul',
        segment: 3,
        totalSegments: 2,
        modelKey: 'r/model.json',
      }),
    ).toThrow(new InvalidStepInputError('refresh score input: segment: segment must be below totalSegments'));
  });

  it('refuse a time zone that is not one', () => {
    // Act / Assess
    expect(() =>
      parseStepInput('summarize', sliceInputSchema, {
        runId: 'r',
        asOf: '2026-11-02',
        at: '2026-11-02T03:00:00Z',
        timezone: 'Mars/Olympus',
        segment: 0,
        totalSegments: 1,
      }),
    ).toThrow(
      new InvalidStepInputError(
        'refresh summarize input: timezone: expected an IANA time zone such as Europe/Istanbul',
      ),
    );
  });
});
