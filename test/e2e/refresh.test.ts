/**
 * The nightly refresh end to end on dynalite: CDNOW's calibration period imported through the
 * profile reducer, the phases run over parallel scan segments, the `scores` messages applied by
 * the real process-events handler, segments re-evaluated.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dayOfDate } from '../../shared/analytics/calendar-day.js';
import { readClv } from '../../shared/analytics/clv-on-read.js';
import { fitClvModel } from '../../shared/analytics/clv-model.js';
import { summarizeCustomers } from '../../shared/analytics/customer-summary.js';
import { readTransactionsCsv, type Transaction } from '../../shared/analytics/transactions-csv.js';
import { loadCampaign, type Campaign } from '../../shared/config/campaign.js';
import { runLocalRefresh, type LocalRefreshSummary } from '../../shared/local/local-refresh.js';
import { startLocalRuntime, type LocalRuntime } from '../../shared/local/runtime.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';
import { composeProcessDeps } from '../../shared/wiring/compose.js';
import { importOrders } from '../../shared/profiles/import-orders.js';

const AS_OF = '1997-09-30';
/** DESIGN "RFM and CLV": CDNOW sample, weekly, calibration to 1997-09-30. */
const REFERENCE = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('nightly refresh on dynalite', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let clock: VirtualClock;
  let campaign: Campaign;
  let calibration: Transaction[];
  let summary: LocalRefreshSummary;
  let stdoutDuringRefresh = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sadakat-refresh-'));
    clock = new VirtualClock(new Date('2026-11-02T03:00:00Z'));
    runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock, fresh: true });
    campaign = await loadCampaign('campaign');
    const { transactions } = await readTransactionsCsv('../shared/data/cdnow_sample.transactions.csv');
    calibration = transactions.filter((row) => row.timestamp <= AS_OF);
    // As `sadakat import orders` does: rows with amount ≤ 0 are not orders.
    await importOrders(
      composeProcessDeps(runtime.adapters, campaign, null),
      calibration
        .filter((row) => row.amount > 0)
        .map((row) => ({ customerId: row.customerId, timestamp: row.timestamp, amount: row.amount, line: row.line })),
      { concurrency: 16 },
    );
    // stdout is the command's own output (demo --format json): the refresh's handlers write nothing there.
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      summary = await runLocalRefresh(runtime, { clock, campaign, asOf: AS_OF, segments: 4 });
    } finally {
      write.mockRestore();
    }
    stdoutDuringRefresh = written.join('');
  }, 240_000);

  it('writes nothing to stdout', () => {
    expect(stdoutDuringRefresh).toBe('');
  });

  afterAll(async () => {
    await runtime?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('fits BG/NBD from the profiles’ order fields to the parameters of the raw orders', () => {
    // Prepare: profiles count orders with revenue only (an amount ≤ 0 is not an order).
    const end = dayOfDate(AS_OF);
    if (!end.ok) throw new Error(end.reason);
    const csv = fitClvModel(
      summarizeCustomers(
        calibration.filter((row) => row.amount > 0),
        { calibrationEnd: end.day, period: 'week' },
      ),
    );
    if (csv.status !== 'fitted' || summary.clv.status !== 'fitted') throw new Error('both fits should pass the gate');

    // Act
    const { r, alpha, a, b } = summary.clv.params;

    // Assess
    expect({ r, alpha, a, b }).toEqual({
      r: expect.closeTo(csv.bgnbd.params.r, 6),
      alpha: expect.closeTo(csv.bgnbd.params.alpha, 6),
      a: expect.closeTo(csv.bgnbd.params.a, 6),
      b: expect.closeTo(csv.bgnbd.params.b, 6),
    });
  });

  it('lands within 0.5% of the published reference values (which also count CDNOW’s eight $0 purchases)', () => {
    // Act
    if (summary.clv.status !== 'fitted') throw new Error(summary.clv.reason);
    const params = summary.clv.params;

    // Assess
    for (const name of ['r', 'alpha', 'a', 'b'] as const)
      expect(Math.abs(params[name] / REFERENCE[name] - 1)).toBeLessThan(0.005);
  });

  it('scores every customer with orders and applies the scores through process-events', async () => {
    // Act
    const profile = await runtime.profiles.getProfile('1');

    // Assess
    expect(summary).toMatchObject({ customers: 2349, scored: 2349, changed: 2349, deadLettered: 0 });
    expect(profile?.rfm).toEqual({ r: 5, f: 4, m: 4, segment: 'champions' });
    // The figures are computed on read from the stored parameters (decision 225).
    expect(profile?.clv).toMatchObject({ tier: 'high', basis: expect.any(Array) });
    expect(profile && readClv(profile, dayOf(AS_OF), campaign.settings.defaultTimezone)).toMatchObject({
      pAlive: expect.any(Number),
    });
  });

  it('writes the MBG/NBD churn score, fitted on the same customers as `sadakat clv fit`', async () => {
    // Prepare
    const end = dayOfDate(AS_OF);
    if (!end.ok) throw new Error(end.reason);
    const csv = fitClvModel(
      summarizeCustomers(
        calibration.filter((row) => row.amount > 0),
        { calibrationEnd: end.day, period: 'week' },
      ),
    );
    if (csv.status !== 'fitted' || summary.clv.status !== 'fitted') throw new Error('both fits should pass the gate');

    // Act
    const profile = await runtime.profiles.getProfile('1');

    // Assess
    expect(summary.clv.mbgnbd.r).toBeCloseTo(csv.mbgnbd.params.r, 6);
    const churn = profile && readClv(profile, end.day, campaign.settings.defaultTimezone)?.pNoPurchase30d;
    expect(churn).toBeGreaterThan(0);
    expect(churn).toBeLessThan(1);
  });

  it('re-evaluates segments that read the scores', async () => {
    // Act
    const profile = await runtime.profiles.getProfile('1');

    // Assess
    expect(Object.keys(profile?.segments ?? {})).toContain('best');
  });

  it('keeps the run’s artifacts in the data folder', () => {
    // Assess
    expect(existsSync(join(dataDir, 'refresh', summary.runId, 'model.json'))).toBe(true);
    expect(existsSync(join(dataDir, 'refresh', summary.runId, 'summary-3.json'))).toBe(true);
  });

  it('sends nothing on a second run when nothing changed', async () => {
    // Prepare
    clock.advance(86_400_000);

    // Act
    const again = await runLocalRefresh(runtime, { clock, campaign, asOf: AS_OF, segments: 4 });

    // Assess
    expect(again).toMatchObject({ scored: 2349, changed: 0 });
  });
});

function dayOf(date: string): number {
  const day = dayOfDate(date);
  if (!day.ok) throw new Error(day.reason);
  return day.day;
}
