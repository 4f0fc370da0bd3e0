import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerClv } from '../../../cli/commands/clv.js';
import { registerRfm } from '../../../cli/commands/rfm.js';
import { UserError } from '../../../cli/errors.js';
import { runCli, widestLine } from '../../cli-harness.js';

const CDNOW = '../shared/data/cdnow_sample.transactions.csv';

const sadakat = (...args: string[]) => runCli([registerRfm, registerClv], args);

async function tempCsv(text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'sadakat-clv-')), 'transactions.csv');
  await writeFile(path, text);
  return path;
}

describe('sadakat rfm', () => {
  it('prints {customers, segments} with all ten segments as JSON', async () => {
    const { stdout } = await sadakat('rfm', '--transactions', CDNOW, '--as-of', '1998-07-01', '--format', 'json');

    const parsed = JSON.parse(stdout) as { customers: number; segments: Record<string, number> };
    expect(Object.keys(parsed)).toEqual(['customers', 'segments']);
    // 2,357 customers, less the 8 whose only row is $0.00: a $0 row is not an order.
    expect(parsed.customers).toBe(2_349);
    expect(Object.keys(parsed.segments).sort()).toEqual([
      'about_to_sleep',
      'at_risk',
      'cant_lose',
      'champions',
      'hibernating',
      'loyal_customers',
      'need_attention',
      'new_customers',
      'potential_loyalists',
      'promising',
    ]);
    expect(Object.values(parsed.segments).reduce((sum, n) => sum + n, 0)).toBe(2_349);
  });

  it('prints per-customer scores as CSV', async () => {
    const { stdout } = await sadakat('rfm', '--transactions', CDNOW, '--as-of', '1998-07-01', '--format', 'csv');

    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('customer_id,recency,frequency,monetary,r,f,m,segment');
    // Customer 1: orders on 1997-01-01, 01-18, 08-02, 12-12 ($29.33 + 29.73 + 14.96 + 26.48).
    expect(lines[1]).toMatch(/^1,201,4,100\.5,\d,\d,\d,[a-z_]+$/);
    expect(lines).toHaveLength(2_350);
  });

  it('rejects an --as-of that is not a date, naming the option', async () => {
    const { error } = await sadakat('rfm', '--transactions', CDNOW, '--as-of', '1998-13-01');

    expect(String(error)).toMatch(/--as-of.*not a calendar date/);
  });

  it('turns a header-less file into a UserError naming the file', async () => {
    const file = await tempCsv('1,2024-01-01,5\n');

    const { error } = await sadakat('rfm', '--transactions', file, '--as-of', '2024-02-01');

    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(`--transactions ${file}: line 1 must be the header`);
  });

  it('reports skipped rows on stderr with their lines and still scores the rest', async () => {
    const file = await tempCsv('customer_id,timestamp,amount\n1,2024-01-01,5\n2,2024-01-02,-3\n');

    const { stdout, stderr } = await sadakat(
      'rfm',
      '--transactions',
      file,
      '--as-of',
      '2024-02-01',
      '--format',
      'json',
    );

    expect(stderr).toContain(`${file}:3: amount -3 is negative`);
    expect(JSON.parse(stdout)).toMatchObject({ customers: 1 });
  });
});

