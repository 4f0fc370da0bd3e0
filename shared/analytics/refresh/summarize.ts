/**
 * Summarize phase, one scan segment: every customer's RFM and CLV inputs (from the profile's
 * order fields) and the segment's co-purchase counts (from the `O#` items). The exact values go
 * to an artifact — the global quantile cuts need all of them, and thousands of customers already
 * exceed a Step Functions payload — and the phase returns its key with a few counts.
 */
import { coPurchasesToJson, countCoPurchases, customerBaskets, type PurchasedOrder } from '../recommendations.js';
import { shopDay } from '../calendar-day.js';
import { emptySliceColumns, summaryKey, type SliceSummary } from './artifacts.js';
import { isAnonymousCustomerId } from '../../identity/customer-id.js';
import { type ConsoleCounts, consoleCountsKey, type ConsoleIndexCounts } from './console-counts.js';
import { asOfDay, type SliceRun } from './plan.js';
import type { CustomerScan, RefreshArtifacts } from './ports.js';
import { purchaseHistory } from './purchase-history.js';

export interface SummarizeResult {
  segment: number;
  key: string;
  profiles: number;
  /** Profiles with at least one order on or before the as-of date. */
  customers: number;
  orders: number;
  /** This slice wrote the console's counts (decisions 180, 207): fit publishes the snapshot only when every slice did. */
  consoleCounts: boolean;
}

export async function summarizeSlice(
  /** `counts`: the console snapshot's index counts of this slice (decision 220); absent, none are written. */
  deps: { scan: CustomerScan; artifacts: RefreshArtifacts; counts?: ConsoleIndexCounts },
  run: SliceRun,
  onProgress?: (profiles: number) => void,
): Promise<SummarizeResult> {
  const day = asOfDay(run);
  const columns = emptySliceColumns();
  let profiles = 0;
  let known = 0;
  for await (const profile of deps.scan.profiles(run)) {
    profiles++;
    if (!isAnonymousCustomerId(profile.id)) known++;
    onProgress?.(profiles);
    const history = purchaseHistory(profile.orders, day, run.timezone);
    if (history === undefined) continue;
    columns.id.push(profile.id);
    columns.recency.push(history.recency);
    columns.frequency.push(history.frequency);
    columns.monetary.push(history.monetary);
    columns.firstDay.push(history.firstDay);
    columns.x.push(history.x);
    columns.txDays.push(history.txDays);
    columns.TDays.push(history.TDays);
    columns.repeatMean.push(history.repeatMean);
  }

  const orders: PurchasedOrder[] = [];
  for await (const order of deps.scan.orders(run)) if (shopDay(order.at, run.timezone) <= day) orders.push(order);
  const coPurchases = coPurchasesToJson(countCoPurchases(customerBaskets(orders).values()));

  const key = summaryKey(run.runId, run.segment);
  const summary: SliceSummary = {
    runId: run.runId,
    asOf: run.asOf,
    segment: run.segment,
    totalSegments: run.totalSegments,
    profiles,
    customers: columns,
    coPurchases,
  };
  await deps.artifacts.put(key, summary);
  if (deps.counts) {
    // The console's snapshot: the known customers read above, and the indexes' counts (no Scan).
    const counts: ConsoleCounts = { asOf: run.at, customers: known, ...(await deps.counts(run)) };
    await deps.artifacts.put(consoleCountsKey(run.runId, run.segment), counts);
  }
  return {
    segment: run.segment,
    key,
    profiles,
    customers: columns.id.length,
    orders: orders.length,
    consoleCounts: deps.counts !== undefined,
  };
}
