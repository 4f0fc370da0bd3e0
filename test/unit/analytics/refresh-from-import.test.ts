/**
 * The refresh reads RFM and CLV inputs from the profiles' order fields: on the same orders it must
 * agree with the CSV path (`sadakat rfm`, `sadakat clv fit`), which reads raw transactions.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dayOfDate } from '../../../shared/analytics/calendar-day.js';
import { fitClvModel } from '../../../shared/analytics/clv-model.js';
import { summarizeCustomers } from '../../../shared/analytics/customer-summary.js';
import { computeRfm } from '../../../shared/analytics/rfm.js';
import { readTransactionsCsv, type Transaction } from '../../../shared/analytics/transactions-csv.js';
import { applyQueued, importInto, newWorld, runRefresh, type RefreshRunResult, type World } from './refresh-harness.js';

const AS_OF = '1997-09-30';

describe('refresh on CDNOW imported through the profile reducer (calibration period)', () => {
  let calibration: Transaction[];
  let world: World;
  let result: RefreshRunResult;

  beforeAll(async () => {
    const { transactions } = await readTransactionsCsv('../shared/data/cdnow_sample.transactions.csv');
    calibration = transactions.filter((row) => row.timestamp <= AS_OF);
    world = newWorld();
    await importInto(
      world,
      calibration.map((row) => ({
        customerId: row.customerId,
        timestamp: row.timestamp,
        amount: row.amount,
        line: row.line,
      })),
    );
    result = await runRefresh(world, { asOf: AS_OF, segments: 3 });
    await applyQueued(world);
  });

  it('gives every customer the RFM scores `sadakat rfm` gives the same transactions', async () => {
    // Prepare
    const end = dayOfDate(AS_OF);
    if (!end.ok) throw new Error(end.reason);
    const expected = computeRfm(calibration, end.day);

    // Act
    const actual = await Promise.all(
      expected.customers.map(async (customer) => ({
        customerId: customer.customerId,
        ...(await world.profiles.getProfile(customer.customerId))?.rfm,
      })),
    );

    // Assess
    expect(actual).toEqual(
      expected.customers.map(({ customerId, r, f, m, segment }) => ({ customerId, r, f, m, segment })),
    );
    expect(result.fit.rfmSegments).toEqual(expected.segments);
  });

  it('fits the BG/NBD and Gamma-Gamma parameters `sadakat clv fit` fits on the same orders', () => {
    // Prepare: profiles hold orders with revenue only (DESIGN "RFM": amount ≤ 0 is not an order).
    const end = dayOfDate(AS_OF);
    if (!end.ok) throw new Error(end.reason);
    const csv = fitClvModel(
      summarizeCustomers(
        calibration.filter((row) => row.amount > 0),
        { calibrationEnd: end.day, period: 'week' },
      ),
    );
    if (csv.status !== 'fitted') throw new Error(csv.reason);

    // Act
    const clv = result.fit.clv;

    // Assess
    expect(clv.status).toBe('fitted');
    if (clv.status !== 'fitted') return;
    const expected = { ...csv.bgnbd.params, ...csv.gammaGamma.params };
    // Gamma-Gamma's m_x differs in the last bits: the profile sums money in cents, the CSV path in floats.
    for (const name of Object.keys(expected) as (keyof typeof expected)[])
      expect(clv.params[name]).toBeCloseTo(expected[name], 4);
  });

  it('writes a CLV tier to every customer, split about in thirds', async () => {
    // Act
    const tiers = { high: 0, medium: 0, low: 0 };
    for (const profile of world.profiles.items.values()) if (profile.clv) tiers[profile.clv.tier]++;

    // Assess
    const total = tiers.high + tiers.medium + tiers.low;
    expect(total).toBe(result.fit.customers);
    for (const n of Object.values(tiers)) expect(n / total).toBeGreaterThan(0.25);
  });
});