describe('sadakat clv', () => {
  it('fits the CDNOW sample and prints both models as JSON', async () => {
    const { stdout } = await sadakat(
      'clv',
      'fit',
      '--transactions',
      CDNOW,
      '--calibration-end',
      '1997-09-30',
      '--format',
      'json',
    );

    const parsed = JSON.parse(stdout);
    expect(parsed).toMatchObject({ status: 'fitted', customers: 2_357, repeatTransactions: 2_457 });
    expect(parsed.bgnbd.r).toBeCloseTo(0.243, 3);
    expect(parsed.bgnbd.logLik).toBeCloseTo(-9582.43, 2);
    expect(parsed.gammaGamma.gamma).toBeCloseTo(15.44, 2);
    expect(parsed.gammaGamma.logLik).toBeCloseTo(-4055.92, 2);
  });

  it('compares the holdout by calibration repeat purchases 0 … 6+', async () => {
    const { stdout } = await sadakat(
      'clv',
      'fit',
      '--transactions',
      CDNOW,
      '--calibration-end',
      '1997-09-30',
      '--holdout-end',
      '1998-06-30',
      '--format',
      'json',
    );

    const { holdout } = JSON.parse(stdout);
    expect(holdout.length).toBe(39);
    expect(holdout.byX.map((row: { x: string }) => row.x)).toEqual(['0', '1', '2', '3', '4', '5', '6+']);
    expect(holdout.byX.reduce((sum: number, row: { actual: number }) => sum + row.actual, 0)).toBe(holdout.actual);
    // The model should land within 20% of what happened.
    expect(Math.abs(holdout.predicted / holdout.actual - 1)).toBeLessThan(0.2);
  });

  it('says not_enough_data instead of printing numbers for a small shop', async () => {
    const file = await tempCsv('customer_id,timestamp,amount\n1,2024-01-01,5\n1,2024-02-01,7\n2,2024-01-03,4\n');

    const { stdout } = await sadakat(
      'clv',
      'fit',
      '--transactions',
      file,
      '--calibration-end',
      '2024-06-30',
      '--format',
      'json',
    );

    expect(JSON.parse(stdout)).toEqual({
      status: 'not_enough_data',
      reason: '1 customers bought more than once; the model needs at least 500',
    });
  });

  it('exits 3 (not enough data) so a cron job notices, in table and JSON alike', async () => {
    const file = await tempCsv('customer_id,timestamp,amount\n1,2024-01-01,5\n1,2024-02-01,7\n2,2024-01-03,4\n');
    const codes: (number | string | null | undefined)[] = [];
    try {
      for (const format of ['table', 'json']) {
        process.exitCode = undefined;
        await sadakat('clv', 'fit', '--transactions', file, '--calibration-end', '2024-06-30', '--format', format);
        codes.push(process.exitCode);
      }
    } finally {
      process.exitCode = undefined;
    }
    expect(codes).toEqual([3, 3]);
  });

  it('predicts P(alive), purchases, order value and CLV per customer as CSV', async () => {
    const { stdout } = await sadakat(
      'clv',
      'predict',
      '--transactions',
      CDNOW,
      '--calibration-end',
      '1997-09-30',
      '--weeks',
      '39',
    );

    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'customer_id,x_repeat_purchases,t_x_weeks,T_weeks,p_alive_bgnbd,p_no_purchase_30d_mbgnbd,expected_purchases_39w,expected_average_order_value,value_12m_revenue_discounted_1pct_per_month',
    );
    expect(lines).toHaveLength(2_358);
    // The paper's customer 1 (x=2, t_x=30.43, T=38.86): E[Y(39)] = 1.226.
    expect(lines[1]).toMatch(/^1,2,30\.4286,38\.8571,0\.72\d*,0\.\d+,1\.22\d*,/);
  });

  it('prints the predictions as a table that fits 100 columns, the units in a legend', async () => {
    const { stdout } = await sadakat(
      'clv',
      'predict',
      '--transactions',
      CDNOW,
      '--calibration-end',
      '1997-09-30',
      '--weeks',
      '39',
      '--format',
      'table',
    );

    expect(stdout.split('\n')[0]).toMatch(/^customer\s+x\s+t_x\s+T\s+P\(alive\)\s+P\(none 30d\)\s+purchases 39w/);
    expect(stdout).toMatch(/^1\s+2\s+30\.43\s+38\.86\s+0\.727\s/m);
    expect(stdout).toMatch(/t_x and T in weeks[\s\S]*discounted 1%\/month/);
    expect(widestLine(stdout)).toBeLessThanOrEqual(100);
  });
});
